package main

import (
	"bytes"
	"fmt"
	"html/template"
	"io"
	"os"
	"strings"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/descentlab/descent/internal/atomicfile"
	"github.com/descentlab/descent/lab"
	"github.com/descentlab/descent/viz"
)

// galleryLong is gallery's help text.
const galleryLong = `gallery runs the study note's methods (gd, momentum, adagrad, rmsprop, adam)
and Newton's method on every test function from its standard start and
writes, into DIR, per function: a contour map with every path (NAME.png),
one panel per method on the same map (NAME-panels.png, as the book's
figure 6-8), the panels animated side by side with a step counter
(NAME.gif), and an index.html that shows them all at full size with a
caption. --lang ja writes the captions, the page and the pictures' own
words in Japanese.

Learning rates are tuned honestly: each method gets the same search (every
lr of a log grid from 1e-4 to 3.2; the one whose path has the lowest mean
log distance to the minimum over all steps, among those that never diverge
nor climb above their start), except on elliptic, which uses the textbook's
rates, and on the unbounded saddle, where every method gets lr 0.1. The
legend of each picture lists the specs used; 'descent trace --opt
adam:lr=auto' runs the same search for one spec and prints it.`

func newGalleryCmd(e *env) *cobra.Command {
	var dir, lang string
	cmd := &cobra.Command{
		Use:     "gallery -o DIR",
		Short:   "Draw the standard comparisons on every test function (PNG, GIF, index.html)",
		Long:    galleryLong,
		Example: "  descent gallery -o gallery",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if dir == "" {
				return fmt.Errorf("gallery: -o DIR is required")
			}
			lang = langOf(cmd)
			if err := viz.CheckLang(lang); err != nil {
				return fmt.Errorf("gallery: --lang %q: want en or ja", lang)
			}
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return fmt.Errorf("gallery: -o: %v", err)
			}
			gallery := lab.Gallery()
			var bar *progressbar.ProgressBar
			if f, ok := e.stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
				bar = progressbar.NewOptions(len(gallery), progressbar.OptionSetWriter(e.stderr),
					progressbar.OptionSetDescription("gallery"), progressbar.OptionShowCount(),
					progressbar.OptionClearOnFinish())
			}
			in := catchInterrupt(cmd.Context())
			defer in.stop()
			var items []galleryItem
			for _, entry := range gallery {
				if in.interrupted() {
					break
				}
				if bar != nil {
					bar.Describe(entry.Func)
				}
				item, done, err := drawEntry(in, dir, entry, lang)
				if err != nil {
					return fmt.Errorf("gallery: %s: %v", entry.Func, err)
				}
				if done {
					items = append(items, item)
				}
				if bar != nil {
					bar.Add(1)
				}
			}
			if bar != nil {
				bar.Clear()
			}
			var page bytes.Buffer
			if err := galleryPage.Execute(&page, galleryData{Items: items, JA: lang == "ja"}); err != nil {
				return err
			}
			if err := atomicfile.Write(dir+"/index.html", page.Bytes()); err != nil {
				return fmt.Errorf("gallery: %v", err)
			}
			if in.interrupted() {
				return in.stopped("gallery: stopped after %d of %d functions; %s/index.html shows those", len(items), len(gallery), dir)
			}
			fmt.Fprintf(e.stdout, "wrote %d pictures and animations and %s/index.html\n", len(items), dir)
			return nil
		},
	}
	cmd.Flags().StringVarP(&dir, "output", "o", "", "folder to write into (created if missing)")
	cmd.Flags().StringVar(&lang, "lang", "", "language of the page, captions and pictures: en or ja (default $DESCENT_LANG, else en)")
	return cmd
}

type galleryItem struct {
	Name, Title, PNG, Panels, GIF, Caption string
	Specs                                  []string
}

type galleryData struct {
	Items []galleryItem
	JA    bool
}

// drawEntry writes one entry's pictures and animation; done is false if a
// signal came before all were written (a picture written alone is
// removed, so the folder holds only what index.html shows).
func drawEntry(in *interrupt, dir string, entry lab.GalleryEntry, lang string) (item galleryItem, done bool, err error) {
	f, trs, err := lab.RunEntry(entry)
	if err != nil || in.interrupted() {
		return galleryItem{}, false, err
	}
	name := strings.NewReplacer(":", "-", "=", "", ",", "-").Replace(entry.Func)
	paths := make([]viz.Path, len(trs))
	item = galleryItem{Name: name, Title: f.Name() + ": " + f.Formula(), PNG: name + ".png", Panels: name + "-panels.png", GIF: name + ".gif", Caption: entry.Caption}
	if lang == "ja" {
		item.Caption = entry.CaptionJA
	}
	for i, tr := range trs {
		paths[i] = viz.Path{Label: tr.Label(), Points: tr.Points, Loss: tr.Loss}
		item.Specs = append(item.Specs, tr.Spec)
	}
	o := viz.Options{Lang: lang, XLim: entry.XLim, YLim: entry.YLim}
	grid := o
	grid.Layout = "grid"
	var written []string
	for _, job := range []struct {
		file  string
		write func(io.Writer) error
	}{
		{item.PNG, func(w io.Writer) error { return viz.Contour(w, "png", f, paths, o) }},
		{item.Panels, func(w io.Writer) error { return viz.Contour(w, "png", f, paths, grid) }},
		{item.GIF, func(w io.Writer) error { return viz.Animate(w, f, paths, grid) }},
	} {
		if in.interrupted() {
			for _, w := range written {
				os.Remove(dir + "/" + w)
			}
			return item, false, nil
		}
		if err := atomicfile.WriteFunc(dir+"/"+job.file, job.write); err != nil {
			return item, false, err
		}
		written = append(written, job.file)
	}
	return item, true, nil
}

var galleryPage = template.Must(template.New("gallery").Parse(`<!doctype html>
<html lang="{{if .JA}}ja{{else}}en{{end}}">
<head>
<meta charset="utf-8">
<title>{{if .JA}}descent ギャラリー: テスト関数の上の最適化手法{{else}}descent gallery: optimizers on test functions{{end}}</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 1300px; margin: 2em auto; padding: 0 1em; color: #222; line-height: 1.5; }
figure { margin: 2em 0; border-top: 1px solid #ddd; padding-top: 1em; }
figure img { display: block; max-width: 100%; height: auto; margin: 0.5em 0; }
.pics { display: flex; flex-wrap: wrap; gap: 1em; align-items: flex-start; }
figcaption { max-width: 60em; }
code { background: #f4f4f4; padding: 0 0.2em; }
nav a { margin-right: 0.8em; }
</style>
</head>
<body>
{{if .JA -}}
<h1>descent ギャラリー</h1>
<p>学習ノートの手法（勾配降下法、モーメンタム、AdaGrad、RMSProp、Adam）と Newton 法を、代表的なテスト関数の上で、
それぞれの標準の出発点から動かしたものです。キャプションに断りがなければ、各手法の学習率は同じ対数グリッド（1e-4〜3.2）から、
発散も出発点より上昇もしない中で最小点への対数距離の全ステップ平均が最も小さいものを選んでいます（<code>descent trace --opt adam:lr=auto</code> で同じ探索を行えます）。
凡例にすべての指定を載せています。関数ごとに、全手法を重ねた地図、手法ごとのパネル（同じ軸と等高線）、ステップを数えながらパネルが同時に進むアニメーションの三枚です。
画像をクリックすると原寸で開きます。<code>descent gallery --lang ja -o DIR</code> で作り直せます。</p>
{{- else -}}
<h1>descent gallery</h1>
<p>The study note's methods (gradient descent, Momentum, AdaGrad, RMSProp, Adam) and Newton's method on
classic test functions, from each function's standard start. Each method's learning rate is chosen from the
same log grid (1e-4 to 3.2) unless the caption says otherwise: the one whose path has the lowest mean log
distance to the minimum over all steps, among those that neither diverge nor climb above their start
(<code>descent trace --opt adam:lr=auto</code> runs the same search). The legend lists every spec. Per function:
every path on one map; one panel per method on the same axes and bands; the panels animated side by side
with a step counter. Click a picture to open it at full size. Regenerate with <code>descent gallery -o DIR</code>.</p>
{{- end}}
<nav>{{range .Items}}<a href="#{{.Name}}">{{.Name}}</a> {{end}}</nav>
{{range .Items}}
<figure id="{{.Name}}">
<h2>{{.Title}}</h2>
<figcaption>{{.Caption}}<br>{{if $.JA}}指定{{else}}Specs{{end}}: {{range $i, $s := .Specs}}{{if $i}}, {{end}}<code>{{$s}}</code>{{end}}</figcaption>
<div class="pics">
<a href="{{.PNG}}"><img src="{{.PNG}}" alt="{{.Title}}"></a>
<a href="{{.Panels}}"><img src="{{.Panels}}" alt="{{.Title}}, panels"></a>
<a href="{{.GIF}}"><img src="{{.GIF}}" alt="{{.Title}}, animated"></a>
</div>
</figure>
{{end}}
</body>
</html>
`))
