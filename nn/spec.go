package nn

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Activation is the nonlinearity applied after every hidden layer.
// The output layer has none: its outputs are the logits of the softmax.
type Activation int

const (
	ReLU    Activation = iota // max(0, z)
	Sigmoid                   // 1/(1+e^−z)
	Tanh                      // tanh z
)

var activationNames = [...]string{ReLU: "relu", Sigmoid: "sigmoid", Tanh: "tanh"}

func (a Activation) String() string {
	if a >= 0 && int(a) < len(activationNames) {
		return activationNames[a]
	}
	return "Activation(" + strconv.Itoa(int(a)) + ")"
}

// Init names the distribution that New draws the parameters from; fan_in
// and fan_out are a layer's input and output widths. Each is defined as in
// torch.nn.init, so runs can be compared with PyTorch.
type Init int

const (
	// InitTorch is PyTorch's nn.Linear default: kaiming_uniform_(a=√5) for
	// the weights, which is U(−1/√fan_in, 1/√fan_in), and the same uniform
	// distribution for the biases.
	InitTorch Init = iota
	// InitHe is He et al. (2015) normal, kaiming_normal_(nonlinearity="relu"):
	// weights N(0, 2/fan_in), biases zero.
	InitHe
	// InitHeUniform is kaiming_uniform_(nonlinearity="relu"):
	// weights U(−√(6/fan_in), √(6/fan_in)), biases zero.
	InitHeUniform
	// InitXavier is Glorot and Bengio (2010) uniform, xavier_uniform_:
	// weights U(−√(6/(fan_in+fan_out)), √(6/(fan_in+fan_out))), biases zero.
	InitXavier
	// InitXavierNormal is xavier_normal_: weights N(0, 2/(fan_in+fan_out)),
	// biases zero.
	InitXavierNormal
	// InitNormal is weights N(0, InitStd²), biases zero: the book's
	// weight_init_std (§6.2 compares 0.01, Xavier and He).
	InitNormal
)

var initNames = [...]string{
	InitTorch:        "torch",
	InitHe:           "he",
	InitHeUniform:    "he-uniform",
	InitXavier:       "xavier",
	InitXavierNormal: "xavier-normal",
	InitNormal:       "normal",
}

func (i Init) String() string {
	if i >= 0 && int(i) < len(initNames) {
		return initNames[i]
	}
	return "Init(" + strconv.Itoa(int(i)) + ")"
}

// Limits that keep a spec from asking for absurd amounts of memory.
const (
	MaxLayers = 64      // dense layers in one model
	MaxWidth  = 1 << 20 // units in one layer
	MaxParams = 1 << 30 // parameters in one model (4 GiB of float32)
)

// Spec describes a multilayer perceptron: dense layers of the given widths,
// Act after every hidden layer, softmax cross-entropy on the outputs.
// Its zero value is not valid (it has no layers); ParseModel makes one.
type Spec struct {
	// Sizes are the layer widths, input first and number of classes last:
	// {784, 100, 10} is one hidden layer of 100 units. At least two.
	Sizes []int
	// Act follows each hidden layer. The zero value is ReLU.
	Act Activation
	// Init draws the initial parameters. The zero value is InitTorch.
	Init Init
	// Dropout is the probability of zeroing a hidden unit during training
	// (inverted dropout: kept units are scaled by 1/(1−Dropout)), in [0, 1).
	// Zero turns dropout off. Inputs and outputs are never dropped.
	Dropout float64
	// InitStd is the standard deviation of InitNormal's weights, > 0; the
	// other initialisations ignore it (and String does not write it).
	InitStd float64
	// BatchNorm puts a batch normalisation (BatchNorm1d, see batchnorm.go)
	// after every hidden dense layer, before its activation.
	BatchNorm bool
}

// ParseModel parses a model spec such as
//
//	mlp:784-100-10
//	mlp:784-256-128-10,act=relu,init=he,dropout=0.2
//	mlp:784-100-100-10,init=normal:0.01,bn
//
// "mlp:" is followed by the layer widths joined by "-", then optional
// comma-separated options: act (relu, sigmoid, tanh; default relu), init
// (torch, he, he-uniform, xavier, xavier-normal, or normal:STD for weights
// N(0, STD²); default torch), dropout (a probability in [0, 1); default 0)
// and bn (batch normalisation after every hidden layer). Errors name the
// part that is wrong.
func ParseModel(s string) (Spec, error) {
	bad := func(format string, args ...any) (Spec, error) {
		return Spec{}, fmt.Errorf("nn: model %q: %s", s, fmt.Sprintf(format, args...))
	}
	kind, rest, ok := strings.Cut(s, ":")
	if !ok {
		return bad(`want "mlp:" and layer sizes, such as "mlp:784-100-10"`)
	}
	if kind != "mlp" {
		return bad("unknown model type %q: want mlp", kind)
	}
	parts := strings.Split(rest, ",")
	var spec Spec
	widths := strings.Split(parts[0], "-")
	if len(widths) < 2 {
		return bad("layer sizes %q: want at least two, input and output, joined by '-'", parts[0])
	}
	if len(widths) > MaxLayers+1 {
		return bad("%d layer sizes: at most %d", len(widths), MaxLayers+1)
	}
	for _, w := range widths {
		n, err := strconv.Atoi(w)
		if err != nil || n < 1 || n > MaxWidth || w[0] == '+' {
			return bad("layer size %q: want an integer from 1 to %d", w, MaxWidth)
		}
		spec.Sizes = append(spec.Sizes, n)
	}
	seen := map[string]bool{}
	for _, opt := range parts[1:] {
		key, val, ok := strings.Cut(opt, "=")
		if opt == "bn" {
			key, val, ok = "bn", "", true
		}
		if !ok {
			return bad("option %q: want key=value", opt)
		}
		if seen[key] {
			return bad("option %q given twice", key)
		}
		seen[key] = true
		switch key {
		case "act":
			i := indexOf(activationNames[:], val)
			if i < 0 {
				return bad("act=%s: want one of %s", val, strings.Join(activationNames[:], ", "))
			}
			spec.Act = Activation(i)
		case "init":
			name, std, isNormal := strings.Cut(val, ":")
			i := indexOf(initNames[:], name)
			if i < 0 || (i == int(InitNormal)) != isNormal {
				return bad("init=%s: want one of %s, or normal:STD (e.g. normal:0.01)", val, strings.Join(initNames[:InitNormal], ", "))
			}
			spec.Init = Init(i)
			if isNormal {
				sd, err := strconv.ParseFloat(std, 64)
				if err != nil || !(sd > 0) || math.IsInf(sd, 0) {
					return bad("init=%s: the standard deviation %q: want a finite number > 0", val, std)
				}
				spec.InitStd = sd
			}
		case "bn":
			if opt != "bn" {
				return bad("option %q: bn takes no value (write bn)", opt)
			}
			spec.BatchNorm = true
		case "dropout":
			p, err := strconv.ParseFloat(val, 64)
			if err != nil || !(p >= 0 && p < 1) {
				return bad("dropout=%s: want a probability in [0, 1)", val)
			}
			spec.Dropout = p
		default:
			return bad("unknown option %q: want act, init, dropout or bn", key)
		}
	}
	if err := spec.Validate(); err != nil {
		return bad("%v", strings.TrimPrefix(err.Error(), "nn: "))
	}
	return spec, nil
}

func indexOf(names []string, s string) int {
	for i, n := range names {
		if n == s {
			return i
		}
	}
	return -1
}

// Validate reports whether the spec describes a model that New can build.
// NumParams is the number of parameters a model of s has (Model.NumParams),
// known without building it: each dense layer's weights and biases and,
// with BatchNorm, γ and β of every hidden layer. It does not check s:
// Validate bounds the sizes first (MaxLayers, MaxWidth), then the count
// (MaxParams).
func (s Spec) NumParams() int {
	total := 0
	for i := 1; i < len(s.Sizes); i++ {
		total += s.Sizes[i-1]*s.Sizes[i] + s.Sizes[i]
		if s.BatchNorm && i < len(s.Sizes)-1 {
			total += 2 * s.Sizes[i] // γ and β
		}
	}
	return total
}

func (s Spec) Validate() error {
	if len(s.Sizes) < 2 || len(s.Sizes) > MaxLayers+1 {
		return fmt.Errorf("nn: %d layer sizes: want 2 to %d", len(s.Sizes), MaxLayers+1)
	}
	for i, n := range s.Sizes {
		if n < 1 || n > MaxWidth {
			return fmt.Errorf("nn: layer size %d is %d: want 1 to %d", i, n, MaxWidth)
		}
	}
	params := s.NumParams() // bounded by MaxLayers and MaxWidth: no overflow
	if c := s.Sizes[len(s.Sizes)-1]; c > 256 {
		return fmt.Errorf("nn: %d outputs: labels are bytes, so at most 256 classes", c)
	}
	if params > MaxParams {
		return fmt.Errorf("nn: sizes %v need %d parameters: at most %d", s.Sizes, params, MaxParams)
	}
	if s.Act < 0 || int(s.Act) >= len(activationNames) {
		return fmt.Errorf("nn: unknown activation %v", s.Act)
	}
	if s.Init < 0 || int(s.Init) >= len(initNames) {
		return fmt.Errorf("nn: unknown initialisation %v", s.Init)
	}
	if s.Init == InitNormal && !(s.InitStd > 0 && !math.IsInf(s.InitStd, 0)) {
		return fmt.Errorf("nn: init normal with standard deviation %v: want a finite number > 0", s.InitStd)
	}
	if !(s.Dropout >= 0 && s.Dropout < 1) || math.IsNaN(s.Dropout) {
		return fmt.Errorf("nn: dropout %v: want a probability in [0, 1)", s.Dropout)
	}
	return nil
}

// String returns the spec in the form ParseModel reads, with act and init
// always written, dropout when it is not zero and bn when set.
func (s Spec) String() string {
	var b strings.Builder
	b.WriteString("mlp:")
	for i, n := range s.Sizes {
		if i > 0 {
			b.WriteByte('-')
		}
		b.WriteString(strconv.Itoa(n))
	}
	b.WriteString(",act=" + s.Act.String() + ",init=" + s.Init.String())
	if s.Init == InitNormal {
		b.WriteString(":" + strconv.FormatFloat(s.InitStd, 'g', -1, 64))
	}
	if s.Dropout != 0 {
		b.WriteString(",dropout=" + strconv.FormatFloat(s.Dropout, 'g', -1, 64))
	}
	if s.BatchNorm {
		b.WriteString(",bn")
	}
	return b.String()
}
