package train

import (
	"maps"
	"math"
	"runtime"
	"slices"
	"testing"
)

// TestZeroColumnsSameBits: with the batch's zero columns skipped in the
// first layer (the default on byte pixels) and on 1, 2 and 3 threads, 50
// steps on MNIST give the weights and optimizer moments of the full
// products (DESCENT_DENSE=1) on one thread, bit for bit, +0 and −0 told
// apart, for the MNIST net and the book's net with each of the book's
// optimizers.
func TestZeroColumnsSameBits(t *testing.T) {
	if testing.Short() {
		t.Skip("loads MNIST")
	}
	defer func(d bool) { denseInput = d }(denseInput)
	for _, c := range []struct {
		model, opt string
		batch      int
	}{
		{"mlp:784-100-10", "adam:lr=0.001", 100},
		{"mlp:784-100-100-100-100-10,init=he", "sgd:lr=0.01", 128},
		{"mlp:784-100-100-100-100-10,init=he", "sgd:lr=0.01,momentum=0.9", 128},
		{"mlp:784-100-100-100-100-10,init=he", "adagrad:lr=0.01", 128},
		{"mlp:784-100-100-100-100-10,init=he", "adam:lr=0.001", 128},
	} {
		cfg := Config{Data: DataMNIST, Model: c.model, Opt: c.opt, Batch: Batch(c.batch), MaxSteps: 50, Epochs: 1, Subset: 6400, Seed: 1}
		trainSet, testSet, err := LoadData(cfg)
		if err != nil {
			t.Fatal(err)
		}
		run := func(threads int, dense bool) (w, state []uint32) {
			denseInput = dense
			cc := cfg
			cc.Threads = threads
			tr, err := New(cc, trainSet, testSet)
			if err != nil {
				t.Fatal(err)
			}
			for !tr.Done() {
				if _, err := tr.Step(); err != nil {
					t.Fatal(err)
				}
				if !dense && tr.nonzero == nil {
					t.Fatalf("%s: no column flags from a pixel set", c.model)
				}
			}
			p, _ := tr.model.Flat()
			for _, v := range p {
				w = append(w, math.Float32bits(v))
			}
			st := tr.opt.State()
			for _, name := range slices.Sorted(maps.Keys(st.Params)) {
				ps := st.Params[name]
				for _, b := range slices.Sorted(maps.Keys(ps.Buffers)) {
					for _, v := range ps.Buffers[b] {
						state = append(state, math.Float32bits(v))
					}
				}
			}
			return w, state
		}
		w1, s1 := run(1, true)
		for _, threads := range []int{1, 2, 3} {
			w, s := run(threads, false)
			for i := range w1 {
				if w[i] != w1[i] {
					t.Fatalf("%s %s, %d threads: weight %d is %v, %v with the full products", c.model, c.opt, threads, i, math.Float32frombits(w[i]), math.Float32frombits(w1[i]))
				}
			}
			for i := range s1 {
				if s[i] != s1[i] {
					t.Fatalf("%s %s, %d threads: optimizer state %d differs", c.model, c.opt, threads, i)
				}
			}
			if len(s) != len(s1) || (len(s1) == 0) != (c.opt == "sgd:lr=0.01") {
				t.Fatalf("%s %s: %d and %d optimizer state values", c.model, c.opt, len(s), len(s1))
			}
		}
	}
}

// TestGatherColumnFlags: the trainer's column flags are the OR of the
// pixel bytes of the batch's rows, gathered on one thread or two, and a
// step allocates nothing with them.
func TestGatherColumnFlags(t *testing.T) {
	if testing.Short() {
		t.Skip("loads MNIST")
	}
	cfg := Config{Data: DataMNIST, Model: "mlp:784-100-10", Opt: "adam:lr=0.001", Batch: 100, Epochs: 100, Subset: 1000, Seed: 1}
	trainSet, testSet, err := LoadData(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, procs := range []int{1, 2} {
		func() {
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
			tr, err := New(cfg, trainSet, testSet)
			if err != nil {
				t.Fatal(err)
			}
			zeros := 0
			for range 12 { // past an epoch end
				if _, err := tr.Step(); err != nil {
					t.Fatal(err)
				}
				want := make([]byte, trainSet.Dim)
				for _, i := range tr.idx {
					for j, b := range trainSet.Pixels[i*trainSet.Dim : (i+1)*trainSet.Dim] {
						want[j] |= b
					}
				}
				for j := range want {
					if tr.nonzero[j] != want[j] {
						t.Fatalf("%d threads: column %d flag %#x, want %#x", procs, j, tr.nonzero[j], want[j])
					}
					if want[j] == 0 {
						zeros++
					}
				}
			}
			if zeros == 0 {
				t.Fatal("no zero column in 12 batches of MNIST")
			}
			allocs := testing.AllocsPerRun(20, func() {
				if _, err := tr.Step(); err != nil {
					t.Fatal(err)
				}
			})
			if allocs != 0 {
				t.Errorf("%d threads: %v allocations per step", procs, allocs)
			}
		}()
	}
}
