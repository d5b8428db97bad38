package report

import (
	"bytes"
	"encoding/csv"
	"image"
	"image/png"
	"math"
	"strconv"
	"strings"
	"testing"

	"gonum.org/v1/plot"

	"github.com/descentlab/descent/train"
	"github.com/descentlab/descent/viz"
)

func fakeRun(label string, diverge bool) Run {
	r := Run{Label: label, Summary: train.Summary{TestAccuracy: 0.97, TestLoss: 0.1, Seconds: 2.5, Epochs: 2, Steps: 500,
		Config: train.Config{Data: train.DataMNIST, Batch: train.FullBatch}}}
	for s := 1; s <= 500; s++ {
		r.Curve.Step = append(r.Curve.Step, s)
		r.Curve.Loss = append(r.Curve.Loss, 2/math.Sqrt(float64(s)))
		r.Steps.Loss = append(r.Steps.Loss, float32(2/math.Sqrt(float64(s))*(1+0.3*math.Sin(float64(s)))))
		r.Steps.LR = append(r.Steps.LR, 0.01)
	}
	if diverge {
		r.Curve.Loss[300] = math.Inf(1)
		r.Curve.Loss[301] = math.NaN()
		r.Steps.Loss, r.Steps.LR = r.Steps.Loss[:300], r.Steps.LR[:300]
		r.Diverged, r.Summary.Steps = 301, 300
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
		for _, o := range []Options{{}, {Smooth: 0.9}, {Lang: LangJapanese, Smooth: 0.6}} {
			for name, f := range map[string]func(*bytes.Buffer, []Run) error{
				"loss":     func(b *bytes.Buffer, r []Run) error { return LossChartOptions(b, r, o) },
				"accuracy": func(b *bytes.Buffer, r []Run) error { return AccuracyChartOptions(b, r, o) },
			} {
				var b bytes.Buffer
				if err := f(&b, runs); err != nil || !bytes.HasPrefix(b.Bytes(), []byte("\x89PNG")) {
					t.Errorf("%s chart of %d runs, %+v: %v", name, len(runs), o, err)
				}
			}
		}
	}
}

// TestSmooth checks the moving average against values worked by hand:
// w = 0.5 on 1, 2, NaN, 4 is s = 0.5, 1.25, (skipped), 2.625, divided by
// 1 − 0.5, 1 − 0.25, 1 − 0.125.
func TestSmooth(t *testing.T) {
	got := Smooth([]float32{float32(math.NaN()), 1, 2, float32(math.NaN()), 4}, 0.5)
	want := []float64{math.NaN(), 1, 1.25 / 0.75, 1.25 / 0.75, 2.625 / 0.875}
	for i := range want {
		if !(got[i] == want[i] || math.IsNaN(got[i]) && math.IsNaN(want[i])) && math.Abs(got[i]-want[i]) > 1e-15 {
			t.Errorf("Smooth[%d] = %v, want %v", i, got[i], want[i])
		}
	}
	if s := Smooth([]float32{3, 5}, 0); s[0] != 3 || s[1] != 5 {
		t.Errorf("w = 0 changed the values: %v", s)
	}
	// A constant stays constant from the first step: the debiasing.
	for _, v := range Smooth([]float32{2, 2, 2, 2}, 0.99) {
		if math.Abs(v-2) > 1e-12 {
			t.Errorf("constant 2 smoothed to %v", v)
		}
	}
}

// TestLossChartDrawsStepsCSV: the training-loss curve the chart draws is,
// point for point, steps.csv's step and train_loss (or smoothed_loss with
// smoothing), skipped steps left out.
func TestLossChartDrawsStepsCSV(t *testing.T) {
	runs := []Run{fakeRun("a", false), fakeRun("b,\"c\"", true)}
	runs[0].Steps.Loss[7] = float32(math.NaN()) // a skipped step
	for _, smooth := range []float64{0, 0.9} {
		var b bytes.Buffer
		if err := WriteStepsCSV(&b, runs, true, smooth); err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(&b).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		wantHead := "run,step,train_loss,lr"
		col := 2
		if smooth > 0 {
			wantHead, col = wantHead+",smoothed_loss", 4
		}
		if strings.Join(rows[0], ",") != wantHead || len(rows) != 1+500+300 {
			t.Fatalf("smooth %v: header %v, %d rows", smooth, rows[0], len(rows))
		}
		c := lossChart(runs, Options{Smooth: smooth})
		for ri, r := range runs {
			s := c.series[2*ri]
			var xs, ys []float64
			for _, row := range rows[1:] {
				if row[0] != r.Label {
					continue
				}
				y, err := strconv.ParseFloat(row[col], 64)
				if row[col] == "" {
					continue
				}
				if err != nil {
					t.Fatal(err)
				}
				if col == 2 {
					y = float64(float32(y)) // float32 written in its shortest form
				}
				x, _ := strconv.Atoi(row[1])
				xs, ys = append(xs, float64(x)), append(ys, y)
			}
			if len(xs) != len(s.x) || len(xs) != len(r.Steps.Loss)-map[bool]int{true: 1, false: 0}[ri == 0 && smooth == 0] {
				t.Fatalf("smooth %v, run %s: %d rows, the chart draws %d points", smooth, r.Label, len(xs), len(s.x))
			}
			for i := range xs {
				if xs[i] != s.x[i] || ys[i] != s.y[i] {
					t.Fatalf("smooth %v, run %s, point %d: csv (%v, %v), chart (%v, %v)", smooth, r.Label, i, xs[i], ys[i], s.x[i], s.y[i])
				}
			}
		}
	}
	// The learning rate and the unnamed form (descent train).
	var b bytes.Buffer
	WriteStepsCSV(&b, runs[:1], false, 0)
	if !strings.HasPrefix(b.String(), "step,train_loss,lr\n1,2.") || !strings.Contains(b.String(), ",0.01\n") {
		t.Errorf("steps.csv of one run:\n%.80s", b.String())
	}
}

// TestLossChartThinned: past MaxDrawnSteps the curve has at most that many
// points (means of runs of steps; every k-th value when smoothed).
func TestLossChartThinned(t *testing.T) {
	r := Run{Label: "long"}
	for i := range 3*MaxDrawnSteps + 7 {
		r.Steps.Loss = append(r.Steps.Loss, float32(1+i%3))
		r.Steps.LR = append(r.Steps.LR, 0.1)
	}
	raw := lossChart([]Run{r}, Options{}).series[0]
	if len(raw.x) > MaxDrawnSteps || len(raw.x) < MaxDrawnSteps/2 {
		t.Errorf("raw: %d points", len(raw.x))
	}
	sm := lossChart([]Run{r}, Options{Smooth: 0.9}).series[0]
	if len(sm.x) > MaxDrawnSteps+1 || sm.x[len(sm.x)-1] != float64(len(r.Steps.Loss)) {
		t.Errorf("smoothed: %d points, last at step %v", len(sm.x), sm.x[len(sm.x)-1])
	}
}

// TestAccuracyPoints: an accuracy curve of one epoch is a visible point.
func TestAccuracyPoints(t *testing.T) {
	r := fakeRun("adam", false)
	r.Metrics = r.Metrics[:1]
	c := accuracyChart([]Run{r}, Options{})
	if len(c.series) != 1 || !c.series[0].points || len(c.series[0].x) != 1 || c.series[0].y[0] != 90 {
		t.Fatalf("series %+v", c.series)
	}
	// And the loss chart's test loss has its points too.
	if l := lossChart([]Run{r}, Options{}); !l.series[1].points || !l.series[1].dashed {
		t.Errorf("test loss series %+v", l.series[1])
	}
}

func TestReports(t *testing.T) {
	runs := []Run{fakeRun("sgd:lr=0.1", false), fakeRun("a|b<script>", false), fakeRun("sgd:lr=1e30", true)}
	for i := range runs {
		runs[i].Summary.Steps, runs[i].Summary.Epochs = 2000, 2000.0/469
		runs[i].Summary.Config.Batch = 128
	}
	runs[2].Summary.Steps, runs[2].Summary.Epochs = 300, 0.64
	ims := []Image{{File: "loss.png", PNG: []byte("\x89PNG")}}
	var md, html bytes.Buffer
	if err := WriteMarkdown(&md, "t", runs, ims, Options{}); err != nil {
		t.Fatal(err)
	}
	if err := WriteHTML(&html, "t", runs, ims, Options{}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"| `sgd:lr=0.1` | 97.00% | 0.1000 |", `a\|b`, "Batch 128, 2000 steps (4.26 epochs).",
		"![loss.png](loss.png)", "| `sgd:lr=1e30` | diverged at step 301 | — | — | 300 steps (0.64 epochs) |",
	} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("markdown lacks %q:\n%s", want, md.String())
		}
	}
	if strings.Contains(md.String(), "0.00%") {
		t.Errorf("a diverged run reads like a result:\n%s", md.String())
	}
	if strings.Contains(html.String(), "<script>") || !strings.Contains(html.String(), `src="data:image/png;base64,iVBORw=="`) ||
		!strings.Contains(html.String(), "<td class=d colspan=3>diverged at step 301</td>") {
		t.Errorf("html:\n%s", html.String())
	}
	md.Reset()
	if err := WriteMarkdown(&md, "t", runs, ims, Options{Lang: LangJapanese, Smooth: 0.9}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"バッチ 128、2000 ステップ（4.26 エポック）", "ステップ 301 で発散", "指数移動平均", "| 実行 | テスト正解率 |"} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("Japanese markdown lacks %q:\n%s", want, md.String())
		}
	}
}

// TestMessages: every language has every message, each with the same
// verbs as the English one.
func TestMessages(t *testing.T) {
	en := messageKeys(LangEnglish)
	for _, lang := range Langs() {
		if got := messageKeys(lang); strings.Join(got, ",") != strings.Join(en, ",") {
			t.Errorf("%s has keys %v, English %v", lang, got, en)
		}
		for _, k := range en {
			if a, b := strings.Count(messages[lang][k], "%"), strings.Count(messages[LangEnglish][k], "%"); a != b {
				t.Errorf("%s %s: %d verbs, English %d", lang, k, a, b)
			}
		}
	}
	if CheckLang("ja") != nil || CheckLang("fr") == nil || !strings.Contains(CheckLang("fr").Error(), "en or ja") {
		t.Error("CheckLang")
	}
	if (Options{Smooth: 1}).Check() == nil || (Options{Smooth: -0.1}).Check() == nil || (Options{Smooth: math.NaN()}).Check() == nil {
		t.Error("Options.Check accepts a smoothing weight outside [0, 1)")
	}
}

// TestJapaneseChartDrawn: a Japanese title is drawn (dark pixels in the
// title's band, as many as an English title of the same chart gives at
// least a third of), and a character the font lacks is an error, not a
// glyph left out.
func TestJapaneseChartDrawn(t *testing.T) {
	ink := func(o Options) int {
		var b bytes.Buffer
		if err := AccuracyChartOptions(&b, []Run{fakeRun("adam", false)}, o); err != nil {
			t.Fatal(err)
		}
		im, err := png.Decode(&b)
		if err != nil {
			t.Fatal(err)
		}
		return darkPixels(im, im.Bounds().Dx()/4, 0, 3*im.Bounds().Dx()/4, 22)
	}
	en, ja := ink(Options{}), ink(Options{Lang: LangJapanese})
	if ja == 0 || ja < en/3 {
		t.Errorf("title band: %d dark pixels in Japanese, %d in English", ja, en)
	}
	var b bytes.Buffer
	err := AccuracyChartOptions(&b, []Run{fakeRun("rocket 🚀", false)}, Options{Lang: LangJapanese})
	if err == nil || !strings.Contains(err.Error(), "🚀") {
		t.Errorf("a label the font cannot draw: %v", err)
	}
}

func darkPixels(im image.Image, x0, y0, x1, y1 int) int {
	n := 0
	for y := y0; y < y1; y++ {
		for x := x0; x < x1; x++ {
			r, g, b, _ := im.At(x, y).RGBA()
			if r+g+b < 3*0x8000 {
				n++
			}
		}
	}
	return n
}

// TestChartAxes: the report's charts use viz's ticks and log rule: a loss
// falling over a decade or more on viz's log axis, a narrower one, and
// accuracy, on linear axes with viz's ticks.
func TestChartAxes(t *testing.T) {
	curve := func(lo, hi float64) []Run {
		return []Run{{Label: "adam", Curve: train.Curve{Step: []int{1, 2, 3}, Loss: []float64{hi, (lo + hi) / 2, lo}},
			Metrics: []train.Metric{{Epoch: 1, Step: 3, TestLoss: lo, TestAccuracy: 0.9}}}}
	}
	for _, c := range []struct {
		spec chartSpec
		log  bool
	}{
		{lossChart(curve(0.1, 2.3), Options{}), true},
		{lossChart(curve(0.5, 2.3), Options{}), false},
		{accuracyChart(curve(0.1, 2.3), Options{}), false},
	} {
		p, err := chartPlot(c.spec)
		if err != nil {
			t.Fatal(err)
		}
		_, isLog := p.Y.Scale.(plot.LogScale)
		var want plot.Ticker = viz.NiceTicks{}
		if c.log {
			want = viz.LogTicks{}
		}
		if isLog != c.log || p.Y.Tick.Marker != want || p.X.Tick.Marker != (viz.NiceTicks{}) {
			t.Errorf("%s: log scale %v, y ticks %T, x ticks %T; want log %v, %T, viz.NiceTicks", c.spec.title, isLog, p.Y.Tick.Marker, p.X.Tick.Marker, c.log, want)
		}
	}
}
