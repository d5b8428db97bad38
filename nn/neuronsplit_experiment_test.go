//go:build experiment

package nn

import (
	"math"
	"math/rand/v2"
	"os"
	"runtime"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/descentlab/descent/data"

	"github.com/descentlab/descent/internal/gemm"
	"github.com/descentlab/descent/internal/workpool"
	"github.com/descentlab/descent/optim"
)

// An experiment, measured and not kept (docs/speed-log.md, "The whole step
// split by neurons"): the book net's SGD step split by neurons over two
// threads (each core owns its share of every layer's outputs: its rows of
// W and ∂W and their optimizer step, the last layer's columns of W; the
// activations and their gradients exchanged between layers at a spin
// barrier; the last layer and the softmax on both cores), against today's
// step split by batch rows (Loss, Backward, optim's SGD). Both gather a
// batch of pixel bytes into float32 (the rows variant half the rows per
// core, the neurons variant the whole batch per core) and use the dense
// first layer. Core 0 takes outputs [0, PROTO_CUT) of each layer (48 by
// default).
//
//	go test -tags experiment -run NeuronProto -v ./nn      # same weights as Loss/Backward/SGD to 1e-5
//	go test -tags experiment -run XXX -bench NeuronProto -benchtime 2000x ./nn

type spinBar struct {
	n   atomic.Int32
	_   [60]byte
	gen atomic.Int32
	_   [60]byte
}

var barWait [2]time.Duration

func (b *spinBar) wait(local *int32) {
	t0 := time.Now()
	defer func() {
		if local == &protoCur.loc[0] {
			barWait[0] += time.Since(t0)
		} else {
			barWait[1] += time.Since(t0)
		}
	}()
	g := *local
	if b.n.Add(1) == 2 {
		b.n.Store(0)
		b.gen.Store(g + 1)
	} else {
		for b.gen.Load() == g {
		}
	}
	*local = g + 1
}

type protoNet struct {
	m    *Model
	n    int
	src  []uint8 // images as bytes
	idx  []int
	y    []uint8
	x    [2][]float32 // per core: the whole batch
	ds   *data.Dataset
	bt   [2]data.Batch
	t0   time.Time
	ph   [8]time.Duration
	a    [][]float32 // per layer: n×out, columns split
	dz   [][]float32
	lg   [2][]float32 // per core: logits
	dzL  [2][]float32 // per core: ∂logits
	cut  []int        // per layer: core 0 takes outputs [0, cut)
	bar  spinBar
	loc  [2]int32
	lr   float32
	tick atomic.Int64
	_    [56]byte
	done atomic.Int64
}

var protoCur *protoNet

func (p *protoNet) mark(c, i int) {
	if c == 0 {
		now := time.Now()
		p.ph[i] += now.Sub(p.t0)
		p.t0 = now
	}
}

func (p *protoNet) own(l, c int) (int, int) {
	if c == 0 {
		return 0, p.cut[l]
	}
	return p.cut[l], p.m.layers[l].out
}

func (p *protoNet) step(c int) {
	m, n := p.m, p.n
	L := len(m.layers)
	in0 := m.Inputs()
	_ = in0
	p.ds.GatherPart(&p.bt[c], p.idx, 0, n)
	x := p.bt[c].X[:n*in0]
	p.mark(c, 0)
	for li := 0; li < L-1; li++ {
		l := &m.layers[li]
		in := x
		if li > 0 {
			in = p.a[li-1]
		}
		o0, o1 := p.own(li, c)
		a := p.a[li]
		t1 := time.Now()
		pg(c, false, true, n, o1-o0, l.in, 1, in, l.in, l.w[o0*l.in:], l.in, 0, a[o0:], l.out)
		if li == 0 {
			l1T[c] += time.Since(t1)
		}
		for r := range n {
			row := a[r*l.out+o0 : r*l.out+o1]
			for j := range row {
				row[j] = max(row[j]+l.b[o0+j], 0)
			}
		}
		p.bar.wait(&p.loc[c])
	}
	p.mark(c, 1)
	// The last layer on both cores.
	l := &m.layers[L-1]
	lg, dzL := p.lg[c], p.dzL[c]
	pg(c, false, true, n, l.out, l.in, 1, p.a[L-2], l.in, l.w, l.in, 0, lg, l.out)
	for r := range n {
		row := lg[r*l.out : (r+1)*l.out]
		mx := float32(math.Inf(-1))
		for j := range row {
			row[j] += l.b[j]
			mx = max(mx, row[j])
		}
		var s float32
		for j := range row {
			e := float32(math.Exp(float64(row[j] - mx)))
			dzL[r*l.out+j] = e
			s += e
		}
		for j := range row {
			dzL[r*l.out+j] /= s * float32(n)
		}
		dzL[r*l.out+int(p.y[r])] -= 1 / float32(n)
	}
	p.mark(c, 2)
	i0, i1 := p.own(L-2, c)
	pg(c, true, false, l.out, i1-i0, n, 1, dzL, l.out, p.a[L-2][i0:], l.in, 0, l.gw[i0:], l.in)
	if c == 0 {
		clear(l.gb)
		for r := range n {
			for j := range l.out {
				l.gb[j] += dzL[r*l.out+j]
			}
		}
	}
	pg(c, false, false, n, i1-i0, l.out, 1, dzL, l.out, l.w[i0:], l.in, 0, p.dz[L-2][i0:], l.in)
	reluCols(p.dz[L-2], p.a[L-2], l.in, i0, i1, n)
	for li := L - 2; li >= 0; li-- {
		if li >= 1 {
			p.bar.wait(&p.loc[c])
		}
		l := &m.layers[li]
		o0, o1 := p.own(li, c)
		in := x
		if li > 0 {
			in = p.a[li-1]
		}
		dz := p.dz[li]
		pg(c, true, false, o1-o0, l.in, n, 1, dz[o0:], l.out, in, l.in, 0, l.gw[o0*l.in:], l.in)
		gb := l.gb[o0:o1]
		clear(gb)
		for r := range n {
			row := dz[r*l.out+o0 : r*l.out+o1]
			for j := range row {
				gb[j] += row[j]
			}
		}
		if li > 0 {
			i0, i1 := p.own(li-1, c)
			pg(c, false, false, n, i1-i0, l.out, 1, dz, l.out, l.w[i0:], l.in, 0, p.dz[li-1][i0:], l.in)
			reluCols(p.dz[li-1], p.a[li-1], l.in, i0, i1, n)
		}
	}
	p.mark(c, 3)
	// SGD on what this core owns.
	lr := p.lr
	for li := 0; li < L-1; li++ {
		l := &m.layers[li]
		o0, o1 := p.own(li, c)
		w, g := l.w[o0*l.in:o1*l.in], l.gw[o0*l.in:o1*l.in]
		for j := range w {
			w[j] -= lr * g[j]
		}
		for j := o0; j < o1; j++ {
			l.b[j] -= lr * l.gb[j]
		}
	}
	l = &m.layers[L-1]
	for r := range l.out {
		w, g := l.w[r*l.in+i0:r*l.in+i1], l.gw[r*l.in+i0:r*l.in+i1]
		for j := range w {
			w[j] -= lr * g[j]
		}
	}
	if c == 0 {
		for j := range l.b {
			l.b[j] -= lr * l.gb[j]
		}
	}
	p.mark(c, 4)
	p.bar.wait(&p.loc[c])
	p.mark(c, 5)
}

var gemmT, l1T [2]time.Duration

func pg(c int, ta, tb bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, cc []float32, ldc int) {
	t := time.Now()
	gemm.SgemmSerial(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, cc, ldc)
	gemmT[c] += time.Since(t)
}

func reluCols(g, a []float32, w, i0, i1, n int) {
	for r := range n {
		gr, ar := g[r*w+i0:r*w+i1], a[r*w+i0:r*w+i1]
		for j := range gr {
			if ar[j] <= 0 {
				gr[j] = 0
			}
		}
	}
}

// newProtoNet is the experiment's state for model m, batches of n rows
// drawn from the images src with labels ys.
func newProtoNet(m *Model, n int, src, ys []uint8) *protoNet {
	p := &protoNet{m: m, n: n, src: src, idx: make([]int, n), y: make([]uint8, n), lr: 0.01}
	p.ds = &data.Dataset{Pixels: src, Y: ys, N: len(ys), Dim: 784, Classes: 10}
	protoCur = p
	for c := range 2 {
		p.ds.Reserve(&p.bt[c], n)
		p.x[c] = make([]float32, n*784)
		p.lg[c] = make([]float32, n*10)
		p.dzL[c] = make([]float32, n*10)
	}
	for _, l := range m.layers {
		p.a = append(p.a, make([]float32, n*l.out))
		p.dz = append(p.dz, make([]float32, n*l.out))
		p.cut = append(p.cut, protoCut)
	}
	return p
}

func protoSetup(n, images int) (src []uint8, ys []uint8) {
	rng := rand.New(rand.NewPCG(3, 4))
	src = make([]uint8, images*784)
	for i := range src {
		if rng.IntN(5) == 0 {
			src[i] = uint8(rng.IntN(256))
		}
	}
	ys = make([]uint8, images)
	for i := range ys {
		ys[i] = uint8(rng.IntN(10))
	}
	return src, ys
}

func BenchmarkNeuronProto(b *testing.B) {
	if runtime.GOMAXPROCS(0) < 2 {
		b.Skip("needs 2 threads")
	}
	const n, images = 128, 4096
	src, ys := protoSetup(n, images)
	rng := rand.New(rand.NewPCG(5, 6))
	drawIdx := func(idx []int, y []uint8) {
		for r := range idx {
			idx[r] = rng.IntN(images)
			y[r] = ys[idx[r]]
		}
	}
	b.Run("rows", func(b *testing.B) {
		m := MustParse("mlp:784-100-100-100-100-10,init=he", 1)
		m.SetSparseInput(false)
		h, _ := optim.ParseSpec("sgd:lr=0.01")
		var params []*optim.Param[float32]
		for _, v := range m.Params() {
			params = append(params, &optim.Param[float32]{Name: v.Name, Value: v.Value, Grad: v.Grad})
		}
		opt, _ := optim.New(h, params...)
		x := make([]float32, n*784)
		idx, y := make([]int, n), make([]uint8, n)
		ds := &data.Dataset{Pixels: src, Y: ys, N: images, Dim: 784, Classes: 10}
		var bt data.Batch
		ds.Reserve(&bt, n)
		x = bt.X[:n*784]
		gather := func(part, _ int) {
			ds.GatherPart(&bt, idx, part*n/2, (part+1)*n/2)
		}
		step := func() {
			drawIdx(idx, y)
			if !workpool.TryRunShared(2, 2, gather) {
				b.Fatal("busy")
			}
			m.Loss(x, y)
			m.Backward()
			opt.Step()
		}
		for range 20 {
			step()
		}
		for b.Loop() {
			step()
		}
	})
	b.Run("neurons", func(b *testing.B) {
		p := newProtoNet(MustParse("mlp:784-100-100-100-100-10,init=he", 1), n, src, ys)
		go func() {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			var seen int64
			for {
				t := p.tick.Load()
				if t == seen {
					continue
				}
				if t < 0 {
					return
				}
				seen = t
				p.step(1)
				p.done.Store(t)
			}
		}()
		step := func() {
			drawIdx(p.idx, p.y)
			t := p.tick.Add(1)
			p.step(0)
			for p.done.Load() != t {
			}
		}
		for range 20 {
			step()
		}
		p.ph = [8]time.Duration{}
		barWait = [2]time.Duration{}
		gemmT = [2]time.Duration{}
		l1T = [2]time.Duration{}
		p.t0 = time.Now()
		k := 0
		for b.Loop() {
			step()
			k++
		}
		for i, name := range []string{"gather", "fwd", "last", "bwd", "sgd", "endbar"} {
			b.ReportMetric(float64(p.ph[i].Microseconds())/float64(k), "µs/"+name)
		}
		b.ReportMetric(float64(barWait[0].Microseconds())/float64(k), "µs/wait0")
		b.ReportMetric(float64(gemmT[0].Microseconds())/float64(k), "µs/gemm0")
		b.ReportMetric(float64(gemmT[1].Microseconds())/float64(k), "µs/gemm1")
		b.ReportMetric(float64(l1T[0].Microseconds())/float64(k), "µs/l1-0")
		b.ReportMetric(float64(l1T[1].Microseconds())/float64(k), "µs/l1-1")
		b.ReportMetric(float64(barWait[1].Microseconds())/float64(k), "µs/wait1")
		p.tick.Store(-1)
	})
}

func TestNeuronProtoMatches(t *testing.T) {
	const n, images = 128, 512
	src, ys := protoSetup(n, images)
	m1 := MustParse("mlp:784-100-100-100-100-10,init=he", 1)
	m2 := MustParse("mlp:784-100-100-100-100-10,init=he", 1)
	h, _ := optim.ParseSpec("sgd:lr=0.01")
	var params []*optim.Param[float32]
	for _, v := range m1.Params() {
		params = append(params, &optim.Param[float32]{Name: v.Name, Value: v.Value, Grad: v.Grad})
	}
	opt, _ := optim.New(h, params...)
	p := newProtoNet(m2, n, src, ys)
	x := make([]float32, n*784)
	for s := range 5 {
		for r := range n {
			p.idx[r] = (s*n + r*7) % images
			p.y[r] = ys[p.idx[r]]
			for j := range 784 {
				x[r*784+j] = float32(src[p.idx[r]*784+j]) * (1.0 / 255)
			}
		}
		m1.Loss(x, p.y)
		m1.Backward()
		opt.Step()
		done := make(chan bool)
		go func() { p.step(1); done <- true }()
		p.step(0)
		<-done
	}
	a, b := m1.params, m2.params
	worst := 0.0
	for i := range a {
		worst = max(worst, math.Abs(float64(a[i]-b[i])))
	}
	if worst > 1e-5 {
		t.Fatalf("prototype differs by %g", worst)
	}
	t.Logf("largest difference %g", worst)
}

var protoCut = func() int {
	if v := os.Getenv("PROTO_CUT"); v != "" {
		n, _ := strconv.Atoi(v)
		return n
	}
	return 48
}()
