package report

import (
	"bytes"
	"io"
	"path/filepath"

	"github.com/descentlab/descent/internal/atomicfile"
	"github.com/descentlab/descent/train"
)

// WriteDir is WriteDirOptions in English, without smoothing.
func WriteDir(dir, title string, runs []Run) error {
	return WriteDirOptions(dir, title, runs, Options{})
}

// WriteDirOptions writes a comparison of runs into dir, each file
// atomically: what WriteCharts writes, and metrics.csv, steps.csv and
// summary.json. It is what descent compare leaves behind, and what the
// playground writes for a comparison it ran.
func WriteDirOptions(dir, title string, runs []Run, o Options) error {
	if err := WriteCharts(dir, title, runs, o); err != nil {
		return err
	}
	summaries := make([]train.Summary, len(runs))
	for i, r := range runs {
		summaries[i] = r.Summary
	}
	for _, w := range []struct {
		name  string
		write func(io.Writer) error
	}{
		{"metrics.csv", func(w io.Writer) error { return WriteMetricsCSV(w, runs) }},
		{"steps.csv", func(w io.Writer) error { return WriteStepsCSV(w, runs, true, o.Smooth) }},
		{"summary.json", func(w io.Writer) error { return WriteSummary(w, summaries) }},
	} {
		if err := atomicfile.WriteFunc(filepath.Join(dir, w.name), w.write); err != nil {
			return err
		}
	}
	return nil
}

// WriteCharts writes the charts and reports of runs into dir, each file
// atomically: loss.png, accuracy.png, report.md and report.html (titled
// title), in o.Lang, the loss chart smoothed as o.Smooth says.
func WriteCharts(dir, title string, runs []Run, o Options) error {
	if err := o.Check(); err != nil {
		return err
	}
	loss, err := pngBytes(func(w io.Writer) error { return LossChartOptions(w, runs, o) })
	if err != nil {
		return err
	}
	acc, err := pngBytes(func(w io.Writer) error { return AccuracyChartOptions(w, runs, o) })
	if err != nil {
		return err
	}
	lang := o.lang()
	images := []Image{{File: "loss.png", PNG: loss, Alt: msg(lang, "chart.alt.loss")}, {File: "accuracy.png", PNG: acc, Alt: msg(lang, "chart.alt.acc")}}
	for _, im := range images {
		if err := atomicfile.Write(filepath.Join(dir, im.File), im.PNG); err != nil {
			return err
		}
	}
	if err := atomicfile.WriteFunc(filepath.Join(dir, "report.md"), func(w io.Writer) error {
		return WriteMarkdown(w, title, runs, images, o)
	}); err != nil {
		return err
	}
	return atomicfile.WriteFunc(filepath.Join(dir, "report.html"), func(w io.Writer) error {
		return WriteHTML(w, title, runs, images, o)
	})
}

func pngBytes(draw func(io.Writer) error) ([]byte, error) {
	var b bytes.Buffer
	err := draw(&b)
	return b.Bytes(), err
}
