package train

import (
	"errors"
	"strings"
	"testing"

	"github.com/descentlab/descent/optim"
	"github.com/descentlab/descent/schedule"
)

// TestFieldErrors: Validate's errors are *FieldErrors naming the field, and
// wrap the library's typed errors, so that errors.As finds the bad key and
// value of an opt or schedule spec through them.
func TestFieldErrors(t *testing.T) {
	good := Config{Data: DataMNIST, Model: "mlp:784-10", Opt: "adam", Batch: 10, Epochs: 1}
	if err := good.Validate(); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		field  string
		mutate func(*Config)
	}{
		{"opt", func(c *Config) { c.Opt = "adam:beta2=1" }},
		{"opt", func(c *Config) { c.Opt = "adam:lr=1e60" }},
		{"schedule", func(c *Config) { c.Schedule = "cosine:eta_min=5" }},
		{"epochs", func(c *Config) { c.Epochs = 0 }},
		{"clip", func(c *Config) { c.Clip = "norm=-1" }},
		{"model", func(c *Config) { c.Model = "mlp:" }},
		{"ema", func(c *Config) { c.EMA = 1 }},
	}
	for _, c := range cases {
		cfg := good
		c.mutate(&cfg)
		err := cfg.Validate()
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != c.field || !strings.HasPrefix(err.Error(), c.field) {
			t.Errorf("%s: %v, want a *FieldError for %s whose message starts with it", c.field, err, c.field)
		}
	}
	cfg := good
	cfg.Opt = "adam:beta2=1"
	var he *optim.HyperError
	if err := cfg.Validate(); !errors.As(err, &he) || he.Key != "beta2" || he.Value != "1" {
		t.Errorf("opt: %v, want an *optim.HyperError for beta2=1", err)
	}
	cfg = good
	cfg.Schedule = "cosine:eta_min=5"
	var oe *schedule.OptionError
	if err := cfg.Validate(); !errors.As(err, &oe) || oe.Option != "eta_min" {
		t.Errorf("schedule: %v, want a *schedule.OptionError for eta_min", err)
	}
}
