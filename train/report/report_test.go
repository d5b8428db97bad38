package report

import (
	"bytes"
	"math"
	"strings"
	"testing"

	"github.com/descentlab/descent/train"
)

func fakeRun(label string, diverge bool) Run {
	r := Run{Label: label, Summary: train.Summary{TestAccuracy: 0.97, TestLoss: 0.1, Seconds: 2.5, Epochs: 2,
		Config: train.Config{Data: train.DataMNIST, Batch: train.FullBatch}}}
	for s := 1; s <= 500; s++ {
		r.Curve.Step = append(r.Curve.Step, s)
		r.Curve.Loss = append(r.Curve.Loss, 2/math.Sqrt(float64(s)))
	}
	if diverge {
		r.Curve.Loss[300] = math.Inf(1)
		r.Curve.Loss[301] = math.NaN()
	}
	r.Metrics = []train.Metric{{Epoch: 1, Step: 250, TestLoss: 0.2, TestAccuracy: 0.9}, {Epoch: 2, Step: 500, TestLoss: 0.1, TestAccuracy: 0.97}}
	return r
}

func TestCharts(t *testing.T) {
	for _, runs := range [][]Run{
		{fakeRun("adam", false)},
		{fakeRun("sgd:lr=0.1", false), fakeRun("sgd:lr=1e30", true)},
		{{Label: "empty"}},
	} {
		for name, f := range map[string]func(*bytes.Buffer, []Run) error{
			"loss":     func(b *bytes.Buffer, r []Run) error { return LossChart(b, r) },
			"accuracy": func(b *bytes.Buffer, r []Run) error { return AccuracyChart(b, r) },
		} {
			var b bytes.Buffer
			if err := f(&b, runs); err != nil || !bytes.HasPrefix(b.Bytes(), []byte("\x89PNG")) {
				t.Errorf("%s chart of %d runs: %v", name, len(runs), err)
			}
		}
	}
}

func TestReports(t *testing.T) {
	runs := []Run{fakeRun("sgd:lr=0.1", false), fakeRun("a|b<script>", false)}
	ims := []Image{{File: "loss.png", PNG: []byte("\x89PNG")}}
	var md, html bytes.Buffer
	if err := WriteMarkdown(&md, "t", runs, ims); err != nil {
		t.Fatal(err)
	}
	if err := WriteHTML(&html, "t", runs, ims); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(md.String(), "| `sgd:lr=0.1` | 97.00% | 0.1000 |") || !strings.Contains(md.String(), `a\|b`) ||
		!strings.Contains(md.String(), "batch full") || !strings.Contains(md.String(), "![loss.png](loss.png)") {
		t.Errorf("markdown:\n%s", md.String())
	}
	if strings.Contains(html.String(), "<script>") || !strings.Contains(html.String(), `src="data:image/png;base64,iVBORw=="`) {
		t.Errorf("html:\n%s", html.String())
	}
}

func TestUseLogY(t *testing.T) {
	for _, c := range []struct {
		lo, hi float64
		want   bool
	}{
		{0.07, 2.3, true}, // MNIST training loss over five epochs
		{0.1, 1, true},
		{0.5, 2.3, false}, // less than a decade
		{0, 2.3, false},   // zero has no place on a log axis
		{-1, 2, false},
		{0.1, math.Inf(1), false},
	} {
		if got := useLogY(c.lo, c.hi); got != c.want {
			t.Errorf("useLogY(%v, %v) = %v, want %v", c.lo, c.hi, got, c.want)
		}
	}
}

func TestShortTicks(t *testing.T) {
	labels := map[string]bool{}
	for _, tk := range (shortTicks{}).Ticks(1, 1800) {
		if tk.Label != "" {
			labels[tk.Label] = true
		}
	}
	for l := range labels {
		if strings.Contains(l, ".") {
			t.Errorf("tick label %q over steps 1–1800 has a fraction", l)
		}
	}
	if len(labels) < 2 {
		t.Errorf("tick labels %v over steps 1–1800, want at least two", labels)
	}
}
