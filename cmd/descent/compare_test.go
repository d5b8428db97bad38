package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/descentlab/descent/checkpoint"
	"github.com/descentlab/descent/train"
)

// TestCompareRuns: named variants that differ in the model (init, bn),
// the batch and the optimizer run on the same data in the same order, the
// variants whose dense layers agree in shape and init from the same
// weights; every file covers every variant.
func TestCompareRuns(t *testing.T) {
	dir := t.TempDir()
	var start [][]float32 // each run's fc1.weight before its first step
	var rngs [][]byte     // each run's sampler state before its first step
	testCompareHook = func(ts []*train.Trainer) {
		for _, tr := range ts {
			start = append(start, slices.Clone(tr.Model().Params()[0].Value))
			rngs = append(rngs, tr.Sampler().State().RNG)
		}
	}
	defer func() { testCompareHook = nil }()
	_, errOut, code := runCLI(t, "compare", "--subset", "500", "--batch", "50", "--epochs", "2", "--opt", "adam:lr=0.01",
		"--model", "mlp:784-16-10", "--smooth", "0.9",
		"--run", "plain=",
		"--run", "bn=--model mlp:784-16-10,bn",
		"--run", "b25=--batch 25",
		"--run", "std=0.01=--model mlp:784-16-10,init=normal:0.01 --opt 'sgd:lr=0.1,weight_decay=0.001'",
		"-o", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if len(start) != 4 {
		t.Fatalf("%d runs", len(start))
	}
	for i, name := range []string{"bn", "b25"} {
		if !slices.Equal(start[0], start[i+1]) {
			t.Errorf("run %s starts from other weights than plain", name)
		}
	}
	if slices.Equal(start[0], start[3]) {
		t.Error("init=normal:0.01 starts from the default init's weights")
	}
	for i := range rngs {
		if !slices.Equal(rngs[i], rngs[0]) {
			t.Errorf("run %d draws its batches from another sequence", i)
		}
	}
	var ss []train.Summary
	b, _ := os.ReadFile(filepath.Join(dir, "summary.json"))
	if err := json.Unmarshal(b, &ss); err != nil || len(ss) != 4 {
		t.Fatalf("summary.json: %v, %d runs", err, len(ss))
	}
	want := []struct{ name, model, opt string }{
		{"plain", "mlp:784-16-10,act=relu,init=torch", "adam:lr=0.01,"},
		{"bn", "mlp:784-16-10,act=relu,init=torch,bn", "adam:lr=0.01,"},
		{"b25", "mlp:784-16-10,act=relu,init=torch", "adam:lr=0.01,"},
		{"std=0.01", "mlp:784-16-10,act=relu,init=normal:0.01", "sgd:lr=0.1,momentum=0,dampening=0,weight_decay=0.001,"},
	}
	for i, w := range want {
		s := ss[i]
		if s.Name != w.name || s.Model != w.model || !strings.HasPrefix(s.Optimizer, w.opt) {
			t.Errorf("summary %d: name %q, model %q, optimizer %q; want %+v", i, s.Name, s.Model, s.Optimizer, w)
		}
	}
	if ss[2].Steps != 40 || ss[0].Steps != 20 || ss[2].Config.Batch != 25 {
		t.Errorf("steps %d and %d, batch %v", ss[0].Steps, ss[2].Steps, ss[2].Config.Batch)
	}
	rows := readCSV(t, filepath.Join(dir, "steps.csv"))
	if strings.Join(rows[0], ",") != "run,step,train_loss,lr,smoothed_loss" || len(rows) != 1+20+20+40+20 {
		t.Fatalf("steps.csv: header %v, %d rows", rows[0], len(rows))
	}
	per := map[string]int{}
	for _, r := range rows[1:] {
		per[r[0]]++
		if n, _ := strconv.Atoi(r[1]); n != per[r[0]] {
			t.Fatalf("steps.csv: run %s row %d is step %s", r[0], per[r[0]], r[1])
		}
	}
	if per["b25"] != 40 || per["std=0.01"] != 20 {
		t.Errorf("steps.csv rows per run: %v", per)
	}
	md, _ := os.ReadFile(filepath.Join(dir, "report.md"))
	for _, w := range []string{"| `std=0.01` |", "`--model mlp:784-16-10,init=normal:0.01 --opt sgd:lr=0.1,weight_decay=0.001`", "exponential moving average"} {
		if !strings.Contains(string(md), w) {
			t.Errorf("report.md lacks %q:\n%s", w, md)
		}
	}
	isPNG(t, filepath.Join(dir, "loss.png"))
	noTemps(t, dir)
}

// TestCompareRunErrors: a flag that every run shares inside --run, a
// malformed or repeated name, several --opt with --run, a second --model
// without --run: one line, exit 2, nothing run.
func TestCompareRunErrors(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		args []string
		has  string
	}{
		{[]string{"--run", "a=--seed 2"}, "--seed is shared by every run"},
		{[]string{"--run", "a=--subset 10"}, "--subset is shared"},
		{[]string{"--run", "a=--frobnicate 1"}, "unknown flag: --frobnicate"},
		{[]string{"--run", "a=--model"}, "--run a: flag needs an argument"},
		{[]string{"--run", "--model mlp:784-10"}, "want NAME=FLAGS"},
		{[]string{"--run", "a=--opt sgd", "--run", "a=--opt adam"}, "--run a: the name is given twice"},
		{[]string{"--run", "a=--opt sgd stray"}, `"stray" is not a flag`},
		{[]string{"--run", "a=--opt 'sgd"}, "a quote is not closed"},
		{[]string{"--run", "a=--model mlp:784-10,bn --model mlp:784-10"}, "--model given 2 times"},
		{[]string{"--run", "a=--model mlp:784-10,bn=1"}, "bn takes no value"},
		{[]string{"--opt", "sgd", "--opt", "adam", "--run", "a="}, "--opt given 2 times with --run"},
		{[]string{"--opt", "sgd", "--model", "mlp:784-10", "--model", "mlp:784-20-10"}, "--model given 2 times; to compare values of --model, name a variant for each: --run"},
		{[]string{"--opt", "sgd", "--smooth", "1"}, "--smooth 1: want a weight in [0, 1)"},
		{[]string{"--opt", "sgd", "--lang", "fr"}, `--lang "fr": want en or ja`},
		{[]string{"--run", "a=--batch 1 --model mlp:784-10-10,bn", "--subset", "100"}, "at least 2 examples"},
	} {
		_, errOut, code := runCLI(t, append(append([]string{"compare"}, c.args...), "-o", dir)...)
		if code != 2 || !strings.Contains(errOut, c.has) || strings.Count(errOut, "\n") != 1 {
			t.Errorf("%v: exit %d, %q; want exit 2 and one line with %q", c.args, code, errOut, c.has)
		}
	}
	if ents, _ := os.ReadDir(dir); len(ents) > 1 { // the lock file at most
		t.Errorf("a refused compare left %d entries in -o", len(ents))
	}
}

func TestSplitArgs(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"  --opt  adam  ", []string{"--opt", "adam"}},
		{`--opt 'sgd:lr=0.1' --model "mlp:784-10"`, []string{"--opt", "sgd:lr=0.1", "--model", "mlp:784-10"}},
		{`--schedule=""`, []string{"--schedule="}},
	} {
		got, err := splitArgs(c.in)
		if err != nil || !slices.Equal(got, c.want) {
			t.Errorf("splitArgs(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
}

// TestTrainBatchNormSaved: model.safetensors holds the running statistics
// of batch normalisation beside the weights, under torch's names, moved
// from their start (mean 0, variance 1) by training.
func TestTrainBatchNormSaved(t *testing.T) {
	dir := t.TempDir()
	if _, errOut, code := runCLI(t, "train", "--model", "mlp:784-16-10,bn", "--subset", "200", "--batch", "50", "--epochs", "1", "-o", dir); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	b, err := os.ReadFile(filepath.Join(dir, "model.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	ts, meta, err := checkpoint.ReadWeights(b)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tn := range ts {
		names = append(names, tn.Name)
		if tn.Name == "bn1.running_var" && tn.Data[0] == 1 {
			t.Errorf("bn1.running_var[0] is still 1 after training")
		}
	}
	if strings.Join(names, " ") != "fc1.weight fc1.bias bn1.weight bn1.bias fc2.weight fc2.bias bn1.running_mean bn1.running_var" ||
		meta["descent.model"] != "mlp:784-16-10,act=relu,init=torch,bn" {
		t.Errorf("tensors %v, metadata %v", names, meta)
	}
}

// FuzzRunSpec: a --run of any text is split without a panic, and flags
// without quotes or spaces come back as they were joined.
func FuzzRunSpec(f *testing.F) {
	for _, s := range []string{"he=--model mlp:784-100-10,init=he", "std=0.01=--opt 'sgd:lr=0.1'", "a=", "=", "a", `b="--x`, "c=--opt\tadam"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		name, flags, ok := cutRun(s)
		if !ok {
			return
		}
		if strings.Contains(name, "=-") {
			t.Fatalf("cutRun(%q): name %q holds the separator", s, name)
		}
		args, err := splitArgs(flags)
		if err != nil {
			return
		}
		if strings.ContainsAny(flags, `'"`) {
			return
		}
		again, err := splitArgs(strings.Join(args, " "))
		if err != nil || !slices.Equal(again, args) {
			t.Fatalf("splitArgs(%q) = %q, again %q (%v)", flags, args, again, err)
		}
	})
}

// TestReportLangFromEnv: train and compare take their reports' language from
// $DESCENT_LANG, as trace, gallery and explain do, and --lang overrides it.
func TestReportLangFromEnv(t *testing.T) {
	t.Setenv("DESCENT_LANG", "ja")
	for _, c := range []struct {
		args []string
		ja   bool
	}{
		{[]string{"compare", "--opt", "adam:lr=0.01"}, true},
		{[]string{"train", "--opt", "adam:lr=0.01"}, true},
		{[]string{"compare", "--opt", "adam:lr=0.01", "--lang", "en"}, false},
	} {
		dir := t.TempDir()
		args := append(c.args, "--subset", "200", "--batch", "50", "--epochs", "1", "--model", "mlp:784-8-10", "-o", dir)
		if _, errOut, code := runCLI(t, args...); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errOut)
		}
		b, err := os.ReadFile(filepath.Join(dir, "report.md"))
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Contains(string(b), "秒は訓練の時間"); got != c.ja {
			t.Errorf("%v with DESCENT_LANG=ja: Japanese report %v, want %v", c.args, got, c.ja)
		}
	}
}
