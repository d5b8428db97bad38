package nn

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseModel(t *testing.T) {
	good := []struct {
		in   string
		want Spec
	}{
		{"mlp:784-100-10", Spec{Sizes: []int{784, 100, 10}}},
		{"mlp:784-10", Spec{Sizes: []int{784, 10}}},
		{"mlp:784-256-128-10,act=relu,init=he,dropout=0.2",
			Spec{Sizes: []int{784, 256, 128, 10}, Act: ReLU, Init: InitHe, Dropout: 0.2}},
		{"mlp:2-8-2,dropout=0,init=xavier-normal,act=tanh",
			Spec{Sizes: []int{2, 8, 2}, Act: Tanh, Init: InitXavierNormal}},
		{"mlp:3-3,act=sigmoid,init=he-uniform", Spec{Sizes: []int{3, 3}, Act: Sigmoid, Init: InitHeUniform}},
		{"mlp:784-100-100-10,init=normal:0.01", Spec{Sizes: []int{784, 100, 100, 10}, Init: InitNormal, InitStd: 0.01}},
		{"mlp:784-100-10,bn,dropout=0.5", Spec{Sizes: []int{784, 100, 10}, BatchNorm: true, Dropout: 0.5}},
	}
	for _, c := range good {
		got, err := ParseModel(c.in)
		if err != nil {
			t.Errorf("ParseModel(%q): %v", c.in, err)
			continue
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("ParseModel(%q) = %+v, want %+v", c.in, got, c.want)
		}
	}
	bad := []struct{ in, part string }{
		{"", `want "mlp:"`},
		{"784-100-10", `want "mlp:"`},
		{"cnn:784-10", `"cnn"`},
		{"mlp:784", `"784"`},
		{"mlp:784-x-10", `"x"`},
		{"mlp:784--10", `""`},
		{"mlp:784-0-10", `"0"`},
		{"mlp:784-+5-10", `"+5"`},
		{"mlp:784-99999999-10", `"99999999"`},
		{"mlp:784-10,act=gelu", "act=gelu"},
		{"mlp:784-10,init=zero", "init=zero"},
		{"mlp:784-10,dropout=1", "dropout=1"},
		{"mlp:784-10,dropout=-0.1", "dropout=-0.1"},
		{"mlp:784-10,dropout=NaN", "dropout=NaN"},
		{"mlp:784-10,lr=0.1", `"lr"`},
		{"mlp:784-10,init=normal", "normal:STD"},
		{"mlp:784-10,init=he:0.1", "init=he:0.1"},
		{"mlp:784-10,init=normal:0", `"0"`},
		{"mlp:784-10,init=normal:-1", `"-1"`},
		{"mlp:784-10,init=normal:Inf", `"Inf"`},
		{"mlp:784-10,bn=true", "bn takes no value"},
		{"mlp:784-10,bn,bn", `"bn" given twice`},
		{"mlp:784-10,act", `"act"`},
		{"mlp:784-10,act=relu,act=tanh", `"act" given twice`},
		{"mlp:784-1000", "1000 outputs"},
		{"mlp:1000000-1000000-10", "parameters"},
	}
	for _, c := range bad {
		_, err := ParseModel(c.in)
		if err == nil {
			t.Errorf("ParseModel(%q): no error", c.in)
			continue
		}
		if !strings.Contains(err.Error(), c.part) {
			t.Errorf("ParseModel(%q): error %q does not name %s", c.in, err, c.part)
		}
	}
}

func TestSpecString(t *testing.T) {
	s, _ := ParseModel("mlp:784-100-10")
	if got, want := s.String(), "mlp:784-100-10,act=relu,init=torch"; got != want {
		t.Errorf("String = %q, want %q", got, want)
	}
	s, _ = ParseModel("mlp:784-100-10,bn,init=normal:0.01")
	if got, want := s.String(), "mlp:784-100-10,act=relu,init=normal:0.01,bn"; got != want {
		t.Errorf("String = %q, want %q", got, want)
	}
}

func FuzzParseModel(f *testing.F) {
	for _, s := range []string{
		"mlp:784-100-10", "mlp:784-256-128-10,act=relu,init=he,dropout=0.2",
		"mlp:2-2,act=tanh,init=xavier", "mlp:3-4-2,init=normal:0.01,bn", "mlp:1-1,dropout=0.99999", "mlp:", "mlp:-", ",", "mlp:1-2,=",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		s, err := ParseModel(in)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "nn: model ") {
				t.Fatalf("error %q lacks the prefix", err)
			}
			return
		}
		if err := s.Validate(); err != nil {
			t.Fatalf("ParseModel(%q) accepted an invalid spec: %v", in, err)
		}
		again, err := ParseModel(s.String())
		if err != nil || !reflect.DeepEqual(again, s) {
			t.Fatalf("round trip of %q via %q: %+v, %v", in, s.String(), again, err)
		}
	})
}

// TestSpecNumParams: the count known from the spec is the built model's,
// with and without batch normalisation.
func TestSpecNumParams(t *testing.T) {
	for _, s := range []string{"mlp:784-100-10", "mlp:784-100-100-10,bn", "mlp:3-1", "mlp:5-4-3-2,bn,act=tanh"} {
		spec, err := ParseModel(s)
		if err != nil {
			t.Fatal(err)
		}
		m, err := New(spec, 1)
		if err != nil {
			t.Fatal(err)
		}
		if spec.NumParams() != m.NumParams() {
			t.Errorf("%s: Spec.NumParams %d, the model has %d", s, spec.NumParams(), m.NumParams())
		}
	}
	if n := (Spec{Sizes: []int{784, 100, 10}, BatchNorm: true}).NumParams(); n != 784*100+100+2*100+100*10+10 {
		t.Errorf("mlp:784-100-10,bn: %d parameters", n)
	}
}
