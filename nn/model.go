package nn

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/descentlab/descent/internal/gemm"
	"github.com/descentlab/descent/internal/vec"
)

// NamedView is one named parameter tensor: a window into the model's flat
// parameter buffer (Value) and the matching window into its flat gradient
// buffer (Grad). Shape is [out, in] for a weight and [out] for a bias.
// Value and Grad have capacity equal to their length, so an append cannot
// spill into a neighbour.
type NamedView struct {
	Name  string
	Shape []int
	Value []float32
	Grad  []float32
}

// dense is one fully connected layer, y = x·Wᵀ + b, with W stored [out×in]
// row-major as in PyTorch's nn.Linear.
type dense struct {
	in, out int
	w, b    []float32 // views into Model.params
	gw, gb  []float32 // views into Model.grads
}

// Model is a multilayer perceptron with softmax cross-entropy loss.
//
// All parameters live in one flat []float32 (see Flat), layer after layer,
// each layer's weight [out×in] row-major followed by its bias [out]; the
// gradient buffer has the same layout. An optimizer may therefore update
// the whole model in one pass over Flat, or per tensor over Params.
//
// A training step is Loss(x, y) then Backward(). Activation and gradient
// buffers are kept between calls and reused, so once a batch size has been
// seen neither call allocates (matrix products run through internal/gemm).
// A Model is not safe for concurrent use.
type Model struct {
	spec   Spec
	layers []dense
	norms  []batchNorm // one per hidden layer with Spec.BatchNorm, else nil
	params []float32
	grads  []float32
	views  []NamedView
	// buffers are the batch normalisations' running statistics.
	buffers []NamedView

	dropPCG *rand.PCG
	dropRNG *rand.Rand

	train, eval workspace
	// What Loss saw, for Backward.
	x     []float32
	y     []uint8
	ready bool

	// Backward's two-thread work (pairPart), made once so that Backward
	// allocates nothing, and the layer and batch size it is for.
	pair             func(part, parts int)
	pairLayer, pairN int

	// Loss's forward pass by rows on several threads, and Backward's two
	// passes after it (forward.go).
	rows rowForward
	back splitBackward
	// The sparse first layer's lists and buffers (sparse.go).
	sp sparseFirst
	// The layer pipeline (pipe.go).
	pipe pipeState

	// Whether every gradient of the last Backward is finite, where
	// Backward found it out while computing them (finiteKnown).
	finite, finiteKnown bool
}

// Streams of the PCG generators that New seeds: one seed, two independent
// sequences, so that turning dropout on does not change the initial weights.
const (
	initStream    = 0x696e6974 // "init"
	dropoutStream = 0x64726f70 // "drop"
)

// New builds the model that spec describes, with parameters drawn as
// spec.Init says from a PCG generator seeded by seed (layers in order, each
// weight row by row, then its bias). Dropout masks come from a second
// generator with the same seed and another stream.
func New(spec Spec, seed uint64) (*Model, error) {
	if err := spec.Validate(); err != nil {
		return nil, err
	}
	spec.Sizes = append([]int(nil), spec.Sizes...)
	m := &Model{spec: spec}
	m.pair = m.pairPart
	total := spec.NumParams()
	m.params = make([]float32, total)
	m.grads = make([]float32, total)
	off := 0
	take := func(n int) (v, g []float32) {
		v, g = m.params[off:off+n:off+n], m.grads[off:off+n:off+n]
		off += n
		return v, g
	}
	for i := 1; i < len(spec.Sizes); i++ {
		l := dense{in: spec.Sizes[i-1], out: spec.Sizes[i]}
		l.w, l.gw = take(l.out * l.in)
		l.b, l.gb = take(l.out)
		name := fmt.Sprintf("fc%d", i)
		m.views = append(m.views,
			NamedView{Name: name + ".weight", Shape: []int{l.out, l.in}, Value: l.w, Grad: l.gw},
			NamedView{Name: name + ".bias", Shape: []int{l.out}, Value: l.b, Grad: l.gb})
		m.layers = append(m.layers, l)
		if spec.BatchNorm && i < len(spec.Sizes)-1 {
			bn := newBatchNorm(l.out)
			bn.gamma, bn.ggamma = take(l.out)
			bn.beta, bn.gbeta = take(l.out)
			name := fmt.Sprintf("bn%d", i)
			m.views = append(m.views,
				NamedView{Name: name + ".weight", Shape: []int{l.out}, Value: bn.gamma, Grad: bn.ggamma},
				NamedView{Name: name + ".bias", Shape: []int{l.out}, Value: bn.beta, Grad: bn.gbeta})
			m.buffers = append(m.buffers,
				NamedView{Name: name + ".running_mean", Shape: []int{l.out}, Value: bn.runMean},
				NamedView{Name: name + ".running_var", Shape: []int{l.out}, Value: bn.runVar})
			m.norms = append(m.norms, bn)
		}
	}
	m.initParams(rand.New(rand.NewPCG(seed, initStream)))
	m.dropPCG = rand.NewPCG(seed, dropoutStream)
	m.dropRNG = rand.New(m.dropPCG)
	return m, nil
}

// MustParse builds a model from a spec string; it panics on a bad spec and
// is meant for tests and examples.
func MustParse(spec string, seed uint64) *Model {
	s, err := ParseModel(spec)
	if err != nil {
		panic(err)
	}
	m, err := New(s, seed)
	if err != nil {
		panic(err)
	}
	return m
}

func (m *Model) initParams(rng *rand.Rand) {
	for _, l := range m.layers {
		fanIn, fanOut := float64(l.in), float64(l.out)
		uniform := func(dst []float32, bound float64) {
			for i := range dst {
				dst[i] = float32((float64(2*rng.Float64()) - 1) * bound)
			}
		}
		normal := func(dst []float32, std float64) {
			for i := range dst {
				dst[i] = float32(rng.NormFloat64() * std)
			}
		}
		clear(l.b)
		switch m.spec.Init {
		case InitTorch:
			uniform(l.w, 1/math.Sqrt(fanIn))
			uniform(l.b, 1/math.Sqrt(fanIn))
		case InitHe:
			normal(l.w, math.Sqrt(2/fanIn))
		case InitHeUniform:
			uniform(l.w, math.Sqrt(6/fanIn))
		case InitXavier:
			uniform(l.w, math.Sqrt(6/(fanIn+fanOut)))
		case InitXavierNormal:
			normal(l.w, math.Sqrt(2/(fanIn+fanOut)))
		case InitNormal:
			normal(l.w, m.spec.InitStd)
		}
	}
	// Batch normalisation starts as torch's: γ = 1, β = 0, drawing nothing,
	// so the dense layers get the same weights with or without it.
	for i := range m.norms {
		for j := range m.norms[i].gamma {
			m.norms[i].gamma[j] = 1
		}
	}
}

// Spec returns the model's spec.
func (m *Model) Spec() Spec {
	s := m.spec
	s.Sizes = append([]int(nil), s.Sizes...)
	return s
}

// Inputs returns the input width, Sizes[0].
func (m *Model) Inputs() int { return m.spec.Sizes[0] }

// InputRows reports which rows [lo, hi) of a batch of n examples the part
// part of parts of the first layer's product reads, when that product is
// split over parts threads by rows (ok true; see gemm.RowPart). A training
// loop that fills the batch on those threads gives each the rows it will
// use, so they are in that core's caches.
func (m *Model) InputRows(n, part, parts int) (lo, hi int, ok bool) {
	if parts == 2 && m.pipeOK(n) {
		// The layer pipeline: thread 0 takes every row of the first layer.
		if part == 0 {
			return 0, n, true
		}
		return n, n, true
	}
	l := &m.layers[0]
	return gemm.RowPart(n, l.out, l.in, part, parts)
}

// Classes returns the number of outputs, the last of Sizes.
func (m *Model) Classes() int { return m.spec.Sizes[len(m.spec.Sizes)-1] }

// NumParams returns the number of parameters.
func (m *Model) NumParams() int { return len(m.params) }

// Params returns the named parameter views in layer order: fc1.weight,
// fc1.bias, (with batch normalisation bn1.weight, bn1.bias,) fc2.weight, … The slice is the model's own; do not modify it
// (the values it points at are for the optimizer to change).
func (m *Model) Params() []NamedView { return m.views }

// Flat returns the whole parameter buffer and the gradient buffer, with the
// same layout; each NamedView is a window into them.
func (m *Model) Flat() (params, grads []float32) { return m.params, m.grads }

// DropoutState returns the state of the dropout generator, for checkpoints.
func (m *Model) DropoutState() []byte {
	b, _ := m.dropPCG.MarshalBinary() // never fails
	return b
}

// SetDropoutState restores a state returned by DropoutState.
func (m *Model) SetDropoutState(b []byte) error {
	if err := m.dropPCG.UnmarshalBinary(b); err != nil {
		return fmt.Errorf("nn: dropout state: %w", err)
	}
	return nil
}

// GradsFinite reports whether every value in the gradient buffer is finite
// (no NaN or ±Inf) as the last Backward left it. Where Backward ran by rows
// and tasks on several threads, each task checked the gradients it had just
// computed, and this costs nothing; otherwise it scans the buffer. Call it
// before changing the gradients (clipping, say): it does not see changes
// made after Backward.
func (m *Model) GradsFinite() bool {
	if m.finiteKnown {
		return m.finite
	}
	return vec.AllFinite(m.grads)
}
