package main

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func runCLI(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var o, e bytes.Buffer
	code = run(args, strings.NewReader(""), &o, &e)
	return o.String(), e.String(), code
}

func TestTraceCSV(t *testing.T) {
	out, errOut, code := runCLI(t, "trace", "--func", "rosenbrock", "--start", "-1.5,2", "--steps", "200",
		"--opt", "sgd:lr=0.0005", "--opt", "adam:lr=0.02,beta2=0.99")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(rows[0], ","); got != "optimizer,step,x,y,loss" {
		t.Fatalf("header %q", got)
	}
	if len(rows) != 1+2*201 {
		t.Fatalf("%d rows, want 1 + 2×201", len(rows))
	}
	// Step 0 is the start point; the spec (with its comma) is one field;
	// each row's loss is rosenbrock at its (x, y), in full precision.
	for i, r := range rows[1:] {
		wantOpt, step := "sgd:lr=0.0005", i
		if i >= 201 {
			wantOpt, step = "adam:lr=0.02,beta2=0.99", i-201
		}
		if r[0] != wantOpt || r[1] != strconv.Itoa(step) {
			t.Fatalf("row %d = %v", i+1, r)
		}
		x, _ := strconv.ParseFloat(r[2], 64)
		y, _ := strconv.ParseFloat(r[3], 64)
		loss, _ := strconv.ParseFloat(r[4], 64)
		// The conversions keep the compiler from fusing a product into a
		// sum (arm64, GOAMD64=v3), as in testfunc.
		a, b := 1-x, y-float64(x*x)
		if f := float64(a*a) + float64(100*b*b); f != loss {
			t.Fatalf("row %d: loss %v, rosenbrock(%v, %v) = %v", i+1, loss, x, y, f)
		}
		if step == 0 && (x != -1.5 || y != 2) {
			t.Fatalf("step 0 at (%v, %v), want the start (-1.5, 2)", x, y)
		}
	}
	// Adam gets much closer to the minimum (1, 1) than plain GD here.
	last := func(r []string) float64 { v, _ := strconv.ParseFloat(r[4], 64); return v }
	if gd, adam := last(rows[201]), last(rows[402]); !(adam < gd) {
		t.Errorf("final loss: gd %v, adam %v", gd, adam)
	}
}

func TestTraceToFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out.CSV")
	out, errOut, code := runCLI(t, "trace", "--func", "elliptic", "--steps", "3", "--opt", "momentum", "-o", path)
	if code != 0 || out != "" {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(b), "optimizer,step,x,y,loss\nmomentum,0,-7,2,") {
		t.Errorf("file starts %q", string(b[:40]))
	}
}

func TestTraceBadInput(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"trace", "--opt", "adam"}, "--func is required"},
		{[]string{"trace", "--func", "nope", "--opt", "adam"}, `unknown function "nope"`},
		{[]string{"trace", "--func", "booth"}, "at least one --opt"},
		{[]string{"trace", "--func", "booth", "--opt", "adamm"}, `unknown optimizer "adamm"`},
		{[]string{"trace", "--func", "booth", "--opt", "adam:lr=x"}, `invalid lr="x"`},
		{[]string{"trace", "--func", "booth", "--opt", "adam:foo=1"}, `unknown option "foo"`},
		{[]string{"trace", "--func", "booth", "--opt", "adam", "--start", "1;2"}, `--start: "1;2"`},
		{[]string{"trace", "--func", "booth", "--opt", "adam", "--start", "1,NaN"}, "two finite numbers"},
		{[]string{"trace", "--func", "booth", "--opt", "adam", "--steps", "-3"}, "--steps=-3"},
		{[]string{"trace", "--func", "booth", "--opt", "adam", "--steps", "ten"}, "invalid argument"},
		{[]string{"trace", "--func", "booth", "--opt", "adam", "--bogus"}, "unknown flag: --bogus"},
		{[]string{"trace", "--func", "booth", "--opt", "adam", "extra"}, "unknown command"},
		{[]string{"trace", "--func", "booth", "--opt", "adam", "-o", filepath.Join(dir, "x.txt")}, `has extension ".txt": want .png, .svg, .gif or .csv`},
		{[]string{"trace", "--func", "booth", "--opt", "adam", "-o", filepath.Join(dir, "no/such/dir.csv")}, "cannot write"},
		{[]string{"nosuchcommand"}, "unknown command"},
	}
	for _, c := range cases {
		out, errOut, code := runCLI(t, c.args...)
		if code != 2 || out != "" || !strings.Contains(errOut, c.want) || strings.Count(errOut, "\n") != 1 {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit 2, no stdout, one line containing %q", c.args, code, out, errOut, c.want)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("bad input left files behind: %v", entries)
	}
}

func TestTraceDiverges(t *testing.T) {
	out, errOut, code := runCLI(t, "trace", "--func", "rosenbrock", "--steps", "50", "--opt", "gd:lr=0.1")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(errOut, "diverged") {
		t.Errorf("no divergence warning: %q", errOut)
	}
	if strings.Contains(out, "NaN") || strings.Contains(out, "Inf") {
		t.Errorf("non-finite numbers in the CSV")
	}
}

func TestTracePictures(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: drawing is tested in full runs (and in package viz)")
	}
	dir := t.TempDir()
	for _, name := range []string{"map.png", "map.svg", "anim.gif"} {
		path := filepath.Join(dir, name)
		_, errOut, code := runCLI(t, "trace", "--func", "himmelblau", "--steps", "50", "--opt", "adam:lr=0.1",
			"--opt", "newton", "-o", path, "--loss", filepath.Join(dir, "loss-"+name[:len(name)-4]+".png"))
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", name, code, errOut)
		}
		b, err := os.ReadFile(path)
		if err != nil || len(b) < 1000 {
			t.Fatalf("%s: %d bytes, %v", name, len(b), err)
		}
	}
	// Bad windows and a loss chart of the wrong kind are refused before any work.
	for _, c := range []struct{ args []string }{
		{[]string{"--xlim", "2,1"}}, {[]string{"--ylim", "a,b"}}, {[]string{"--loss", filepath.Join(dir, "l.gif")}},
	} {
		args := append([]string{"trace", "--func", "booth", "--opt", "adam", "-o", filepath.Join(dir, "bad.png")}, c.args...)
		_, errOut, code := runCLI(t, args...)
		if code != 2 || strings.Count(errOut, "\n") != 1 {
			t.Errorf("%v: exit %d, stderr %q", c.args, code, errOut)
		}
		if _, err := os.Stat(filepath.Join(dir, "bad.png")); err == nil {
			t.Errorf("%v: left bad.png behind", c.args)
		}
	}
}
