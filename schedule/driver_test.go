package schedule_test

import (
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/descentlab/descent/optim"
	"github.com/descentlab/descent/schedule"
)

// groupsReference is testdata/torch/schedule_groups_reference.json, written
// by gen_schedule_groups.py: torch 1.13's per-group lr over n steps of an
// optimizer with three groups.
type groupsReference struct {
	GroupLRs []float64 `json:"group_lrs"`
	N        int       `json:"n"`
	Cases    []struct {
		Spec string      `json:"spec"`
		LRs  [][]float64 `json:"lrs"`
	} `json:"cases"`
}

// threeGroups is an SGD optimizer with one parameter per group, at lrs.
func threeGroups(t *testing.T, lrs []float64) *optim.Optimizer[float64] {
	t.Helper()
	var gs []optim.Group[float64]
	for i, lr := range lrs {
		h := optim.DefaultSGD()
		h.LR, h.Momentum = lr, 0.9
		gs = append(gs, optim.NewGroup(h, optim.NewParam("p"+string(rune('a'+i)), []float64{0})))
	}
	o, err := optim.NewGroups(gs...)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// TestDriverMatchesTorchGroups: a Driver gives every group the rate torch's
// scheduler gives it, each scaled from its own base rate. torch steps most
// schedules recursively and this package uses closed forms, so they agree to
// 1e-12 of the base rate, not bit for bit.
func TestDriverMatchesTorchGroups(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "testdata", "torch", "schedule_groups_reference.json"))
	if err != nil {
		t.Fatal(err)
	}
	var ref groupsReference
	if err := json.Unmarshal(b, &ref); err != nil {
		t.Fatal(err)
	}
	if len(ref.Cases) < 6 || len(ref.GroupLRs) != 3 {
		t.Fatalf("reference has %d cases over %d groups", len(ref.Cases), len(ref.GroupLRs))
	}
	for _, c := range ref.Cases {
		o := threeGroups(t, ref.GroupLRs)
		d, err := schedule.NewDriverSpec(o, c.Spec, ref.N)
		if err != nil {
			t.Fatalf("%s: %v", c.Spec, err)
		}
		for step := range ref.N {
			for g, base := range ref.GroupLRs {
				if got, want := o.LR(g), c.LRs[g][step]; math.Abs(got-want) > 1e-12*base {
					t.Fatalf("%s: group %d step %d: lr %v, torch %v", c.Spec, g, step, got, want)
				}
			}
			o.Step()
			if err := d.Step(); err != nil {
				t.Fatal(err)
			}
		}
		if d.Steps() != ref.N || d.BaseLR(1) != ref.GroupLRs[1] {
			t.Fatalf("%s: Steps %d, BaseLR(1) %v", c.Spec, d.Steps(), d.BaseLR(1))
		}
	}
}

// TestDriverSeekResumes: a Driver built anew and moved with Seek to the
// restored optimizer's Steps sets the rates of the uninterrupted one.
func TestDriverSeekResumes(t *testing.T) {
	lrs := []float64{0.1, 0.02}
	a := threeGroups(t, lrs)
	da, err := schedule.NewDriverSpec(a, "cosine:t_max=10,eta_min=0.001", 10)
	if err != nil {
		t.Fatal(err)
	}
	for range 4 {
		a.Step()
		if err := da.Step(); err != nil {
			t.Fatal(err)
		}
	}
	b := threeGroups(t, lrs)
	db, err := schedule.NewDriverSpec(b, "cosine:t_max=10,eta_min=0.001", 10)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.LoadState(a.State()); err != nil {
		t.Fatal(err)
	}
	if err := db.Seek(int(b.Steps())); err != nil {
		t.Fatal(err)
	}
	for g := range lrs {
		if a.LR(g) != b.LR(g) || db.BaseLR(g) != lrs[g] {
			t.Fatalf("group %d: resumed lr %v, uninterrupted %v (base %v)", g, b.LR(g), a.LR(g), db.BaseLR(g))
		}
	}
}

// TestDriverErrors: a schedule refused for one group names the group and
// wraps the schedule's *OptionError; a negative Seek is refused.
func TestDriverErrors(t *testing.T) {
	o := threeGroups(t, []float64{0.1, 0.0005})
	_, err := schedule.NewDriverSpec(o, "cosine:eta_min=0.001", 10)
	var oe *schedule.OptionError
	if err == nil || !errors.As(err, &oe) || oe.Option != "eta_min" {
		t.Fatalf("eta_min above group 1's lr: %v, want an *OptionError for eta_min", err)
	}
	d, err := schedule.NewDriverSpec(o, "step:step_size=2", 10)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Seek(-1); err == nil {
		t.Fatal("Seek(-1): no error")
	}
}
