package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/descentlab/descent/optim"
)

func TestBenchJSON(t *testing.T) {
	out, errOut, code := runCLI(t, "bench", "--opt", "adam:lr=0.01", "--n", "1000", "--threads", "2", "--steps", "3", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatalf("%v: %q", err, out)
	}
	for _, k := range []string{"opt", "n", "threads", "ms_per_step", "gbps", "triad_gbps", "ratio"} {
		if _, ok := m[k]; !ok {
			t.Errorf("no key %q in %s", k, out)
		}
	}
	if m["opt"] != "adam:lr=0.01" || m["n"] != 1000.0 || m["threads"] != 2.0 {
		t.Errorf("opt, n, threads = %v, %v, %v", m["opt"], m["n"], m["threads"])
	}
	for _, k := range []string{"ms_per_step", "gbps", "triad_gbps", "ratio"} {
		if v, _ := m[k].(float64); !(v > 0) {
			t.Errorf("%s = %v, want > 0", k, m[k])
		}
	}
	if strings.Count(out, "\n") != 1 {
		t.Errorf("want one line, got %q", out)
	}
}

func TestBenchText(t *testing.T) {
	out, errOut, code := runCLI(t, "bench", "--opt", "sgd", "--n", "100", "--threads", "1", "--steps", "2")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"sgd", "ms", "12 bytes/element", "triad", "ratio"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestBytesPerElement(t *testing.T) {
	// The counts: SGD 12, Momentum/AdaGrad/RMSProp 20, Adam/AdamW 28.
	for spec, want := range map[string]int{"sgd": 12, "gd": 12, "sgd:momentum=0.9": 20, "momentum": 20,
		"adagrad": 20, "rmsprop": 20, "rmsprop:centered=true,momentum=0.9": 36, "adam": 28, "adamw": 28,
		"adam:amsgrad=true": 36, "nadam": 28, "radam": 28, "adamax": 28, "adadelta": 28, "lion": 20} {
		h, err := optim.ParseSpec(spec)
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := bytesPerElement(h); got != want {
			t.Errorf("%s: %d bytes per element, want %d", spec, got, want)
		}
	}
}

func TestBenchBadInput(t *testing.T) {
	for _, args := range [][]string{
		{"--opt", "nosuch"},
		{"--opt", "adam:lr=-1"},
		{"--n", "0"},
		{"--n", "-5"},
		{"--n", "1e9"},
		{"--n", "999999999999"},
		{"--threads", "0"},
		{"--steps", "0"},
		{"--steps", "x"},
		{"--bogus"},
		{"extra"},
	} {
		out, errOut, code := runCLI(t, append([]string{"bench", "--n", "10", "--steps", "1"}, args...)...)
		if code != 2 || out != "" || strings.Count(errOut, "\n") != 1 || !strings.HasPrefix(errOut, "descent: ") {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit 2 and one line on stderr", args, code, out, errOut)
		}
	}
}
