package playground

import (
	"bytes"
	"encoding/binary"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/descentlab/descent/lab"
	"github.com/descentlab/descent/optim"
	"github.com/descentlab/descent/testfunc"
)

func newTestServer(t testing.TB) (*Server, *httptest.Server) {
	t.Helper()
	s, err := New(Config{RunDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	return s, ts
}

func get(t testing.TB, ts *httptest.Server, path string) (int, []byte, http.Header) {
	t.Helper()
	res, err := http.Get(ts.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, b, res.Header
}

type traceAnswer struct {
	Func  string     `json:"func"`
	Start [2]float64 `json:"start"`
	Steps int        `json:"steps"`
	Paths []struct {
		Opt       string       `json:"opt"`
		Points    [][3]float64 `json:"points"`
		Diverged  int          `json:"diverged"`
		FinalLoss float64      `json:"final_loss"`
		Distance  *float64     `json:"distance"`
	} `json:"paths"`
	Command string `json:"command"`
}

// csvOf is what descent trace prints for these arguments: it runs lab.Run
// on each spec and writes lab.WriteCSV, as cmd/descent/trace.go does.
func csvOf(t testing.TB, fn string, start *testfunc.Point, steps int, opts []string) [][]string {
	t.Helper()
	f, err := testfunc.Lookup(fn)
	if err != nil {
		t.Fatal(err)
	}
	p := f.Start()
	if start != nil {
		p = *start
	}
	trs := make([]lab.Trajectory, len(opts))
	for i, o := range opts {
		if trs[i], err = lab.Run(f, p, steps, o); err != nil {
			t.Fatal(err)
		}
	}
	var b bytes.Buffer
	if err := lab.WriteCSV(&b, trs); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows[1:]
}

func traceQuery(fn, start string, steps int, opts []string) string {
	q := url.Values{"func": {fn}, "steps": {strconv.Itoa(steps)}, "opt": opts}
	if start != "" {
		q.Set("start", start)
	}
	return "/api/trace?" + q.Encode()
}

// TestTraceEqualsDescentTrace checks that /api/trace returns, bit for bit,
// the numbers descent trace writes as CSV for the same arguments, for
// first- and second-order methods, a diverging path, and a function with
// an option.
func TestTraceEqualsDescentTrace(t *testing.T) {
	_, ts := newTestServer(t)
	for _, c := range []struct {
		fn    string
		start *testfunc.Point
		steps int
		opts  []string
	}{
		{"rosenbrock", nil, 300, []string{"sgd:lr=0.001", "momentum:lr=0.001", "adam:lr=0.05", "adam:lr=0.05,variant=note", "newton", "gonum_lbfgs:history=3", "lbfgs"}},
		{"quadratic:cond=100", &testfunc.Point{X: 0.3, Y: -1.7}, 200, []string{"rmsprop:lr=0.01", "nadam:lr=0.1", "adadelta:lr=1", "lion:lr=0.01"}},
		{"beale", nil, 100, []string{"sgd:lr=1"}}, // diverges
		{"himmelblau", &testfunc.Point{X: 0, Y: 0}, 0, []string{"gd:lr=0.01"}},
	} {
		start := ""
		if c.start != nil {
			start = fmt.Sprintf("%v,%v", c.start.X, c.start.Y)
		}
		code, body, _ := get(t, ts, traceQuery(c.fn, start, c.steps, c.opts))
		if code != http.StatusOK {
			t.Fatalf("%s: status %d: %s", c.fn, code, body)
		}
		var a traceAnswer
		if err := json.Unmarshal(body, &a); err != nil {
			t.Fatal(err)
		}
		if a.Func != c.fn || len(a.Paths) != len(c.opts) || a.Steps != c.steps {
			t.Fatalf("%s: answer %s %d paths %d steps", c.fn, a.Func, len(a.Paths), a.Steps)
		}
		want := csvOf(t, c.fn, c.start, c.steps, c.opts)
		k := 0
		for i, p := range a.Paths {
			if p.Opt != c.opts[i] {
				t.Errorf("path %d is %q, want %q", i, p.Opt, c.opts[i])
			}
			for step, pt := range p.Points {
				row := want[k]
				k++
				if row[0] != p.Opt || row[1] != strconv.Itoa(step) {
					t.Fatalf("%s: row %v, answer has %s step %d", c.fn, row, p.Opt, step)
				}
				for j := range 3 {
					v, _ := strconv.ParseFloat(row[2+j], 64)
					if math.Float64bits(v) != math.Float64bits(pt[j]) {
						t.Fatalf("%s %s step %d column %d: API %v, descent trace %v", c.fn, p.Opt, step, j, pt[j], v)
					}
				}
			}
			last := p.Points[len(p.Points)-1]
			if p.FinalLoss != last[2] {
				t.Errorf("%s: final_loss %v, last point's loss %v", p.Opt, p.FinalLoss, last[2])
			}
		}
		if k != len(want) {
			t.Errorf("%s: the API has %d points, descent trace %d rows", c.fn, k, len(want))
		}
		if !strings.HasPrefix(a.Command, "descent trace --func "+c.fn) {
			t.Errorf("command %q", a.Command)
		}
	}
}

// TestTraceDivergedAndDistance checks the fields the page shows in its
// table: where a path diverged, and its distance to the nearest minimum.
func TestTraceDivergedAndDistance(t *testing.T) {
	_, ts := newTestServer(t)
	_, body, _ := get(t, ts, traceQuery("beale", "", 100, []string{"sgd:lr=1", "adam:lr=0.01"}))
	var a traceAnswer
	if err := json.Unmarshal(body, &a); err != nil {
		t.Fatal(err)
	}
	f, _ := testfunc.Lookup("beale")
	tr, _ := lab.Run(f, f.Start(), 100, "sgd:lr=1")
	if tr.Diverged == 0 || a.Paths[0].Diverged != tr.Diverged || len(a.Paths[0].Points) != tr.Diverged {
		t.Errorf("diverged = %d with %d points; lab says %d", a.Paths[0].Diverged, len(a.Paths[0].Points), tr.Diverged)
	}
	last := a.Paths[1].Points[100]
	m := f.Minima()[0]
	if d := math.Hypot(last[0]-m.X, last[1]-m.Y); a.Paths[1].Distance == nil || *a.Paths[1].Distance != d {
		t.Errorf("distance %v, want %v", a.Paths[1].Distance, d)
	}
	_, body, _ = get(t, ts, traceQuery("saddle", "", 5, []string{"sgd"}))
	if !bytes.Contains(body, []byte(`"distance":null`)) {
		t.Errorf("saddle has no minimum, but distance is not null: %s", body)
	}
}

// TestTraceBinaryEqualsJSON checks that /api/trace.bin, which the page
// reads, holds exactly /api/trace's answer: the same fields and the same
// float64 bits of every point, for diverging paths, a function without a
// minimum, zero steps and the largest answers; and that its bad input is
// answered as /api/trace's.
func TestTraceBinaryEqualsJSON(t *testing.T) {
	_, ts := newTestServer(t)
	eight := []string{"sgd:lr=0.001", "momentum:lr=0.001", "adagrad:lr=0.1", "rmsprop:lr=0.01", "adam:lr=0.05", "adam:lr=0.05,variant=note", "newton", "lbfgs"}
	for _, q := range []string{
		traceQuery("rosenbrock", "", 500, eight[:5]),
		traceQuery("beale", "", 100, []string{"sgd:lr=1", "adam:lr=0.01"}),
		traceQuery("saddle", "0.5,0.25", 30, []string{"sgd"}),
		traceQuery("quadratic:cond=100", "", 0, []string{"adam"}),
		traceQuery("himmelblau", "-1e-300,7", MaxSteps, eight),
	} {
		_, js, _ := get(t, ts, q)
		code, bin, h := get(t, ts, strings.Replace(q, "/api/trace?", "/api/trace.bin?", 1))
		if code != 200 || h.Get("Content-Type") != "application/octet-stream" || h.Get("Content-Length") != strconv.Itoa(len(bin)) {
			t.Fatalf("%s: %d %v", q, code, h)
		}
		var want, got traceAnswer
		if err := json.Unmarshal(js, &want); err != nil {
			t.Fatal(err)
		}
		if err := decodeTraceBinary(bin, &got); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: the binary answer differs from the JSON one", q)
		}
		if 2*len(bin) > len(js)+1024 {
			t.Errorf("%s: binary %d bytes, JSON %d: want about half", q, len(bin), len(js))
		}
	}
	code, body, _ := get(t, ts, "/api/trace.bin?func=booth&opt=adam:lr=-1")
	if code != 400 || !strings.Contains(string(body), `"error":"opt adam:lr=-1`) {
		t.Errorf("bad input: %d %s", code, body)
	}
}

// decodeTraceBinary reads /api/trace.bin as the page does (readTrace in
// app.js) into a.
func decodeTraceBinary(b []byte, a *traceAnswer) error {
	if len(b) < 4 {
		return fmt.Errorf("%d bytes", len(b))
	}
	n := int(binary.LittleEndian.Uint32(b))
	if (4+n)%8 != 0 || 4+n > len(b) {
		return fmt.Errorf("header of %d bytes in %d", n, len(b))
	}
	var meta struct {
		traceAnswer
		Paths []struct {
			N int `json:"n"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(b[4:4+n], &meta); err != nil {
		return err
	}
	if err := json.Unmarshal(b[4:4+n], a); err != nil {
		return err
	}
	off := 4 + n
	for i, p := range meta.Paths {
		if a.Paths[i].Points != nil || off+24*p.N > len(b) {
			return fmt.Errorf("path %d: %d points at byte %d of %d", i, p.N, off, len(b))
		}
		a.Paths[i].Points = make([][3]float64, p.N)
		for k := range p.N {
			for j := range 3 {
				a.Paths[i].Points[k][j] = math.Float64frombits(binary.LittleEndian.Uint64(b[off:]))
				off += 8
			}
		}
	}
	if off != len(b) {
		return fmt.Errorf("%d bytes left over", len(b)-off)
	}
	return nil
}

// TestBadInput sends every class of bad input to every endpoint: each
// answer is 400 (413 for a body too large) with one line of JSON error
// that names the problem.
func TestBadInput(t *testing.T) {
	_, ts := newTestServer(t)
	nine := strings.Repeat("&opt=sgd", 9)
	for _, c := range []struct{ path, want string }{
		{"/api/trace?steps=10&opt=sgd", "func is required"},
		{"/api/trace?func=nope&opt=sgd", "unknown function"},
		{"/api/trace?func=quadratic:cond=0.5&opt=sgd", "cond"},
		{"/api/trace?func=quadratic:cond=1e20&opt=sgd", "too large"},
		{"/api/trace?func=booth&start=1&opt=sgd", "start"},
		{"/api/trace?func=booth&start=a,b&opt=sgd", "start"},
		{"/api/trace?func=booth&start=NaN,1&opt=sgd", "start"},
		{"/api/trace?func=booth&start=1,Inf&opt=sgd", "start"},
		{"/api/trace?func=booth&start=1e309,1&opt=sgd", "start"},
		{"/api/trace?func=booth&steps=-1&opt=sgd", "steps=-1"},
		{"/api/trace?func=booth&steps=10001&opt=sgd", "steps=10001"},
		{"/api/trace?func=booth&steps=1.5&opt=sgd", "steps=1.5"},
		{"/api/trace?func=booth&steps=10", "opt=SPEC is required"},
		{"/api/trace?func=booth" + nine, "at most 8"},
		{"/api/trace?func=booth&opt=nope", "unknown optimizer"},
		{"/api/trace?func=booth&opt=adam:foo=1", "unknown option"},
		{"/api/trace?func=booth&opt=adam:lr=-1", "lr=-1"},
		{"/api/trace?func=booth&opt=adam:lr=NaN", "lr"},
		{"/api/trace?func=booth&opt=adam:beta1=1", "beta1"},
		{"/api/trace?func=booth&opt=adam:amsgrad=yes", "amsgrad"},
		{"/api/trace?func=booth&opt=sgd:nesterov=true", "nesterov"},
		{"/api/trace?func=booth&opt=newton:increase=1", "increase"},
		{"/api/trace?func=booth&opt=gonum_lbfgs:history=0", "history"},
		{"/api/trace?func=booth&opt=sgd&bogus=1", "unknown parameter"},
		{"/api/trace?func=booth&func=beale&opt=sgd", "given 2 times"},
		{"/api/trace?func=booth&opt=" + url.QueryEscape("sgd:lr=1\nx"), "opt"},
		{"/api/field?func=booth&w=0&h=10", "w=0"},
		{"/api/field?func=booth&w=10&h=5000", "h=5000"},
		{"/api/field?func=booth&w=10", "h="},
		{"/api/field?func=booth&w=10&h=10&xlim=1,0", "xlim"},
		{"/api/field?func=booth&w=10&h=10&ylim=0,NaN", "ylim"},
		// descent trace's rule for a window (viz.CheckRange), on every endpoint.
		{"/api/field?func=booth&w=10&h=10&xlim=0,1e-300", "narrower than float64 resolves"},
		{"/api/field?func=booth&w=10&h=10&xlim=1,1.0000000000000002", "narrower than float64 resolves"},
		{"/api/field?func=booth&w=10&h=10&ylim=-1e308,1e308", "wider than float64's finite range"},
		{"/api/download?func=booth&opt=sgd&format=png&xlim=0,1e-300", "narrower than float64 resolves"},
		{"/api/download?func=booth&opt=sgd&format=csv&ylim=-1e308,1e308", "wider than float64's finite range"},
		{"/api/field?func=nope&w=10&h=10", "unknown function"},
		{"/api/explain?method=nope", "unknown method"},
		{"/api/explain?method=adam&lang=fr", "unknown language"},
		{"/api/explain?method=adam&x=1", "unknown parameter"},
		{"/api/download?func=booth&opt=sgd&format=bmp", "format=bmp"},
		{"/api/download?func=booth&opt=sgd", "format="},
		{"/api/download?func=booth&opt=sgd&format=png&xlim=2,1", "xlim"},
		// A bad %-escape is refused, not dropped (a dropped steps=… would
		// answer 100 steps to a query that asked for something else).
		{"/api/trace?func=booth&opt=sgd&steps=%zz", "bad query string"},
		{"/api/trace.bin?func=booth&opt=sgd&steps=%zz", "bad query string"},
		{"/api/field?func=booth&w=10&h=10&xlim=%zz", "bad query string"},
		{"/api/explain?method=adam&lang=%zz", "bad query string"},
		{"/api/download?func=booth&opt=sgd&format=%zz", "bad query string"},
	} {
		code, body, h := get(t, ts, c.path)
		checkError(t, c.path, code, http.StatusBadRequest, body, h, c.want)
	}
	big := `{"opts": ["` + strings.Repeat("a", MaxBody) + `"]}`
	for _, c := range []struct {
		body string
		code int
		want string
	}{
		{`not json`, 400, "body"},
		{`{"opts": ["sgd"], "nope": 1}`, 400, "unknown field"},
		{`{"opts": ["sgd"]} {}`, 400, "one JSON object"},
		{`{"opts": []}`, 400, "at least one"},
		{`{"opts": ["a","b","c","d","e","f","g","h","i"]}`, 400, "at most 8"},
		{`{"opts": ["nope"]}`, 400, "unknown optimizer"},
		{`{"opts": ["newton"]}`, 400, "unknown optimizer"},
		{`{"opts": ["sgd"], "epochs": -1}`, 400, "epochs=-1"},
		{`{"opts": ["sgd"], "epochs": 51}`, 400, "epochs=51"},
		{`{"opts": ["sgd"], "subset": 70000}`, 400, "subset=70000"},
		{`{"opts": ["sgd"], "batch": "0"}`, 400, "batch"},
		{`{"opts": ["sgd"], "batch": "500", "subset": 100}`, 400, "larger than the subset"},
		{`{"opts": ["sgd"], "model": "cnn"}`, 400, "model"},
		{`{"opts": ["sgd"], "model": "mlp:784-100-11"}`, 400, "11 outputs"},
		{`{"opts": ["sgd"], "model": "mlp:100-10"}`, 400, "100 inputs"},
		{`{"opts": ["sgd"], "model": "mlp:784-1048576-10"}`, 400, "at most 8388608 parameters"},
		// 8,388,055 parameters without batch norm, 8,409,157 with its γ and β.
		{`{"opts": ["sgd"], "model": "mlp:784-10551-10,bn"}`, 400, "8409157 parameters"},
		{big, 413, "over"},
	} {
		res, err := http.Post(ts.URL+"/api/train", "application/json", strings.NewReader(c.body))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		checkError(t, "POST /api/train "+c.body[:min(len(c.body), 40)], res.StatusCode, c.code, b, res.Header, c.want)
	}
	code, body, h := get(t, ts, "/nope")
	checkError(t, "/nope", code, http.StatusNotFound, body, h, "no such page")
	res, _ := http.Post(ts.URL+"/api/trace?func=booth&opt=sgd", "text/plain", nil)
	if res.StatusCode != http.StatusNotFound && res.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST /api/trace: status %d", res.StatusCode)
	}
	res.Body.Close()
}

func checkError(t *testing.T, what string, code, wantCode int, body []byte, h http.Header, want string) {
	t.Helper()
	if code != wantCode {
		t.Errorf("%s: status %d, want %d (%s)", what, code, wantCode, body)
		return
	}
	if ct := h.Get("Content-Type"); ct != "application/json" {
		t.Errorf("%s: Content-Type %q", what, ct)
	}
	var e map[string]string
	if err := json.Unmarshal(body, &e); err != nil || len(e) != 1 || e["error"] == "" {
		t.Errorf("%s: body %s is not {\"error\": ...}", what, body)
		return
	}
	if strings.ContainsAny(e["error"], "\n\r") {
		t.Errorf("%s: error is not one line: %q", what, e["error"])
	}
	if !strings.Contains(e["error"], want) {
		t.Errorf("%s: error %q does not say %q", what, e["error"], want)
	}
}

// TestTooManyRequests fills every slot of the trace limiter and checks that
// the next request is refused with 429, and accepted once a slot is free.
func TestTooManyRequests(t *testing.T) {
	s, ts := newTestServer(t)
	for range maxInFlight {
		s.traces <- struct{}{}
	}
	code, body, h := get(t, ts, traceQuery("booth", "", 5, []string{"sgd"}))
	checkError(t, "full limiter", code, http.StatusTooManyRequests, body, h, "too many")
	<-s.traces
	if code, body, _ := get(t, ts, traceQuery("booth", "", 5, []string{"sgd"})); code != http.StatusOK {
		t.Errorf("after a slot freed: %d %s", code, body)
	}
	for range maxRenders {
		s.renders <- struct{}{}
	}
	code, body, h = get(t, ts, "/api/download?func=booth&opt=sgd&format=png")
	checkError(t, "full renderer", code, http.StatusTooManyRequests, body, h, "too many")
}

// TestConcurrentTraces runs 50 clients at once, each with its own learning
// rate, and checks every answer against the engine run alone (run it with
// -race).
func TestConcurrentTraces(t *testing.T) {
	_, ts := newTestServer(t)
	const clients = 50
	f, _ := testfunc.Lookup("rosenbrock")
	var wg sync.WaitGroup
	errs := make(chan error, clients)
	for i := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			spec := fmt.Sprintf("adam:lr=%g", 0.001*float64(i+1))
			q := traceQuery("rosenbrock", "", 500, []string{spec, "momentum:lr=0.0005"})
			if i%2 == 1 { // half the clients ask for the page's binary form
				q = strings.Replace(q, "/api/trace?", "/api/trace.bin?", 1)
			}
			res, err := http.Get(ts.URL + q)
			if err != nil {
				errs <- err
				return
			}
			defer res.Body.Close()
			b, err := io.ReadAll(res.Body)
			var a traceAnswer
			if err == nil && i%2 == 1 {
				err = decodeTraceBinary(b, &a)
			} else if err == nil {
				err = json.Unmarshal(b, &a)
			}
			if err != nil {
				errs <- fmt.Errorf("client %d: %v", i, err)
				return
			}
			want, _ := lab.Run(f, f.Start(), 500, spec)
			if a.Paths[0].Opt != spec || len(a.Paths[0].Points) != len(want.Points) {
				errs <- fmt.Errorf("client %d: got %s with %d points", i, a.Paths[0].Opt, len(a.Paths[0].Points))
				return
			}
			for k, p := range want.Points {
				if got := a.Paths[0].Points[k]; got[0] != p.X || got[1] != p.Y || got[2] != want.Loss[k] {
					errs <- fmt.Errorf("client %d step %d: %v, want %v %v", i, k, got, p, want.Loss[k])
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// TestSchemasEndpoints checks /api/functions against testfunc and
// /api/optimizers against optim.Schema, and that the second-order
// comparators' published defaults and bounds are what lab accepts.
func TestSchemasEndpoints(t *testing.T) {
	_, ts := newTestServer(t)
	_, body, _ := get(t, ts, "/api/functions")
	var fs []function
	if err := json.Unmarshal(body, &fs); err != nil {
		t.Fatal(err)
	}
	if len(fs) != len(testfunc.Names()) {
		t.Fatalf("%d functions, testfunc has %d", len(fs), len(testfunc.Names()))
	}
	for i, name := range testfunc.Names() {
		f, _ := testfunc.Lookup(name)
		if fs[i].Name != name || fs[i].Formula != f.Formula() || fs[i].Start != [2]float64{f.Start().X, f.Start().Y} || len(fs[i].Minima) != len(f.Minima()) {
			t.Errorf("function %d = %+v, testfunc says %s", i, fs[i], name)
		}
	}
	_, body, _ = get(t, ts, "/api/optimizers")
	var os_ struct {
		Methods     []optim.MethodSchema `json:"methods"`
		SecondOrder []optim.MethodSchema `json:"second_order"`
		Colors      []string             `json:"colors"`
	}
	if err := json.Unmarshal(body, &os_); err != nil {
		t.Fatal(err)
	}
	want, _ := json.Marshal(optim.Schema())
	got, _ := json.Marshal(os_.Methods)
	if !bytes.Equal(got, want) {
		t.Errorf("methods differ from optim.Schema:\n%s\n%s", got, want)
	}
	for _, m := range os_.SecondOrder {
		for _, p := range m.Params {
			if err := lab.Check(m.Method + ":" + p.Key + "=" + p.Default); err != nil {
				t.Errorf("%s: default refused: %v", m.Method, err)
			}
			if (lab.Check(fmt.Sprintf("%s:%s=%g", m.Method, p.Key, *p.Min)) == nil) == p.MinOpen {
				t.Errorf("%s: %s=%g: min_open=%v disagrees with lab", m.Method, p.Key, *p.Min, p.MinOpen)
			}
			if p.Max != nil {
				if lab.Check(fmt.Sprintf("%s:%s=%g", m.Method, p.Key, *p.Max)) != nil || lab.Check(fmt.Sprintf("%s:%s=%g", m.Method, p.Key, *p.Max+1)) == nil {
					t.Errorf("%s: max %g disagrees with lab", m.Method, *p.Max)
				}
			}
		}
	}
	if len(os_.SecondOrder) != len(lab.SecondOrder()) || len(os_.Colors) != 10 {
		t.Errorf("second order %d, colors %d", len(os_.SecondOrder), len(os_.Colors))
	}
}

// TestExplainAndPages checks the explanation endpoint and the embedded
// pages and assets.
func TestExplainAndPages(t *testing.T) {
	_, ts := newTestServer(t)
	code, body, _ := get(t, ts, "/api/explain?method=adam&lang=ja")
	var e struct {
		Headings map[string]string `json:"headings"`
		Formula  []struct{ HTML string }
	}
	if err := json.Unmarshal(body, &e); code != 200 || err != nil || e.Headings["formula"] != "更新式" || !strings.Contains(e.Formula[0].HTML, "<math>") {
		t.Errorf("explain: %d %.200s", code, body)
	}
	for _, p := range []struct{ path, ctype, has string }{
		{"/", "text/html", "/static/app.js"},
		{"/mnist", "text/html", "/static/mnist.js"},
		{"/static/app.js", "javascript", "/api/trace"},
		{"/static/style.css", "text/css", "#mapwrap"},
	} {
		code, body, h := get(t, ts, p.path)
		if code != 200 || !strings.Contains(h.Get("Content-Type"), p.ctype) || !bytes.Contains(body, []byte(p.has)) {
			t.Errorf("%s: %d %s", p.path, code, h.Get("Content-Type"))
		}
	}
	code, body, h := get(t, ts, "/api/field?func=rosenbrock&w=64&h=48")
	if code != 200 || h.Get("Content-Type") != "image/png" || !bytes.HasPrefix(body, []byte("\x89PNG")) {
		t.Errorf("field: %d %s", code, h.Get("Content-Type"))
	}
}

// TestDownloads checks that the CSV download is descent trace's CSV and
// the PNG and GIF are pictures.
func TestDownloads(t *testing.T) {
	_, ts := newTestServer(t)
	opts := []string{"adam:lr=0.05", "sgd:lr=0.001"}
	q := url.Values{"func": {"rosenbrock"}, "steps": {"50"}, "opt": opts}
	code, body, h := get(t, ts, "/api/download?format=csv&"+q.Encode())
	if code != 200 || !strings.Contains(h.Get("Content-Disposition"), "descent-trace.csv") {
		t.Fatalf("csv: %d %s", code, h)
	}
	f, _ := testfunc.Lookup("rosenbrock")
	var want bytes.Buffer
	var trs []lab.Trajectory
	for _, o := range opts {
		tr, _ := lab.Run(f, f.Start(), 50, o)
		trs = append(trs, tr)
	}
	lab.WriteCSV(&want, trs)
	if !bytes.Equal(body, want.Bytes()) {
		t.Errorf("the CSV download differs from descent trace's CSV")
	}
	for format, magic := range map[string]string{"png": "\x89PNG", "gif": "GIF89a"} {
		code, body, _ := get(t, ts, "/api/download?format="+format+"&xlim=-2,2&ylim=-1,3&"+q.Encode())
		if code != 200 || !bytes.HasPrefix(body, []byte(magic)) {
			t.Errorf("%s: %d %.60s", format, code, body)
		}
	}
}

// TestNoPathTraversal checks that nothing outside the run folder and the
// embedded assets is served: dot-dot paths, encoded ones, hidden files and
// a symbolic link inside the run folder that points out of it.
func TestNoPathTraversal(t *testing.T) {
	dir := t.TempDir()
	runs := filepath.Join(dir, "runs")
	os.MkdirAll(filepath.Join(runs, "cmp-1"), 0o755)
	os.WriteFile(filepath.Join(runs, "cmp-1", "report.html"), []byte("report"), 0o644)
	os.WriteFile(filepath.Join(dir, "secret.txt"), []byte("TOP-SECRET-CONTENT"), 0o644)
	os.WriteFile(filepath.Join(runs, ".hidden"), []byte("TOP-SECRET-CONTENT"), 0o644)
	os.Symlink(filepath.Join(dir, "secret.txt"), filepath.Join(runs, "link.txt"))
	s, err := New(Config{RunDir: runs})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s)
	defer ts.Close()
	if code, body, _ := get(t, ts, "/runs/cmp-1/report.html"); code != 200 || string(body) != "report" {
		t.Fatalf("a run file: %d %s", code, body)
	}
	for _, p := range []string{"/runs/../secret.txt", "/runs/%2e%2e/secret.txt", "/runs/..%2fsecret.txt", "/runs/link.txt",
		"/runs/.hidden", "/static/../api.go", "/static/%2e%2e/api.go", "/runs/cmp-1/../../secret.txt"} {
		req, _ := http.NewRequest("GET", ts.URL+p, nil)
		req.URL.Opaque = p // send the path as written, unnormalised
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if bytes.Contains(b, []byte("TOP-SECRET")) || bytes.Contains(b, []byte("package playground")) {
			t.Errorf("%s: served %d %q", p, res.StatusCode, b)
		}
		if res.StatusCode != 404 && res.StatusCode != 400 || !json.Valid(b) || !bytes.HasPrefix(b, []byte(`{"error":`)) {
			t.Errorf("%s: %d %q: want 404 or 400 with the error shape", p, res.StatusCode, b)
		}
	}
}
