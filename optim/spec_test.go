package optim_test

import (
	"strings"
	"testing"

	"github.com/descentlab/descent/optim"
)

func TestParseSpecErrors(t *testing.T) {
	cases := []struct{ spec, want string }{
		{"", "missing method name"},
		{"adm", `unknown optimizer "adm" (want one of: gd, sgd, momentum`},
		{"adam:lr", `malformed option "lr" (want key=value)`},
		{"adam:lr=fast", `adam: invalid lr="fast": want a number`},
		{"adam:lr=-0.1", "adam: invalid lr=-0.1: want a finite number ≥ 0"},
		{"adam:eps=-1", "adam: invalid eps=-1: want a finite number > 0"},
		{"adam:beta1=1", "adam: invalid beta1=1: want a number in [0, 1)"},
		{"adam:beta2=-0.5", "adam: invalid beta2=-0.5: want a number in [0, 1)"},
		{"adam:lr=NaN", "adam: invalid lr=NaN"},
		{"adam:lr=Inf", "adam: invalid lr=+Inf"},
		{"adam:momentum=0.9", `adam: unknown option "momentum" (want one of: amsgrad, beta1, beta2, decoupled_weight_decay, eps, lr, maximize, variant, weight_decay)`},
		{"sgd:nesterov=true", "sgd: invalid nesterov=true with momentum=0, dampening=0: Nesterov momentum needs momentum > 0 and dampening = 0"},
		{"sgd:nesterov=true,momentum=0.9,dampening=0.1", "Nesterov momentum needs momentum > 0 and dampening = 0"},
		{"sgd:nesterov=yes", `sgd: invalid nesterov="yes": want true or false`},
		{"adam:lr=0.1,lr=0.2", `adam: option "lr" given twice`},
		{"adam:variant=paper", `adam: invalid variant="paper": want one of torch, note`},
		{"adam:variant=note,amsgrad=true", "the study note's Adam has no AMSGrad"},
		{"adadelta:rho=1.5", "adadelta: invalid rho=1.5: want a number in [0, 1]"},
		{"rmsprop:alpha=-0.1", "rmsprop: invalid alpha=-0.1"},
		{"adagrad:lr_decay=-1", "adagrad: invalid lr_decay=-1"},
		{"adagrad:initial_accumulator_value=-1", "adagrad: invalid initial_accumulator_value=-1"},
		{"nadam:momentum_decay=-1", "nadam: invalid momentum_decay=-1"},
		{"momentum:momentum=1", "momentum: invalid momentum=1: want a number in [0, 1)"},
		{"lion:beta2=2", "lion: invalid beta2=2"},
	}
	for _, c := range cases {
		_, err := optim.ParseSpec(c.spec)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("ParseSpec(%q) = %v, want error containing %q", c.spec, err, c.want)
		}
	}
}

// TestDefaults pins the defaults to torch.optim's documented ones
// (torch 1.13 docs; SGD's lr from torch 2.x, where it gained a default).
func TestDefaults(t *testing.T) {
	cases := []struct {
		spec string
		want optim.Hyper
	}{
		{"sgd", optim.SGD{LR: 1e-3}},
		{"gd", optim.SGD{LR: 1e-3}},
		{"momentum", optim.Momentum{LR: 0.01, Momentum: 0.9}},
		{"adagrad", optim.Adagrad{LR: 0.01, Eps: 1e-10}},
		{"rmsprop", optim.RMSprop{LR: 0.01, Alpha: 0.99, Eps: 1e-8}},
		{"adam", optim.Adam{LR: 1e-3, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8}},
		{"adamw", optim.AdamW{LR: 1e-3, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, WeightDecay: 0.01}},
		{"nadam", optim.NAdam{LR: 2e-3, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, MomentumDecay: 4e-3}},
		{"radam", optim.RAdam{LR: 1e-3, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8}},
		{"adamax", optim.Adamax{LR: 2e-3, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8}},
		{"adadelta", optim.Adadelta{LR: 1, Rho: 0.9, Eps: 1e-6}},
		{"lion", optim.Lion{LR: 1e-4, Beta1: 0.9, Beta2: 0.99}},
		{"rprop", optim.Rprop{LR: 0.01, EtaMinus: 0.5, EtaPlus: 1.2, StepSizeMin: 1e-6, StepSizeMax: 50}},
		{"asgd", optim.ASGD{LR: 0.01, Lambd: 1e-4, Alpha: 0.75, T0: 1e6}},
		{"lbfgs", optim.LBFGS{LR: 1, MaxIter: 20, MaxEval: 25, ToleranceGrad: 1e-7, ToleranceChange: 1e-9, HistorySize: 100, LineSearchFn: "none"}},
	}
	for _, c := range cases {
		h, err := optim.ParseSpec(c.spec)
		if err != nil || h != c.want {
			t.Errorf("ParseSpec(%q) = %#v, %v; want %#v", c.spec, h, err, c.want)
		}
	}
}

// TestSpecStringRoundTrip: String lists the non-default keys and parses
// back to the same hyperparameters.
func TestSpecStringRoundTrip(t *testing.T) {
	for _, spec := range allSpecs {
		h, err := optim.ParseSpec(spec)
		if err != nil {
			t.Fatal(err)
		}
		h2, err := optim.ParseSpec(h.String())
		if err != nil || h2 != h {
			t.Errorf("%s: String() = %q parses to %#v, %v", spec, h.String(), h2, err)
		}
	}
	h, _ := optim.ParseSpec("adam:lr=0.02,beta1=0.9")
	if got := h.String(); got != "adam:lr=0.02" {
		t.Errorf(`String() = %q, want "adam:lr=0.02"`, got)
	}
}

func FuzzParseSpec(f *testing.F) {
	for _, s := range allSpecs {
		f.Add(s)
	}
	for _, s := range []string{"", ":", "adam:", "adam:,", "adam:=", "sgd:lr=1e309", "adam:lr=0x1p-3", "adam : lr = 0.1", "lion:beta1=-0",
		"lbfgs:max_eval=25,max_iter=40", "adafactor:eps1=0.001,eps1_dtype=true", "adafactor:eps1=0", "sf_sgd:momentum=1", "rprop:etaplus=1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		h, err := optim.ParseSpec(spec)
		if err != nil {
			if strings.ContainsRune(err.Error(), '\n') {
				t.Errorf("multi-line error for %q: %q", spec, err)
			}
			return
		}
		if err := h.Validate(); err != nil {
			t.Errorf("ParseSpec(%q) returned invalid %#v: %v", spec, h, err)
		}
		h2, err := optim.ParseSpec(h.String())
		if err != nil || h2 != h {
			t.Errorf("%q: String() %q does not round-trip: %#v, %v", spec, h.String(), h2, err)
		}
	})
}
