package main

import (
	"bytes"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/descentlab/descent/data"
	"github.com/descentlab/descent/internal/atomicfile"
	"github.com/descentlab/descent/nn"
)

// writeTinyData writes a training set of nTrain and a test set of nTest
// random 28×28 images with labels 0–9 into dir, as the four MNIST idx
// files, for runs that must start fast.
func writeTinyData(t testing.TB, dir string, nTrain, nTest int) {
	t.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	write := func(prefix string, n int) {
		img := &data.IDX{Dims: []int{n, 28, 28}, Data: make([]byte, n*28*28)}
		lab := &data.IDX{Dims: []int{n}, Data: make([]byte, n)}
		for i := range img.Data {
			img.Data[i] = byte(rng.IntN(256))
		}
		for i := range lab.Data {
			lab.Data[i] = byte(i % 10)
		}
		for _, f := range []struct {
			name string
			x    *data.IDX
		}{{prefix + "-images-idx3-ubyte", img}, {prefix + "-labels-idx1-ubyte", lab}} {
			var b bytes.Buffer
			if err := data.WriteIDX(&b, f.x); err != nil {
				t.Fatal(err)
			}
			if err := atomicfile.Write(filepath.Join(dir, f.name), b.Bytes()); err != nil {
				t.Fatal(err)
			}
		}
	}
	write("train", nTrain)
	write("t10k", nTest)
}

// FuzzCLI runs the command line with fuzzed arguments: it must never
// panic, must exit 0 (success), 1 (a run stopped by a non-finite value) or
// 2 (bad input), and a failure must end stderr with exactly one line
// "descent: …".
//
// The input is one string, split on spaces into arguments, after a
// subcommand chosen by the first byte. So that the fuzzer cannot write
// outside its scratch folder or start long jobs: each input runs in a
// fresh temporary working folder, arguments holding a path separator are
// dropped, train and compare get tiny data and at most 3 steps (flags
// appended last, so they win), trace is kept to 2-D paths without GIFs,
// and models over a million parameters are skipped. --epochs and the
// trace windows (--xlim, --ylim) are fuzzed as given. bench and gallery,
// which only time or draw fixed things, are left out.
func FuzzCLI(f *testing.F) {
	if testing.Short() {
		f.Skip("-short: the seeds run in the full tests and in CI's fuzz smoke")
	}
	dataDir := f.TempDir()
	writeTinyData(f, dataDir, 200, 50)
	cmds := []string{"train", "explain", "trace", "compare", "help", ""}
	seeds := []struct {
		cmd  byte
		args string
	}{
		{0, "--model mlp:784-8-10 --opt sgd:lr=0.1 --batch 10 --epochs 1 -o out"},
		{0, "--opt adam:lr=1e9 --batch full --clip norm=1 --schedule cosine -o out"},
		{0, "--opt adam --batch 0 -o out"},
		{0, "--model mlp:784-8-10,dropout=0.5 --subset 15 --batch 7 --epochs 2 --seed 3 -o out --threads 1"},
		{0, "--model mlp:784-8-10 --schedule step:step_size=1,gamma=0.5 --max-steps 2 -o out"},
		{0, "--resume out"},
		{0, "-o out --checkpoint-every 1 --keep 2 --model mlp:784-4-10"},
		{0, "--on-nonfinite skip --opt sgd:lr=1e30 --model mlp:784-4-10 -o out"},
		{1, "adam --lang ja"},
		{1, ""},
		{1, "nope"},
		{2, "--func rosenbrock --opt adam:lr=0.1 --steps 20"},
		{2, "--func himmelblau --opt sgd:lr=10 --start 1e300,1 --steps 5"},
		{2, "--func rosenbrock --opt newton --opt gonum_lbfgs:history=3 --opt lbfgs:line_search_fn=strong_wolfe --steps 5 -o a.svg --loss b.png"},
		{2, "--func rosenbrock --opt adam --xlim 1,1.000000000000001 -o n.png"},
		{2, "--func rosenbrock --opt adam --xlim=-1e308,1e308 -o n.svg"},
		{2, "--func rosenbrock --opt adam --ylim 1e15,1.00000000001e15 --xlim=-1e307,1e307 -o n.png"},
		{2, "--func booth --opt sgd --ylim 0,1e-300 -o n.png"},
		{0, "--epochs 4611686018427387904 --model mlp:784-4-10 -o out"},
		{0, "--epochs 184467440737095517 --model mlp:784-4-10 -o out"},
		{3, "--epochs 1000000000 --opt sgd --model mlp:784-4-10 -o cmp"},
		{3, "--model mlp:784-4-10 --opt sgd:lr=0.1 --opt adam -o cmp --epochs 1"},
		{4, "train"},
		{5, "--help"},
		{5, "nosuch --x"},
	}
	for _, s := range seeds {
		f.Add(s.cmd, s.args)
	}
	f.Fuzz(func(t *testing.T, which byte, line string) {
		cmd := cmds[int(which)%len(cmds)]
		var args []string
		if cmd != "" {
			args = append(args, cmd)
		}
		for _, a := range strings.Split(line, " ") {
			if strings.ContainsAny(a, `/\`) {
				continue
			}
			args = append(args, a)
		}
		for _, a := range args {
			if tooBig(a) {
				t.Skip("model too large for a fuzz run")
			}
			if cmd == "trace" && strings.Contains(strings.ToLower(a), "gif") {
				t.Skip("GIFs take long to draw")
			}
		}
		switch cmd {
		case "train", "compare":
			// --max-steps bounds the run whatever --epochs says, so a
			// fuzzed --epochs is kept (it must not overflow or reserve
			// memory for its count).
			args = append(args, "--data-dir", dataDir, "--max-steps", "3")
			if !slices.ContainsFunc(args, func(a string) bool { return strings.HasPrefix(a, "--epochs") }) {
				args = append(args, "--epochs", "1")
			}
		case "trace":
			args = append(args, "--steps", "30")
		}
		t.Chdir(t.TempDir())
		var stdout, stderr bytes.Buffer
		code := run(args, strings.NewReader(""), &stdout, &stderr)
		switch code {
		case 0:
		case 1, 2:
			msg := stderr.String()
			lines := strings.Split(strings.TrimSuffix(msg, "\n"), "\n")
			last := lines[len(lines)-1]
			if !strings.HasSuffix(msg, "\n") || !strings.HasPrefix(last, "descent: ") {
				t.Fatalf("args %q: exit %d with stderr %q: want it to end in one line \"descent: …\"", args, code, msg)
			}
		default:
			t.Fatalf("args %q: exit %d, want 0, 1 or 2; stderr %q", args, code, stderr.String())
		}
	})
}

// tooBig reports whether arg holds a model spec with over a million
// parameters (it may be the value of --model, or --model=SPEC).
func tooBig(arg string) bool {
	i := strings.Index(arg, "mlp:")
	if i < 0 {
		return false
	}
	s, err := nn.ParseModel(arg[i:])
	if err != nil {
		return false
	}
	n := 0
	for l := 1; l < len(s.Sizes); l++ {
		n += s.Sizes[l-1]*s.Sizes[l] + s.Sizes[l]
	}
	return n > 1<<20
}
