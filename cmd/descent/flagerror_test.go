package main

import (
	"errors"
	"testing"

	"github.com/descentlab/descent/optim"
	"github.com/descentlab/descent/train"
)

// TestFlagErrorByType: flagError names the flag of a *train.FieldError,
// keeps the chain (errors.As still finds optim's *HyperError), and leaves
// other errors alone even when their text starts like a field's name.
func TestFlagErrorByType(t *testing.T) {
	cfg := train.Config{Data: train.DataMNIST, Model: "mlp:784-10", Opt: "adam:eps=0", Batch: 10, Epochs: 1}
	err := flagError(cfg.Validate())
	var he *optim.HyperError
	if err == nil || err.Error()[:6] != "--opt:" || !errors.As(err, &he) || he.Key != "eps" {
		t.Fatalf("flagError(bad opt) = %v, want --opt: … wrapping a *HyperError for eps", err)
	}
	plain := errors.New("model files are missing")
	if got := flagError(plain); got != plain {
		t.Fatalf("flagError(%v) = %v, want it unchanged", plain, got)
	}
}
