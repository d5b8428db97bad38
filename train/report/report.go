// Package report writes what descent train and descent compare leave
// behind: metrics as CSV, the summary as JSON, loss and accuracy curves as
// PNG (gonum/plot), and a comparison as a Markdown table and a static HTML
// page. It depends on train for the records; train does not depend on it.
//
// Every writer takes an io.Writer; the command writes files through
// internal/atomicfile so that a reader never sees a part of one.
package report

import (
	"encoding/base64"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"image/color"
	"io"
	"math"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/descentlab/descent/train"
)

// Run is one finished (or stopped) training run.
type Run struct {
	Label   string // e.g. the optimizer spec
	Summary train.Summary
	Metrics []train.Metric
	Curve   train.Curve
}

// Label is how a comparison names the run of opt that ended with err
// (from Trainer.Run): opt, and where it diverged if err is a
// *train.NonFiniteError, e.g. "sgd:lr=10 (diverged at step 7)".
func Label(opt string, err error) string {
	var nf *train.NonFiniteError
	if errors.As(err, &nf) {
		return fmt.Sprintf("%s (diverged at step %d)", opt, nf.Step)
	}
	return opt
}

// FromTrainer collects a Trainer's records under label. The slices are
// copied.
func FromTrainer(label string, t *train.Trainer) Run {
	c := t.Curve()
	return Run{
		Label:   label,
		Summary: t.Summary(),
		Metrics: append([]train.Metric(nil), t.Metrics()...),
		Curve:   train.Curve{Step: append([]int(nil), c.Step...), Loss: append([]float64(nil), c.Loss...)},
	}
}

// WriteSummary writes s as indented JSON.
func WriteSummary(w io.Writer, s any) error {
	p, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(p, '\n'))
	return err
}

// colors are the curves' colours (Okabe–Ito, distinguishable with colour
// blindness), in the order of the runs.
var colors = []color.RGBA{
	{0x00, 0x72, 0xb2, 255}, {0xd5, 0x5e, 0x00, 255}, {0x00, 0x9e, 0x73, 255},
	{0xcc, 0x79, 0xa7, 255}, {0xe6, 0x9f, 0x00, 255}, {0x56, 0xb4, 0xe9, 255},
	{0x00, 0x00, 0x00, 255}, {0xf0, 0xe4, 0x42, 255},
}

// series is one curve of a chart.
type series struct {
	label  string
	x, y   []float64
	dashed bool
	color  color.RGBA
	legend bool // listed in the legend
}

// LossChart draws the training loss against the step of every run (solid),
// and the test loss at each epoch's end (dashed, with points), as PNG.
func LossChart(w io.Writer, runs []Run) error {
	var ss []series
	for i, r := range runs {
		c := colors[i%len(colors)]
		x, y := bin(r.Curve, chartPoints)
		ss = append(ss, series{label: label(r.Label, "train", len(runs)), x: x, y: y, color: c, legend: true})
		tx, ty := make([]float64, len(r.Metrics)), make([]float64, len(r.Metrics))
		for k, m := range r.Metrics {
			tx[k], ty[k] = float64(m.Step), m.TestLoss
		}
		ss = append(ss, series{label: label(r.Label, "test", len(runs)), x: tx, y: ty, dashed: true, color: c, legend: len(runs) == 1})
	}
	title := "loss"
	if len(runs) > 1 {
		title = "training loss (solid) and test loss (dashed, at each epoch's end)"
	}
	return chart(w, title, "step", "cross-entropy loss", ss, true, true)
}

// AccuracyChart draws the test accuracy (in percent) against the epoch of
// every run, as PNG.
func AccuracyChart(w io.Writer, runs []Run) error {
	var ss []series
	for i, r := range runs {
		x, y := make([]float64, len(r.Metrics)), make([]float64, len(r.Metrics))
		for k, m := range r.Metrics {
			x[k], y[k] = m.Epoch, 100*m.TestAccuracy
		}
		ss = append(ss, series{label: r.Label, x: x, y: y, color: colors[i%len(colors)], legend: true})
	}
	return chart(w, "test accuracy", "epoch", "accuracy (%)", ss, false, false)
}

// chartPoints is the most points a training-loss curve is drawn with: the
// mean of each run of steps, so that the curve reads through the noise of
// mini-batches.
const chartPoints = 300

// bin averages the curve into at most n points, each at the last step of
// its run of points.
func bin(c train.Curve, n int) (x, y []float64) {
	per := (len(c.Step) + n - 1) / max(n, 1)
	per = max(per, 1)
	for lo := 0; lo < len(c.Step); lo += per {
		hi := min(lo+per, len(c.Step))
		sum := 0.0
		for _, v := range c.Loss[lo:hi] {
			sum += v
		}
		x = append(x, float64(c.Step[hi-1]))
		y = append(y, sum/float64(hi-lo))
	}
	return x, y
}

func label(run, what string, n int) string {
	if n == 1 || run == "" {
		return what
	}
	return run
}

// chart draws the series as lines on an 800×500 PNG; logY puts the y axis
// on a log scale when every finite value is positive, legendTop puts the
// legend in the top right corner (else the bottom right). Non-finite values
// end a series.
func chart(w io.Writer, title, xlabel, ylabel string, ss []series, logY, legendTop bool) error {
	p := plot.New()
	p.Title.Text = title
	p.Title.Padding = vg.Points(6)
	p.X.Label.Text, p.Y.Label.Text = xlabel, ylabel
	p.X.Tick.Marker = shortTicks{}
	p.Legend.Top = legendTop
	p.Legend.XOffs, p.Legend.YOffs = -vg.Points(6), vg.Points(6)
	if legendTop {
		p.Legend.YOffs = -vg.Points(6)
	}
	p.Add(plotter.NewGrid())
	lo, hi := math.Inf(1), math.Inf(-1)
	for i := range ss {
		n := len(ss[i].y)
		for k, v := range ss[i].y {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				n = k
				break
			}
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
		ss[i].x, ss[i].y = ss[i].x[:n], ss[i].y[:n]
	}
	if logY && useLogY(lo, hi) {
		p.Y.Scale = plot.LogScale{}
		p.Y.Tick.Marker = plot.LogTicks{Prec: -1}
	}
	for _, s := range ss {
		if len(s.x) == 0 {
			continue
		}
		xy := make(plotter.XYs, len(s.x))
		for k := range s.x {
			xy[k].X, xy[k].Y = s.x[k], s.y[k]
		}
		l, err := plotter.NewLine(xy)
		if err != nil {
			return err
		}
		l.Color, l.Width = s.color, vg.Points(1.5)
		if s.dashed {
			l.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
			pts, err := plotter.NewScatter(xy)
			if err != nil {
				return err
			}
			pts.Color, pts.Shape, pts.Radius = s.color, draw.CircleGlyph{}, vg.Points(2.5)
			p.Add(pts)
		}
		p.Add(l)
		if s.legend {
			p.Legend.Add(s.label, l)
		}
	}
	c := vgimg.New(8*vg.Inch, 5*vg.Inch)
	p.Draw(draw.New(c))
	_, err := vgimg.PngCanvas{Canvas: c}.WriteTo(w)
	return err
}

// shortTicks are gonum's default ticks labelled in the fewest digits that
// give the value ("250", not "250.00").
type shortTicks struct{}

func (shortTicks) Ticks(min, max float64) []plot.Tick {
	ts := plot.DefaultTicks{}.Ticks(min, max)
	for i := range ts {
		if ts[i].Label != "" {
			ts[i].Label = strconv.FormatFloat(ts[i].Value, 'f', -1, 64)
		}
	}
	return ts
}

// useLogY reports whether values in [lo, hi] read better on a log axis: a
// decade or more of positive values, such as a training loss falling from
// 2.3 to 0.1, whose last stretch (where the optimizers differ) a linear axis
// squeezes into its bottom tenth.
func useLogY(lo, hi float64) bool {
	return lo > 0 && !math.IsInf(hi, 0) && hi/lo >= 10
}

// WriteMarkdown writes the comparison as a Markdown report: the setup, one
// table (final test accuracy, test loss, training loss, time per run) and
// the charts, linked by their file names.
func WriteMarkdown(w io.Writer, title string, runs []Run, images []Image) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n%s\n\n", title, setup(runs))
	b.WriteString("| optimizer | test accuracy | test loss | train loss | seconds | s/epoch | examples/s |\n")
	b.WriteString("|---|--:|--:|--:|--:|--:|--:|\n")
	for _, r := range runs {
		s := r.Summary
		fmt.Fprintf(&b, "| `%s` | %.2f%% | %.4f | %.4f | %.1f | %.2f | %.0f |\n",
			strings.ReplaceAll(r.Label, "|", `\|`), 100*s.TestAccuracy, s.TestLoss, s.TrainLoss, s.Seconds, s.SecondsPerEpoch, s.ExamplesPerSecond)
	}
	b.WriteString("\nSeconds are training time, test evaluation excluded.\n\n")
	for _, im := range images {
		fmt.Fprintf(&b, "![%s](%s)\n\n", im.File, im.File)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// Image is a chart: the file it is written to and its PNG bytes.
type Image struct {
	File string
	PNG  []byte
}

// WriteHTML writes the comparison as one static HTML page with no external
// assets: the same table as WriteMarkdown and the charts embedded as data
// URIs (so the page can be moved alone), each linked to its PNG file.
func WriteHTML(w io.Writer, title string, runs []Run, images []Image) error {
	var b strings.Builder
	e := html.EscapeString
	fmt.Fprintf(&b, `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>%s</title>
<style>
body{font-family:sans-serif;max-width:60em;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse}th,td{padding:.3em .8em;border-bottom:1px solid #ccc}
td.n{text-align:right;font-variant-numeric:tabular-nums}code{font-size:.95em}
img{max-width:100%%;display:block;margin:1em 0}
</style></head><body>
<h1>%s</h1>
<p>%s</p>
<table><tr><th>optimizer</th><th>test accuracy</th><th>test loss</th><th>train loss</th><th>seconds</th><th>s/epoch</th><th>examples/s</th></tr>
`, e(title), e(title), e(setup(runs)))
	for _, r := range runs {
		s := r.Summary
		fmt.Fprintf(&b, "<tr><td><code>%s</code></td><td class=n>%.2f%%</td><td class=n>%.4f</td><td class=n>%.4f</td><td class=n>%.1f</td><td class=n>%.2f</td><td class=n>%.0f</td></tr>\n",
			e(r.Label), 100*s.TestAccuracy, s.TestLoss, s.TrainLoss, s.Seconds, s.SecondsPerEpoch, s.ExamplesPerSecond)
	}
	b.WriteString("</table>\n<p>Seconds are training time, test evaluation excluded.</p>\n")
	for _, im := range images {
		fmt.Fprintf(&b, "<a href=\"%s\"><img src=\"data:image/png;base64,%s\" alt=\"%s\"></a>\n",
			e(im.File), base64.StdEncoding.EncodeToString(im.PNG), e(im.File))
	}
	b.WriteString("</body></html>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// setup describes what the runs share, from the first run's config.
func setup(runs []Run) string {
	if len(runs) == 0 {
		return ""
	}
	s := runs[0].Summary
	c := s.Config
	data := c.Data
	if c.Data == train.DataDir {
		data = c.DataDir
	}
	out := fmt.Sprintf("Model %s (%d parameters) on %s (%d training, %d test examples), batch %s, %g epochs (%d steps), seed %d",
		s.Model, s.Parameters, data, s.TrainExamples, s.TestExamples, c.Batch, s.Epochs, s.Steps, c.Seed)
	if c.Schedule != "" {
		out += ", schedule " + c.Schedule
	}
	if c.Clip != "" {
		out += ", clip " + c.Clip
	}
	return out + fmt.Sprintf(", GOMAXPROCS %d. Every optimizer starts from the same weights and sees the same batches.", s.GOMAXPROCS)
}

// WriteMetricsCSV writes the per-epoch metrics of several runs as one CSV
// with the header optimizer,epoch,step,train_loss,test_loss,test_accuracy,seconds.
func WriteMetricsCSV(w io.Writer, runs []Run) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"optimizer", "epoch", "step", "train_loss", "test_loss", "test_accuracy", "seconds"})
	f := func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
	for _, r := range runs {
		for _, m := range r.Metrics {
			cw.Write([]string{r.Label, f(m.Epoch), strconv.Itoa(m.Step), f(m.TrainLoss), f(m.TestLoss), f(m.TestAccuracy), f(m.Seconds)})
		}
	}
	cw.Flush()
	return cw.Error()
}
