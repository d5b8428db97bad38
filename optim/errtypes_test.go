package optim

import (
	"errors"
	"testing"
)

// TestNewMethodsTypedErrors: muon's refusal of a vector names the
// parameter as a *ParamError, and Lookahead's bad pullback_momentum is a
// *HyperError with its key and value, as every other method's errors are.
func TestNewMethodsTypedErrors(t *testing.T) {
	_, err := NewMuon(Muon{LR: 0.02, Momentum: 0.95, NSA: 3.4445, NSB: -4.775, NSC: 2.0315, NSSteps: 5, Eps: 1e-7, AdjustLRFn: "original", NSDType: "bfloat16"}, NewParam("b", make([]float32, 3)))
	var pe *ParamError
	if !errors.As(err, &pe) || pe.Param != "b" || pe.Key != "shape" {
		t.Errorf("muon over a vector: %v (%#v)", err, pe)
	}
	_, _, err = ParseLookahead("lookahead:pullback_momentum=sideways/sgd:lr=0.1,momentum=0.9")
	var he *HyperError
	if !errors.As(err, &he) || he.Key != "pullback_momentum" || he.Value != "sideways" {
		t.Errorf("bad pullback_momentum: %v (%#v)", err, he)
	}
}
