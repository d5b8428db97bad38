package playground

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"image/color"
	"image/png"
	"io"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/descentlab/descent/explain"
	"github.com/descentlab/descent/lab"
	"github.com/descentlab/descent/optim"
	"github.com/descentlab/descent/testfunc"
	"github.com/descentlab/descent/viz"
)

// function is one entry of /api/functions.
type function struct {
	Name    string             `json:"name"`
	Formula string             `json:"formula"`
	Window  [4]float64         `json:"window"` // xmin, xmax, ymin, ymax
	Start   [2]float64         `json:"start"`
	Minima  [][2]float64       `json:"minima"`
	Options []optim.HyperParam `json:"options,omitempty"` // quadratic: cond
}

func (s *Server) functions(w http.ResponseWriter, r *http.Request) {
	var out []function
	for _, name := range testfunc.Names() {
		f, err := testfunc.Lookup(name)
		if err != nil {
			writeError(w, http.StatusInternalServerError, err.Error())
			return
		}
		win, st := f.Window(), f.Start()
		fn := function{Name: name, Formula: f.Formula(), Window: [4]float64{win.XMin, win.XMax, win.YMin, win.YMax},
			Start: [2]float64{st.X, st.Y}, Minima: [][2]float64{}}
		for _, m := range f.Minima() {
			fn.Minima = append(fn.Minima, [2]float64{m.X, m.Y})
		}
		if name == "quadratic" {
			lo, hi := 1.0, float64(testfunc.MaxCond)
			fn.Options = []optim.HyperParam{{Key: "cond", Kind: optim.KindNumber, Default: strconv.Itoa(testfunc.DefaultCond),
				Min: &lo, Max: &hi, Log: true, Allowed: "a finite number from 1 to 1e15", Doc: "condition number: the ratio of the largest to the smallest curvature"}}
		}
		out = append(out, fn)
	}
	writeJSON(w, http.StatusOK, out)
}

// secondOrder describes lab's second-order comparators as optim.Schema
// describes the methods (a test checks the defaults and bounds against lab).
func secondOrder() []optim.MethodSchema {
	one, thousand := 1.0, 1000.0
	return []optim.MethodSchema{
		{Method: "newton", Params: []optim.HyperParam{{Key: "increase", Kind: optim.KindNumber, Default: "5", Min: &one, MinOpen: true,
			Allowed: "a finite number > 1", Doc: "factor τ grows by until H+τI is positive definite"}}},
		{Method: "gonum_lbfgs", Params: []optim.HyperParam{{Key: "history", Kind: optim.KindNumber, Default: "10", Min: &one, Max: &thousand,
			Allowed: "an integer in [1, 1000]", Doc: "number of past gradients kept"}}},
	}
}

func (s *Server) optimizers(w http.ResponseWriter, r *http.Request) {
	colors := make([]string, 10)
	for i := range colors {
		colors[i] = hexColor(viz.PathColor(i))
	}
	// Each method's fixed colour, as every picture of the lab draws it
	// (viz.MethodColor): a new row takes its method's colour unless another
	// row has it, then a spare one from colors.
	methodColors := map[string]string{}
	methods, second := optim.Schema(), secondOrder()
	for _, m := range append(slices.Clone(methods), second...) {
		if c, ok := viz.MethodColor(m.Method); ok {
			methodColors[m.Method] = hexColor(c)
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"method_colors":  methodColors,
		"methods":        methods,
		"second_order":   second,
		"colors":         colors,
		"max_optimizers": MaxOptimizers,
		"max_steps":      MaxSteps,
	})
}

// hexColor writes c as CSS writes it, #rrggbb.
func hexColor(c color.RGBA) string { return fmt.Sprintf("#%02x%02x%02x", c.R, c.G, c.B) }

// traceReq is a parsed /api/trace (or /api/download) request.
type traceReq struct {
	funcSpec string
	f        testfunc.Function
	start    testfunc.Point
	steps    int
	opts     []string
	xlim     *[2]float64
	ylim     *[2]float64
}

// known lists the query parameters each endpoint accepts.
var known = map[string][]string{
	"trace":    {"func", "start", "steps", "opt"},
	"download": {"func", "start", "steps", "opt", "format", "xlim", "ylim"},
	"field":    {"func", "xlim", "ylim", "w", "h"},
	"explain":  {"method", "lang"},
}

// parseQuery parses the query string raw of a request to endpoint (a key
// of known), refusing what url.ParseQuery refuses (a bad %-escape, a
// semicolon), unknown parameters and repeated single ones.
func parseQuery(raw, endpoint string) (url.Values, error) {
	q, err := url.ParseQuery(raw)
	if err != nil {
		return q, fmt.Errorf("bad query string: %v", err)
	}
	return q, checkQuery(q, endpoint)
}

// checkQuery refuses unknown parameters and repeated single ones.
func checkQuery(q url.Values, endpoint string) error {
	allowed := known[endpoint]
	for k, v := range q {
		ok := false
		for _, a := range allowed {
			ok = ok || a == k
		}
		if !ok {
			return fmt.Errorf("unknown parameter %q (want %s)", k, strings.Join(allowed, ", "))
		}
		if k != "opt" && len(v) > 1 {
			return fmt.Errorf("parameter %s given %d times (want once)", k, len(v))
		}
	}
	return nil
}

// parseTrace reads the parameters of a trace from q (checked by
// parseQuery).
func parseTrace(q url.Values) (traceReq, error) {
	var t traceReq
	t.funcSpec = q.Get("func")
	if t.funcSpec == "" {
		return t, fmt.Errorf("func is required (one of: %s)", strings.Join(testfunc.Names(), ", "))
	}
	f, err := testfunc.Lookup(t.funcSpec)
	if err != nil {
		return t, fmt.Errorf("func: %v", err)
	}
	t.f, t.start = f, f.Start()
	if v := q.Get("start"); v != "" {
		if t.start, err = lab.ParsePoint(v); err != nil {
			return t, fmt.Errorf("start: %v", err)
		}
	}
	t.steps = 100
	if v := q.Get("steps"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > MaxSteps {
			return t, fmt.Errorf("steps=%s: want an integer in [0, %d]", oneLine(v), MaxSteps)
		}
		t.steps = n
	}
	t.opts = q["opt"]
	if len(t.opts) == 0 {
		return t, fmt.Errorf("at least one opt=SPEC is required (e.g. opt=adam:lr=0.01)")
	}
	if len(t.opts) > MaxOptimizers {
		return t, fmt.Errorf("%d optimizers: want at most %d", len(t.opts), MaxOptimizers)
	}
	for _, o := range t.opts {
		if err := lab.Check(o); err != nil {
			return t, fmt.Errorf("opt %s: %v", oneLine(o), err)
		}
	}
	for _, l := range []struct {
		key string
		dst **[2]float64
	}{{"xlim", &t.xlim}, {"ylim", &t.ylim}} {
		if v := q.Get(l.key); v != "" {
			lo, hi, err := parseLimits(l.key, v)
			if err != nil {
				return t, err
			}
			*l.dst = &[2]float64{lo, hi}
		}
	}
	return t, nil
}

// run runs every optimizer of t, as descent trace does.
func (t traceReq) run() ([]lab.Trajectory, error) {
	trs := make([]lab.Trajectory, len(t.opts))
	for i, o := range t.opts {
		var err error
		if trs[i], err = lab.Run(t.f, t.start, t.steps, o); err != nil {
			return nil, fmt.Errorf("opt %s: %v", oneLine(o), err)
		}
	}
	return trs, nil
}

// oneLine quotes s when it holds anything that would break an error line.
func oneLine(s string) string {
	if len(s) > 80 {
		s = s[:80] + "…"
	}
	for _, r := range s {
		if r < ' ' || r == '"' || r == 0x7f {
			return strconv.Quote(s)
		}
	}
	return s
}

// trace answers /api/trace as JSON, and /api/trace.bin (bin true) with
// the same answer in the form the page reads without parsing numbers: see
// appendTraceBinary.
func (s *Server) trace(w http.ResponseWriter, r *http.Request, bin bool) {
	bp := tracePool.Get().(*[]byte)
	b, err := appendTraceAnswer((*bp)[:0], r.URL.RawQuery, bin)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
	} else {
		ctype := "application/json"
		if bin {
			ctype = "application/octet-stream"
		}
		w.Header().Set("Content-Type", ctype)
		w.Header().Set("Content-Length", strconv.Itoa(len(b))) // one write, not chunks
		w.Write(b)
	}
	putTraceBuffer(bp, b)
}

// appendTraceAnswer appends to b the answer of /api/trace (bin false) or
// /api/trace.bin (bin true) to the query string raw, or returns the
// one-line error of a bad query.
func appendTraceAnswer(b []byte, raw string, bin bool) ([]byte, error) {
	q, err := parseQuery(raw, "trace")
	if err != nil {
		return b, err
	}
	t, err := parseTrace(q)
	if err != nil {
		return b, err
	}
	trs, err := t.run()
	if err != nil {
		return b, err
	}
	n := 0
	for _, tr := range trs {
		n += len(tr.Points)
	}
	if need := 80*n + 1024; cap(b)-len(b) < need { // a point takes at most 3×24+4 bytes
		b = slices.Grow(b, need)
	}
	if bin {
		return appendTraceBinary(b, t, trs), nil
	}
	return appendTrace(b, t, trs, true), nil
}

// putTraceBuffer returns an answer buffer to tracePool, keeping b's
// storage (see keepTraceBuffer).
func putTraceBuffer(bp *[]byte, b []byte) {
	keepTraceBuffer(bp, b)
	tracePool.Put(bp)
}

// keepTraceBuffer keeps b's storage in *bp, the buffer it was appended to,
// when it is not too large.
func keepTraceBuffer(bp *[]byte, b []byte) {
	if cap(b) <= 1<<24 { // keep buffers of up to 8 × 10,000 steps
		*bp = b[:0]
	}
}

// tracePool holds answer buffers, so that a slider dragged over the map
// does not allocate and clear a megabyte per request.
var tracePool = sync.Pool{New: func() any { b := []byte(nil); return &b }}

// appendTrace writes the answer of /api/trace. Numbers are written as
// strconv writes them with precision -1, which parses back to the same
// float64: exactly the numbers descent trace's CSV holds. Without points,
// each path says how many it has ("n") instead of listing them.
func appendTrace(b []byte, t traceReq, trs []lab.Trajectory, points bool) []byte {
	b = append(b, `{"func":`...)
	b = appendString(b, t.funcSpec)
	b = append(b, `,"start":[`...)
	b = appendFloat(b, t.start.X)
	b = append(b, ',')
	b = appendFloat(b, t.start.Y)
	b = append(b, `],"steps":`...)
	b = strconv.AppendInt(b, int64(t.steps), 10)
	b = append(b, `,"paths":[`...)
	minima := t.f.Minima()
	for i, tr := range trs {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"opt":`...)
		b = appendString(b, tr.Spec)
		if points {
			b = append(b, `,"points":[`...)
			for k, p := range tr.Points {
				if k > 0 {
					b = append(b, ',')
				}
				b = append(b, '[')
				b = appendFloat(b, p.X)
				b = append(b, ',')
				b = appendFloat(b, p.Y)
				b = append(b, ',')
				b = appendFloat(b, tr.Loss[k])
				b = append(b, ']')
			}
			b = append(b, ']')
		} else {
			b = append(b, `,"n":`...)
			b = strconv.AppendInt(b, int64(len(tr.Points)), 10)
		}
		b = append(b, `,"diverged":`...)
		b = strconv.AppendInt(b, int64(tr.Diverged), 10)
		last := tr.Points[len(tr.Points)-1]
		b = append(b, `,"final_loss":`...)
		b = appendFloat(b, tr.Loss[len(tr.Loss)-1])
		b = append(b, `,"distance":`...)
		if len(minima) == 0 {
			b = append(b, "null"...)
		} else {
			d := math.Inf(1)
			for _, m := range minima {
				d = math.Min(d, math.Hypot(last.X-m.X, last.Y-m.Y))
			}
			b = appendFloat(b, d)
		}
		b = append(b, '}')
	}
	b = append(b, `],"command":`...)
	b = appendString(b, command(t))
	return append(b, '}')
}

// appendTraceBinary writes the answer of /api/trace.bin: a little-endian
// uint32 L, then L bytes of the JSON answer without the points (each path
// has "n", its number of points; blank-padded so that 4+L is a multiple of
// 8), then for each path in turn its n points as 3n little-endian float64
// x, y, loss, x, y, loss, ... The page views them as a Float64Array: no
// number is parsed, and the bytes are half the JSON's.
func appendTraceBinary(b []byte, t traceReq, trs []lab.Trajectory) []byte {
	off := len(b)
	b = append(b, 0, 0, 0, 0)
	b = appendTrace(b, t, trs, false)
	for (len(b)-off)%8 != 0 {
		b = append(b, ' ')
	}
	binary.LittleEndian.PutUint32(b[off:], uint32(len(b)-off-4))
	for _, tr := range trs {
		for k, p := range tr.Points {
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(p.X))
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(p.Y))
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(tr.Loss[k]))
		}
	}
	return b
}

// appendFloat writes v as JSON; the engine's trajectories hold finite
// numbers only, but a distance can overflow to +Inf, written as null.
func appendFloat(b []byte, v float64) []byte {
	if math.IsInf(v, 0) || math.IsNaN(v) {
		return append(b, "null"...)
	}
	return strconv.AppendFloat(b, v, 'g', -1, 64)
}

func appendString(b []byte, s string) []byte {
	q, _ := json.Marshal(s)
	return append(b, q...)
}

// command is the descent trace command that prints the same numbers.
func command(t traceReq) string {
	parts := []string{"descent", "trace", "--func", shellQuote(t.funcSpec),
		"--start", shellQuote(strconv.FormatFloat(t.start.X, 'g', -1, 64) + "," + strconv.FormatFloat(t.start.Y, 'g', -1, 64)),
		"--steps", strconv.Itoa(t.steps)}
	for _, o := range t.opts {
		parts = append(parts, "--opt", shellQuote(o))
	}
	return strings.Join(parts, " ")
}

// shellQuote quotes s for a POSIX shell when it holds anything but
// characters that are safe unquoted.
func shellQuote(s string) string {
	safe := s != ""
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("_-.,:=+/", r)) {
			safe = false
		}
	}
	if safe {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func (s *Server) field(w http.ResponseWriter, r *http.Request) {
	q, err := parseQuery(r.URL.RawQuery, "field")
	var f testfunc.Function
	if err == nil {
		if f, err = testfunc.Lookup(q.Get("func")); err != nil {
			err = fmt.Errorf("func: %v", err)
		}
	}
	var win testfunc.Window
	if err == nil {
		win, err = windowOf(q, f)
	}
	size := [2]int{}
	for i, key := range []string{"w", "h"} {
		if err != nil {
			break
		}
		n, e := strconv.Atoi(q.Get(key))
		if e != nil || n < 1 || n > maxFieldSide {
			err = fmt.Errorf("%s=%s: want an integer in [1, %d]", key, oneLine(q.Get(key)), maxFieldSide)
		}
		size[i] = n
	}
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	img, err := viz.Field(f, win, size[0], size[1])
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&buf, img); err != nil {
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "max-age=3600")
	w.Write(buf.Bytes())
}

// windowOf reads xlim and ylim, each defaulting to f's window.
func windowOf(q url.Values, f testfunc.Function) (testfunc.Window, error) {
	win := f.Window()
	for _, l := range []struct {
		key    string
		lo, hi *float64
	}{{"xlim", &win.XMin, &win.XMax}, {"ylim", &win.YMin, &win.YMax}} {
		v := q.Get(l.key)
		if v == "" {
			continue
		}
		var err error
		if *l.lo, *l.hi, err = parseLimits(l.key, v); err != nil {
			return f.Window(), err
		}
	}
	return win, nil
}

// parseLimits reads a window side, key=A,B: finite A < B, and a span the
// pictures can draw (viz.CheckRange, the rule of descent trace's --xlim).
func parseLimits(key, v string) (lo, hi float64, err error) {
	p, err := lab.ParsePoint(v)
	if err != nil || !(p.X < p.Y) {
		return 0, 0, fmt.Errorf("%s=%s: want A,B with finite A < B", key, oneLine(v))
	}
	if err := viz.CheckRange(p.X, p.Y); err != nil {
		return 0, 0, fmt.Errorf("%s=%s: %v", key, oneLine(v), err)
	}
	return p.X, p.Y, nil
}

func (s *Server) explain(w http.ResponseWriter, r *http.Request) {
	q, err := parseQuery(r.URL.RawQuery, "explain")
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	lang := q.Get("lang")
	if lang == "" {
		lang = "en"
	}
	e, err := explain.Explain(q.Get("method"), lang)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, e)
}

func (s *Server) download(w http.ResponseWriter, r *http.Request) {
	q, err := parseQuery(r.URL.RawQuery, "download")
	var t traceReq
	if err == nil {
		t, err = parseTrace(q)
	}
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	format := q.Get("format")
	var ctype string
	switch format {
	case "csv":
		ctype = "text/csv; charset=utf-8"
	case "png":
		ctype = "image/png"
	case "gif":
		ctype = "image/gif"
	default:
		writeError(w, http.StatusBadRequest, fmt.Sprintf("format=%s: want csv, png or gif", oneLine(format)))
		return
	}
	trs, err := t.run()
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	paths := make([]viz.Path, len(trs))
	for i, tr := range trs {
		paths[i] = viz.Path{Label: tr.Label(), Points: tr.Points, Loss: tr.Loss}
	}
	o := viz.Options{XLim: t.xlim, YLim: t.ylim}
	var buf bytes.Buffer
	switch format {
	case "csv":
		err = lab.WriteCSV(&buf, trs)
	case "png":
		err = viz.Contour(&buf, "png", t.f, paths, o)
	case "gif":
		err = viz.Animate(&buf, t.f, paths, o)
	}
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", `attachment; filename="descent-trace.`+format+`"`)
	io.Copy(w, &buf)
}
