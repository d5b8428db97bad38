package data

import (
	"slices"
	"strings"
	"testing"
)

func TestSamplerMethods(t *testing.T) {
	const n = 10
	cases := []struct {
		name  string
		batch int
		sizes []int // batch sizes over one epoch
	}{
		{"GD", n, []int{10}},
		{"SGD", 1, []int{1, 1, 1, 1, 1, 1, 1, 1, 1, 1}},
		{"mini-batch 5", 5, []int{5, 5}},
		{"mini-batch 4, partial last", 4, []int{4, 4, 2}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, err := NewSampler(n, c.batch, 1)
			if err != nil {
				t.Fatal(err)
			}
			if s.StepsPerEpoch() != len(c.sizes) {
				t.Errorf("StepsPerEpoch = %d, want %d", s.StepsPerEpoch(), len(c.sizes))
			}
			var idx []int
			for epoch := range 3 {
				seen := make([]int, n)
				for step, want := range c.sizes {
					if s.Epoch() != epoch {
						t.Fatalf("epoch %d step %d: Epoch() = %d", epoch, step, s.Epoch())
					}
					idx = s.Next(idx)
					if len(idx) != want {
						t.Fatalf("epoch %d step %d: batch of %d, want %d", epoch, step, len(idx), want)
					}
					for _, i := range idx {
						seen[i]++
					}
				}
				for i, k := range seen {
					if k != 1 {
						t.Fatalf("epoch %d: example %d seen %d times", epoch, i, k)
					}
				}
			}
			if s.Epoch() != 3 || s.Steps() != 3*len(c.sizes) {
				t.Errorf("Epoch, Steps = %d, %d; want 3, %d", s.Epoch(), s.Steps(), 3*len(c.sizes))
			}
		})
	}
}

func TestSamplerGDInOrder(t *testing.T) {
	s, _ := NewSampler(7, 7, 99)
	for range 3 {
		if got := s.Next(nil); !slices.Equal(got, []int{0, 1, 2, 3, 4, 5, 6}) {
			t.Fatalf("GD batch %v, want 0..6 in order", got)
		}
	}
}

// draw returns the concatenated batches of the given number of steps.
func draw(s *Sampler, steps int) []int {
	var all, idx []int
	for range steps {
		idx = s.Next(idx)
		all = append(all, idx...)
	}
	return all
}

func TestSamplerSeeds(t *testing.T) {
	a, _ := NewSampler(100, 8, 7)
	b, _ := NewSampler(100, 8, 7)
	c, _ := NewSampler(100, 8, 8)
	da, db, dc := draw(a, 40), draw(b, 40), draw(c, 40)
	if !slices.Equal(da, db) {
		t.Error("same seed gave different orders")
	}
	if slices.Equal(da, dc) {
		t.Error("seeds 7 and 8 gave the same order")
	}
	// Consecutive epochs use different permutations.
	if slices.Equal(da[:100], da[100:200]) {
		t.Error("epochs 0 and 1 have the same order")
	}
}

func TestSamplerResume(t *testing.T) {
	for _, steps := range []int{0, 3, 13, 14, 30} { // 13 steps = one epoch of 100/8
		orig, _ := NewSampler(100, 8, 3)
		draw(orig, steps)
		st := orig.State()
		bin, _ := orig.MarshalBinary()
		want := draw(orig, 50)

		fromState, _ := NewSampler(100, 8, 12345)
		if err := fromState.SetState(st); err != nil {
			t.Fatal(err)
		}
		fromBin, _ := NewSampler(100, 8, 0)
		if err := fromBin.UnmarshalBinary(bin); err != nil {
			t.Fatal(err)
		}
		if fromState.Steps() != steps || fromBin.Epoch() != steps/13 {
			t.Errorf("after %d steps: restored Steps %d, Epoch %d", steps, fromState.Steps(), fromBin.Epoch())
		}
		if !slices.Equal(draw(fromState, 50), want) || !slices.Equal(draw(fromBin, 50), want) {
			t.Errorf("resumed after %d steps: different batches", steps)
		}
	}
	s, _ := NewSampler(100, 8, 3)
	other, _ := NewSampler(100, 10, 3)
	if err := s.SetState(other.State()); err == nil || !strings.Contains(err.Error(), "batch = 10") {
		t.Errorf("state from a different batch size: %v", err)
	}
	if err := s.UnmarshalBinary([]byte("junk")); err == nil {
		t.Error("junk state accepted")
	}
}

func TestNewSamplerErrors(t *testing.T) {
	_, err := NewSampler(10, 11, 0)
	if err == nil || !strings.Contains(err.Error(), "11") || !strings.Contains(err.Error(), "10") {
		t.Errorf("batch > n: %v", err)
	}
	for _, c := range [][2]int{{0, 1}, {5, 0}, {5, -1}} {
		if _, err := NewSampler(c[0], c[1], 0); err == nil {
			t.Errorf("NewSampler(%d, %d) gave no error", c[0], c[1])
		}
	}
}

func TestSamplerGatherAllocs(t *testing.T) {
	for _, d := range []*Dataset{
		{X: make([]float32, 50*3), Y: make([]uint8, 50), N: 50, Dim: 3, Classes: 1},
		{Pixels: make([]uint8, 50*3), Y: make([]uint8, 50), N: 50, Dim: 3, Classes: 1},
	} {
		s, _ := NewSampler(50, 8, 1)
		idx := make([]int, 0, 8)
		var b Batch
		d.Gather(&b, s.Next(idx))
		// 7 steps per epoch: 70 runs cross epoch boundaries and their reshuffle.
		allocs := testing.AllocsPerRun(70, func() {
			idx = s.Next(idx)
			d.Gather(&b, idx)
		})
		if allocs != 0 {
			t.Errorf("Next+Gather (pixels %v): %v allocations per step", d.Pixels != nil, allocs)
		}
	}
}

func TestGather(t *testing.T) {
	d := &Dataset{X: []float32{0, 1, 10, 11, 20, 21}, Y: []uint8{0, 1, 2}, N: 3, Dim: 2, Classes: 3}
	var b Batch
	d.Gather(&b, []int{2, 0})
	if b.N != 2 || !slices.Equal(b.X, []float32{20, 21, 0, 1}) || !slices.Equal(b.Y, []uint8{2, 0}) {
		t.Errorf("Gather = %+v", b)
	}
}
