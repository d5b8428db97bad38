package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// readCSV reads a CSV file written by train or compare.
func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(f)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// noTemps fails if an atomic write left a temporary file in dir.
func noTemps(t *testing.T, dir string) {
	t.Helper()
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("temporary file %s left in %s", e.Name(), dir)
		}
	}
}

func isPNG(t *testing.T, path string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil || !bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")) {
		t.Errorf("%s is not a PNG (%v)", path, err)
	}
}

func TestTrainCLI(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "runs", "adam")
	out, errOut, code := runCLI(t, "train", "--data", "mnist", "--model", "mlp:784-32-10", "--opt", "adam:lr=0.001",
		"--batch", "50", "--epochs", "2", "--subset", "1000", "--seed", "1", "-o", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if errOut != "" {
		t.Errorf("stderr %q: the progress bar belongs on a terminal only", errOut)
	}
	if !strings.Contains(out, "epoch 1 ") || !strings.Contains(out, "epoch 2 ") || !strings.Contains(out, "wrote ") {
		t.Errorf("stdout:\n%s", out)
	}
	rows := readCSV(t, filepath.Join(dir, "metrics.csv"))
	if strings.Join(rows[0], ",") != "epoch,step,train_loss,test_loss,test_accuracy,seconds" || len(rows) != 3 {
		t.Fatalf("metrics.csv: %v", rows)
	}
	// 1000 examples in batches of 50: 20 steps an epoch.
	if rows[1][0] != "1" || rows[1][1] != "20" || rows[2][0] != "2" || rows[2][1] != "40" {
		t.Errorf("metrics rows %v", rows[1:])
	}
	var s map[string]any
	b, _ := os.ReadFile(filepath.Join(dir, "summary.json"))
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"test_accuracy", "test_loss", "seconds", "examples_per_second", "parameters", "config"} {
		if _, ok := s[k]; !ok {
			t.Errorf("summary.json has no %q", k)
		}
	}
	if acc := s["test_accuracy"].(float64); !(acc > 0.5 && acc <= 1) {
		t.Errorf("test_accuracy %v: want a fraction, well above chance after 2 epochs", acc)
	}
	if p := s["parameters"].(float64); p != 784*32+32+32*10+10 {
		t.Errorf("parameters %v", p)
	}
	cfg := s["config"].(map[string]any)
	if cfg["model"] != "mlp:784-32-10" || cfg["opt"] != "adam:lr=0.001" || cfg["batch"] != 50.0 || cfg["subset"] != 1000.0 || cfg["seed"] != 1.0 {
		t.Errorf("config %v", cfg)
	}
	isPNG(t, filepath.Join(dir, "loss.png"))
	isPNG(t, filepath.Join(dir, "accuracy.png"))
	// steps.csv: one row per step, the lr of each, and the mean of an
	// epoch's rows weighted by batch size is that epoch's train_loss.
	steps := readCSV(t, filepath.Join(dir, "steps.csv"))
	if strings.Join(steps[0], ",") != "step,train_loss,lr" || len(steps) != 1+40 || steps[40][0] != "40" || steps[1][2] != "0.001" {
		t.Fatalf("steps.csv: header %v, %d rows", steps[0], len(steps))
	}
	sum := 0.0
	for _, r := range steps[1:21] {
		v, err := strconv.ParseFloat(r[1], 64)
		if err != nil {
			t.Fatal(err)
		}
		sum += v
	}
	if ep1, _ := strconv.ParseFloat(rows[1][2], 64); math.Abs(sum/20-ep1) > 1e-6*ep1 {
		t.Errorf("epoch 1: mean of steps.csv %v, metrics.csv train_loss %v", sum/20, ep1)
	}
	md, _ := os.ReadFile(filepath.Join(dir, "report.md"))
	if !strings.Contains(string(md), "Batch 50, 40 steps (2 epochs).") {
		t.Errorf("report.md:\n%s", md)
	}
	noTemps(t, dir)
}

// TestTrainCLIMethods runs GD, SGD and mini-batch for a few steps, and
// checks that the same flags repeat the same numbers.
func TestTrainCLIMethods(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: every method's training run is in the full tests")
	}
	metrics := func(args ...string) [][]string {
		dir := t.TempDir()
		args = append([]string{"train", "--model", "mlp:784-16-10", "--subset", "300", "--epochs", "3", "-o", dir}, args...)
		if _, errOut, code := runCLI(t, args...); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errOut)
		}
		rows := readCSV(t, filepath.Join(dir, "metrics.csv"))
		for _, r := range rows {
			r[5] = "" // seconds vary
		}
		return rows
	}
	gd := metrics("--batch", "full", "--opt", "sgd:lr=0.5")
	if len(gd) != 4 || gd[3][1] != "3" { // one step an epoch
		t.Errorf("GD: %v", gd)
	}
	sgd := metrics("--batch", "1", "--opt", "sgd:lr=0.01", "--max-steps", "450")
	if len(sgd) != 3 || sgd[1][1] != "300" || sgd[2][0] != "1.5" || sgd[2][1] != "450" {
		t.Errorf("SGD: %v", sgd)
	}
	a := metrics("--batch", "32", "--opt", "adam", "--schedule", "cosine", "--clip", "norm=1", "--seed", "3")
	b := metrics("--batch", "32", "--opt", "adam", "--schedule", "cosine", "--clip", "norm=1", "--seed", "3")
	if len(a) != 4 || a[1][1] != "10" || !equalRows(a, b) {
		t.Errorf("mini-batch runs differ or wrong:\n%v\n%v", a, b)
	}
}

func equalRows(a, b [][]string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if strings.Join(a[i], ",") != strings.Join(b[i], ",") {
			return false
		}
	}
	return true
}

func TestTrainCLIDiverges(t *testing.T) {
	dir := t.TempDir()
	_, errOut, code := runCLI(t, "train", "--model", "mlp:784-16-10", "--subset", "200", "--opt", "sgd:lr=1e30", "-o", dir)
	if code != 1 || !strings.Contains(errOut, "step ") || strings.Count(errOut, "\n") != 1 {
		t.Errorf("exit %d, stderr %q: want exit 1 and one line naming the step", code, errOut)
	}
}

func TestTrainCLIBadInput(t *testing.T) {
	tmp := t.TempDir()
	corrupt := filepath.Join(tmp, "corrupt")
	os.Mkdir(corrupt, 0o755)
	for _, name := range []string{"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"} {
		os.WriteFile(filepath.Join(corrupt, name), []byte("not an idx file"), 0o644)
	}
	empty := filepath.Join(tmp, "empty")
	os.Mkdir(empty, 0o755)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--model", "cnn:784-10"}, "--model"},
		{[]string{"--model", "mlp:784-100"}, "100 outputs but the data has 10 classes"},
		{[]string{"--opt", "adamm"}, "--opt"},
		{[]string{"--opt", "adam:lr=-1"}, "--opt"},
		{[]string{"--batch", "0"}, "--batch"},
		{[]string{"--batch", "lots"}, "--batch"},
		{[]string{"--subset", "100", "--batch", "200"}, "batch 200 is larger than the training set (100 examples)"},
		{[]string{"--epochs", "0"}, "--epochs"},
		{[]string{"--clip", "norm=0"}, "--clip"},
		{[]string{"--schedule", "cosine:t_mx=3"}, "--schedule"},
		{[]string{"--data", "cifar10"}, "--data \"cifar10\""},
		{[]string{"--data-dir", filepath.Join(tmp, "missing")}, "--data-dir"},
		{[]string{"--data-dir", empty}, "--data-dir"},
		{[]string{"--data-dir", corrupt}, "--data-dir"},
		{[]string{"--model", "mlp:100-10"}, "784"},
		{[]string{"--steps", "3"}, "unknown flag"},
	} {
		dir := filepath.Join(tmp, "out")
		args := append([]string{"train", "-o", dir}, tc.args...)
		_, errOut, code := runCLI(t, args...)
		if code != 2 || !strings.Contains(errOut, tc.want) || strings.Count(errOut, "\n") != 1 || !strings.HasPrefix(errOut, "descent: ") {
			t.Errorf("%v: exit %d, stderr %q: want exit 2 and one line mentioning %q", tc.args, code, errOut, tc.want)
		}
		if _, err := os.Stat(dir); err == nil {
			t.Errorf("%v: created %s on bad input", tc.args, dir)
			os.RemoveAll(dir)
		}
	}
	if _, errOut, code := runCLI(t, "train", "--subset", "100"); code != 2 || !strings.Contains(errOut, "-o DIR") {
		t.Errorf("no -o: exit %d, %q", code, errOut)
	}
	if _, errOut, code := runCLI(t, "compare", "-o", tmp); code != 2 || !strings.Contains(errOut, "--opt") {
		t.Errorf("compare without --opt: exit %d, %q", code, errOut)
	}
}

func TestCompareCLI(t *testing.T) {
	dir := t.TempDir()
	// The same optimizer twice must give the same numbers: every run
	// starts from the same weights and sees the same batches.
	_, errOut, code := runCLI(t, "compare", "--model", "mlp:784-16-10", "--subset", "500", "--batch", "50", "--epochs", "2",
		"--opt", "sgd:lr=0.1", "--opt", "adam:lr=0.001", "--opt", "sgd:lr=0.1", "--opt", "sgd:lr=1e30", "-o", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(errOut, "warning: sgd:lr=1e30") {
		t.Errorf("stderr %q: want a warning for the diverging run", errOut)
	}
	rows := readCSV(t, filepath.Join(dir, "metrics.csv"))
	by := map[string][]string{}
	for _, r := range rows[1:] {
		by[r[0]] = append(by[r[0]], strings.Join(r[1:6], ","))
	}
	if len(by["sgd:lr=0.1"]) != 4 || by["sgd:lr=0.1"][0] != by["sgd:lr=0.1"][2] || by["sgd:lr=0.1"][1] != by["sgd:lr=0.1"][3] {
		t.Errorf("the two sgd runs differ: %v", by["sgd:lr=0.1"])
	}
	md, _ := os.ReadFile(filepath.Join(dir, "report.md"))
	table := 0
	for _, l := range strings.Split(string(md), "\n") {
		if strings.HasPrefix(l, "| `") {
			table++
		}
	}
	if table != 8 || !strings.Contains(string(md), "diverged at step") || !strings.Contains(string(md), "(accuracy.png)") {
		t.Errorf("report.md:\n%s", md)
	}
	html, _ := os.ReadFile(filepath.Join(dir, "report.html"))
	if !strings.Contains(string(html), "data:image/png;base64,") || strings.Contains(string(html), "http") {
		t.Errorf("report.html must embed its charts and load nothing from outside")
	}
	isPNG(t, filepath.Join(dir, "loss.png"))
	isPNG(t, filepath.Join(dir, "accuracy.png"))
	var ss []map[string]any
	b, _ := os.ReadFile(filepath.Join(dir, "summary.json"))
	if err := json.Unmarshal(b, &ss); err != nil || len(ss) != 4 {
		t.Errorf("summary.json: %v, %d runs", err, len(ss))
	}
	noTemps(t, dir)
}
