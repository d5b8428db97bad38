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

func newGalleryCmd(e *env) *cobra.Command {
	var dir string
	cmd := &cobra.Command{
		Use:   "gallery -o DIR",
		Short: "Draw the standard comparisons on every test function (PNG, GIF, index.html)",
		Long: `gallery runs the study note's methods (gd, momentum, adagrad, rmsprop, adam)
and Newton's method on every test function from its standard start and
writes, into DIR, a contour map (NAME.png) and an animation (NAME.gif) per
function and an index.html that shows them all with a caption.

Learning rates are tuned honestly: each method gets the same search (the
lr of a log grid from 1e-4 to 3.2 with the lowest final loss that never
diverges), except on elliptic, which uses the textbook's rates, and on the
unbounded saddle, where every method gets lr 0.1. The legend of each
picture lists the specs used.`,
		Example: "  descent gallery -o gallery",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if dir == "" {
				return fmt.Errorf("gallery: -o DIR is required")
			}
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return fmt.Errorf("gallery: -o: %v", err)
			}
			var bar *progressbar.ProgressBar
			if f, ok := e.stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
				bar = progressbar.NewOptions(len(lab.Gallery), progressbar.OptionSetWriter(e.stderr),
					progressbar.OptionSetDescription("gallery"), progressbar.OptionShowCount(),
					progressbar.OptionClearOnFinish())
			}
			in := catchInterrupt(cmd.Context())
			defer in.stop()
			var items []galleryItem
			for _, entry := range lab.Gallery {
				if in.interrupted() {
					break
				}
				if bar != nil {
					bar.Describe(entry.Func)
				}
				item, done, err := drawEntry(in, dir, entry)
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
			if err := galleryPage.Execute(&page, items); err != nil {
				return err
			}
			if err := atomicfile.Write(dir+"/index.html", page.Bytes()); err != nil {
				return fmt.Errorf("gallery: %v", err)
			}
			if in.interrupted() {
				return in.stopped("gallery: stopped after %d of %d functions; %s/index.html shows those", len(items), len(lab.Gallery), dir)
			}
			fmt.Fprintf(e.stdout, "wrote %d pictures and animations and %s/index.html\n", len(items), dir)
			return nil
		},
	}
	cmd.Flags().StringVarP(&dir, "output", "o", "", "folder to write into (created if missing)")
	return cmd
}

type galleryItem struct {
	Name, Title, PNG, GIF, Caption string
	Specs                          []string
}

// drawEntry writes one entry's picture and animation; done is false if a
// signal came before both were written (a picture written alone is
// removed, so the folder holds only what index.html shows).
func drawEntry(in *interrupt, dir string, entry lab.GalleryEntry) (item galleryItem, done bool, err error) {
	f, trs, err := lab.RunEntry(entry)
	if err != nil || in.interrupted() {
		return galleryItem{}, false, err
	}
	name := strings.NewReplacer(":", "-", "=", "", ",", "-").Replace(entry.Func)
	paths := make([]viz.Path, len(trs))
	item = galleryItem{Name: name, Title: f.Name() + ": " + f.Formula(), PNG: name + ".png", GIF: name + ".gif", Caption: entry.Caption}
	for i, tr := range trs {
		paths[i] = viz.Path{Label: tr.Spec, Points: tr.Points, Loss: tr.Loss}
		item.Specs = append(item.Specs, tr.Spec)
	}
	o := viz.Options{}
	if err := atomicfile.WriteFunc(dir+"/"+item.PNG, func(w io.Writer) error { return viz.Contour(w, "png", f, paths, o) }); err != nil {
		return item, false, err
	}
	if in.interrupted() {
		os.Remove(dir + "/" + item.PNG)
		return item, false, nil
	}
	if err := atomicfile.WriteFunc(dir+"/"+item.GIF, func(w io.Writer) error { return viz.Animate(w, f, paths, o) }); err != nil {
		return item, false, err
	}
	return item, true, nil
}

var galleryPage = template.Must(template.New("gallery").Parse(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>descent gallery: optimizers on test functions</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em; color: #222; }
figure { margin: 2em 0; border-top: 1px solid #ddd; padding-top: 1em; }
.pair { display: flex; flex-wrap: wrap; gap: 1em; }
.pair img { max-width: 520px; width: 100%; height: auto; }
code { background: #f4f4f4; padding: 0 0.2em; }
</style>
</head>
<body>
<h1>descent gallery</h1>
<p>The study note's methods (gradient descent, Momentum, AdaGrad, RMSProp, Adam) and Newton's method on
classic test functions, from each function's standard start. Each method's learning rate is the best of the
same log grid (1e-4 to 3.2) by final loss without diverging, unless the caption says otherwise; the legend
lists every spec. Left: the paths on a contour map; right: the same paths growing step by step.
Regenerate with <code>descent gallery -o DIR</code>.</p>
{{range .}}
<figure id="{{.Name}}">
<h2>{{.Title}}</h2>
<div class="pair"><img src="{{.PNG}}" alt="paths on {{.Title}}"><img src="{{.GIF}}" alt="animated paths on {{.Title}}"></div>
<figcaption>{{.Caption}}<br>Specs: {{range $i, $s := .Specs}}{{if $i}}, {{end}}<code>{{$s}}</code>{{end}}</figcaption>
</figure>
{{end}}
</body>
</html>
`))
