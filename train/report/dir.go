package report

import (
	"bytes"
	"io"
	"path/filepath"

	"github.com/descentlab/descent/internal/atomicfile"
	"github.com/descentlab/descent/train"
)

// WriteDir writes a comparison of runs into dir, each file atomically:
// loss.png, accuracy.png, metrics.csv, summary.json, report.md and
// report.html (titled title). It is what descent compare leaves behind,
// and what the playground writes for a comparison it ran.
func WriteDir(dir, title string, runs []Run) error {
	loss, err := pngBytes(func(w io.Writer) error { return LossChart(w, runs) })
	if err != nil {
		return err
	}
	acc, err := pngBytes(func(w io.Writer) error { return AccuracyChart(w, runs) })
	if err != nil {
		return err
	}
	images := []Image{{File: "loss.png", PNG: loss}, {File: "accuracy.png", PNG: acc}}
	for _, im := range images {
		if err := atomicfile.Write(filepath.Join(dir, im.File), im.PNG); err != nil {
			return err
		}
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
		{"summary.json", func(w io.Writer) error { return WriteSummary(w, summaries) }},
		{"report.md", func(w io.Writer) error { return WriteMarkdown(w, title, runs, images) }},
		{"report.html", func(w io.Writer) error { return WriteHTML(w, title, runs, images) }},
	} {
		if err := atomicfile.WriteFunc(filepath.Join(dir, w.name), w.write); err != nil {
			return err
		}
	}
	return nil
}

func pngBytes(draw func(io.Writer) error) ([]byte, error) {
	var b bytes.Buffer
	err := draw(&b)
	return b.Bytes(), err
}
