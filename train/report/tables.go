package report

import (
	"encoding/base64"
	"fmt"
	"html"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/descentlab/descent/train"
)

// Image is a chart: the file it is written to and its PNG bytes.
type Image struct {
	File string
	PNG  []byte
	Alt  string // what it shows, in words; the file name if empty
}

// cell is one table cell: its text, whether it is code (a spec) or a
// number (right-aligned), and how many columns it spans.
type cell struct {
	text      string
	code, num bool
	span      int
}

// table is a header and rows of cells.
type table struct {
	head []string
	rows [][]cell
}

// resultTable is the comparison's main table: per run the final test
// accuracy, test loss and training loss (or where it diverged), its steps
// and epochs, and its time.
func resultTable(runs []Run, lang string) table {
	var rows [][]cell
	head := []string{msg(lang, "col.run"), msg(lang, "col.acc"), msg(lang, "col.testloss"), msg(lang, "col.trainloss"),
		msg(lang, "col.steps"), msg(lang, "col.seconds"), msg(lang, "col.spe"), msg(lang, "col.eps")}
	for _, r := range runs {
		s := r.Summary
		row := []cell{{text: r.Label, code: true}}
		if r.Diverged > 0 {
			row = append(row, cell{text: msg(lang, "diverged", r.Diverged), span: 3})
		} else {
			row = append(row, cell{text: finiteText("%.2f%%", 100*s.TestAccuracy), num: true},
				cell{text: finiteText("%.4f", s.TestLoss), num: true}, cell{text: finiteText("%.4f", s.TrainLoss), num: true})
		}
		row = append(row, cell{text: stepsText(lang, s.Steps, s.Epochs), num: true},
			cell{text: fmt.Sprintf("%.1f", s.Seconds), num: true}, cell{text: fmt.Sprintf("%.2f", s.SecondsPerEpoch), num: true},
			cell{text: fmt.Sprintf("%.0f", s.ExamplesPerSecond), num: true})
		rows = append(rows, row)
	}
	return table{head, rows}
}

// finiteText formats x, or gives "—" where it is not a finite number (the
// test loss of weights that overflow, the training loss of an epoch whose
// steps were all skipped).
func finiteText(format string, x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return "—"
	}
	return fmt.Sprintf(format, x)
}

// runsTable says what each run trained: its flags (for variants), model,
// optimizer with every hyperparameter, batch and schedule.
func runsTable(runs []Run, lang string) table {
	var rows [][]cell
	flags := false
	for _, r := range runs {
		flags = flags || r.Flags != ""
	}
	head := []string{msg(lang, "col.run")}
	if flags {
		head = append(head, msg(lang, "col.flags"))
	}
	head = append(head, msg(lang, "col.model"), msg(lang, "col.opt"), msg(lang, "col.batch"), msg(lang, "col.schedule"))
	for _, r := range runs {
		s, c := r.Summary, r.Summary.Config
		row := []cell{{text: r.Label, code: true}}
		if flags {
			row = append(row, cell{text: r.Flags, code: true})
		}
		sched := c.Schedule
		if sched == "" {
			sched = "—"
		}
		row = append(row, cell{text: s.Model, code: true}, cell{text: s.Optimizer, code: true},
			cell{text: batchText(lang, c.Batch), num: true}, cell{text: sched, code: c.Schedule != ""})
		rows = append(rows, row)
	}
	return table{head, rows}
}

func batchText(lang string, b train.Batch) string {
	if b == train.FullBatch {
		return msg(lang, "full")
	}
	return b.String()
}

// stepsText writes "2000 steps (4.26 epochs)": epochs to two decimals,
// without trailing zeros.
func stepsText(lang string, steps int, epochs float64) string {
	if epochs == 0 { // diverged before its first epoch's end
		return msg(lang, "stepsonly", steps)
	}
	e := strconv.FormatFloat(math.Round(epochs*100)/100, 'f', -1, 64)
	if e == "1" {
		return msg(lang, "steps1", steps, e)
	}
	return msg(lang, "steps", steps, e)
}

// setup describes what the runs share: the data and seed always, the model,
// batch and length, schedule and clipping where every run has the same.
func setup(runs []Run, lang string, smooth float64) []string {
	if len(runs) == 0 {
		return nil
	}
	s, c := runs[0].Summary, runs[0].Summary.Config
	same := func(f func(Run) string) bool {
		for _, r := range runs[1:] {
			if f(r) != f(runs[0]) {
				return false
			}
		}
		return true
	}
	data := c.Data
	if c.Data == train.DataDir {
		data = c.DataDir
	}
	out := []string{msg(lang, "setup.data", data, s.TrainExamples, s.TestExamples, c.Seed, s.GOMAXPROCS)}
	if same(func(r Run) string { return r.Summary.Model }) {
		out = append(out, msg(lang, "setup.model", s.Model, s.Parameters))
	}
	// The length where every run that did not diverge agrees.
	length := ""
	for _, r := range runs {
		if r.Diverged > 0 {
			continue
		}
		l := stepsText(lang, r.Summary.Steps, r.Summary.Epochs)
		if length != "" && l != length {
			length = ""
			break
		}
		length = l
	}
	if same(func(r Run) string { return r.Summary.Config.Batch.String() }) && length != "" {
		out = append(out, msg(lang, "setup.batch", batchText(lang, c.Batch), length))
	}
	if c.Schedule != "" && same(func(r Run) string { return r.Summary.Config.Schedule }) {
		out = append(out, msg(lang, "setup.schedule", c.Schedule))
	}
	if c.Clip != "" && same(func(r Run) string { return r.Summary.Config.Clip }) {
		out = append(out, msg(lang, "setup.clip", c.Clip))
	}
	if len(runs) > 1 {
		out = append(out, msg(lang, "setup.same"))
	}
	if smooth > 0 {
		out = append(out, msg(lang, "smooth.note", smooth))
	}
	return out
}

// WriteMarkdown writes the comparison as a Markdown report: the setup, the
// table of results (final test accuracy, test loss, training loss, steps,
// time per run; "diverged at step N" for a run that diverged), the table of
// what each run trained, and the charts, linked by their file names.
func WriteMarkdown(w io.Writer, title string, runs []Run, images []Image, o Options) error {
	lang := o.lang()
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n%s\n\n", title, strings.Join(setup(runs, lang, o.Smooth), msg(lang, "sentence.sep")))
	mdTable(&b, resultTable(runs, lang))
	b.WriteString("\n" + msg(lang, "seconds.note") + "\n\n")
	for _, im := range images {
		fmt.Fprintf(&b, "![%s](%s)\n\n", mdEscape(alt(im)), im.File)
	}
	b.WriteString("## " + msg(lang, "runs.heading") + "\n\n")
	mdTable(&b, runsTable(runs, lang))
	_, err := io.WriteString(w, b.String())
	return err
}

func alt(im Image) string {
	if im.Alt != "" {
		return im.Alt
	}
	return im.File
}

func mdEscape(s string) string {
	return strings.NewReplacer("|", `\|`, "[", `\[`, "]", `\]`).Replace(s)
}

func mdTable(b *strings.Builder, t table) {
	head, rows := t.head, t.rows
	b.WriteString("| " + strings.Join(head, " | ") + " |\n|")
	for i := range head {
		if len(rows) > 0 && i < len(rows[0]) && rows[0][i].num {
			b.WriteString("--:|")
		} else {
			b.WriteString("---|")
		}
	}
	b.WriteString("\n")
	for _, row := range rows {
		b.WriteString("|")
		for _, c := range row {
			t := strings.ReplaceAll(c.text, "|", `\|`)
			if c.code && t != "" {
				t = "`" + t + "`"
			}
			b.WriteString(" " + t + " |")
			for range c.span - 1 {
				b.WriteString(" — |")
			}
		}
		b.WriteString("\n")
	}
}

// WriteHTML writes the comparison as one static HTML page with no external
// assets: the same text and tables as WriteMarkdown and the charts embedded
// as data URIs (so the page can be moved alone), each linked to its PNG
// file.
func WriteHTML(w io.Writer, title string, runs []Run, images []Image, o Options) error {
	lang := o.lang()
	var b strings.Builder
	e := html.EscapeString
	fmt.Fprintf(&b, `<!DOCTYPE html>
<html lang="%s"><head><meta charset="utf-8"><title>%s</title>
<style>
body{font-family:sans-serif;max-width:72em;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse}th,td{padding:.3em .8em;border-bottom:1px solid #ccc;text-align:left}
td.n{text-align:right;font-variant-numeric:tabular-nums}td.d{color:#b00;text-align:center}code{font-size:.95em}
img{max-width:100%%;display:block;margin:1em 0}
</style></head><body>
<h1>%s</h1>
`, msg(lang, "html.lang"), e(title), e(title))
	for _, p := range setup(runs, lang, o.Smooth) {
		b.WriteString("<p>" + e(p) + "</p>\n")
	}
	htmlTable(&b, resultTable(runs, lang))
	b.WriteString("<p>" + e(msg(lang, "seconds.note")) + "</p>\n")
	for _, im := range images {
		fmt.Fprintf(&b, "<a href=\"%s\"><img src=\"data:image/png;base64,%s\" alt=\"%s\"></a>\n",
			e(im.File), base64.StdEncoding.EncodeToString(im.PNG), e(alt(im)))
	}
	b.WriteString("<h2>" + e(msg(lang, "runs.heading")) + "</h2>\n")
	htmlTable(&b, runsTable(runs, lang))
	b.WriteString("</body></html>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

func htmlTable(b *strings.Builder, t table) {
	head, rows := t.head, t.rows
	e := html.EscapeString
	b.WriteString("<table><tr>")
	for _, h := range head {
		b.WriteString("<th>" + e(h) + "</th>")
	}
	b.WriteString("</tr>\n")
	for _, row := range rows {
		b.WriteString("<tr>")
		for _, c := range row {
			t := e(c.text)
			if c.code && t != "" {
				t = "<code>" + t + "</code>"
			}
			switch {
			case c.span > 1:
				fmt.Fprintf(b, "<td class=d colspan=%d>%s</td>", c.span, t)
			case c.num:
				b.WriteString("<td class=n>" + t + "</td>")
			default:
				b.WriteString("<td>" + t + "</td>")
			}
		}
		b.WriteString("</tr>\n")
	}
	b.WriteString("</table>\n")
}
