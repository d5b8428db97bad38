package train

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/descentlab/descent/optim"
)

// plainSGD is a user-defined method (optim.Custom[float32]): w ← w − lr·g,
// written in the operations of optim's sgd kernel.
type plainSGD struct{ LR float64 }

func (h plainSGD) Method() string                { return "plain_sgd" }
func (h plainSGD) LearningRate() float64         { return h.LR }
func (h plainSGD) Validate() error               { return nil }
func (h plainSGD) String() string                { return "plain_sgd:lr=" + strconv.FormatFloat(h.LR, 'g', -1, 64) }
func (h plainSGD) WithLR(lr float64) optim.Hyper { h.LR = lr; return h }
func (h plainSGD) Buffers() []string             { return nil }
func (h plainSGD) Parse(s string) (optim.Hyper, error) {
	v, ok := strings.CutPrefix(s, "plain_sgd:lr=")
	lr, err := strconv.ParseFloat(v, 64)
	if !ok || err != nil {
		return nil, fmt.Errorf("plain_sgd: spec %q", s)
	}
	return plainSGD{lr}, nil
}
func (h plainSGD) Update(w, g []float32, _ [][]float32, _ int64, lr float64) {
	l := float32(lr)
	for i := range w {
		w[i] = w[i] + float32((-l)*g[i]) // a rounded product, as the built-in kernel (optim.Custom)
	}
}

// TestTrainerRunsCustomMethod: the Trainer runs a user-defined method given
// as Config.Method with its schedule and clipping, bit for bit as the
// built-in method with the same rule, and resumes it from a checkpoint.
func TestTrainerRunsCustomMethod(t *testing.T) {
	builtin := testConfig()
	builtin.Opt, builtin.Schedule, builtin.Clip, builtin.Epochs = "sgd:lr=0.1", "cosine", "norm=1", 2
	custom := builtin
	custom.Opt, custom.Method = "", plainSGD{LR: 0.1}
	ref := newTrainer(t, builtin)
	got := newTrainer(t, custom)
	for _, tr := range []*Trainer{ref, got} {
		if _, err := tr.Run(context.Background(), nil); err != nil {
			t.Fatal(err)
		}
	}
	pa, _ := ref.Model().Flat()
	pb, _ := got.Model().Flat()
	if !slices.Equal(pa, pb) || got.Config().Opt != "plain_sgd:lr=0.1" {
		t.Fatalf("custom method: weights equal %v, recorded opt %q", slices.Equal(pa, pb), got.Config().Opt)
	}

	_, ck := checkpointAfter(t, custom, 7)
	loaded := saveAndLoad(t, ck)
	if _, err := Restore(builtin, loaded, blobs(200, 8, 3, 1), blobs(100, 8, 3, 2)); err == nil {
		t.Fatal("a plain_sgd checkpoint restored into an sgd run")
	}
	b, err := Restore(custom, loaded, blobs(200, 8, 3, 1), blobs(100, 8, 3, 2))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Run(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	if pc, _ := b.Model().Flat(); !slices.Equal(pa, pc) {
		t.Fatal("the resumed custom run differs from the uninterrupted one")
	}
}
