package playground

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// browserPath finds a Chromium or Chrome. The test is skipped when there is
// none, unless DESCENT_E2E=require (set by .ci/run, which installs Debian's
// chromium), so it cannot be skipped silently in CI.
func browserPath(t *testing.T) string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "headless-shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("DESCENT_E2E") == "require" {
		t.Fatal("DESCENT_E2E=require but no chromium on PATH (apt-get install chromium)")
	}
	t.Skip("no chromium on PATH: the browser test needs it (apt-get install chromium); .ci/run installs it")
	return ""
}

func newBrowser(t *testing.T, width, height int) (context.Context, context.CancelFunc) {
	opts := append(slices.Clone(chromedp.DefaultExecAllocatorOptions[:]),
		chromedp.ExecPath(browserPath(t)),
		chromedp.NoSandbox, // CI runs as root
		chromedp.DisableGPU,
		chromedp.WindowSize(width, height),
		chromedp.Flag("force-device-scale-factor", "1"),
	)
	actx, acancel := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	ctx, tcancel := context.WithTimeout(ctx, 3*time.Minute)
	return ctx, func() { tcancel(); cancel(); acancel() }
}

type redraw struct {
	Seq   int     `json:"seq"`
	MS    float64 `json:"ms"`    // from the input to the painted frame that shows the answer
	Fetch float64 `json:"fetch"` // from the input to the answer's arrival
	Draw  float64 `json:"draw"`  // from the answer's arrival to the drawing's end
	Paint float64 `json:"paint"` // from the drawing's end to the painted frame
	Via   string  `json:"via"`   // how the answer came: "ws" (the trace socket) or "http"
}

// pageState is what the test reads back from the page after a click.
type pageState struct {
	Query  string     `json:"query"`
	Data   string     `json:"data"`
	Win    [4]float64 `json:"win"`
	Colors []string   `json:"colors"`
	T      int        `json:"t"`
	PNG    string     `json:"png"`
}

// readState reads the page's state back.
var readState = chromedp.Evaluate[pageState](`(() => { const w = win(); return {query: window.__lastQuery, data: asJSON(data),
	win: [w.xmin, w.xmax, w.ymin, w.ymax], colors: S.rows.map((r) => r.color), t: S.t,
	png: document.querySelector('#paths').toDataURL('image/png')}; })()`)

// readPage reads the page's state back, with the answer it drew.
func readPage(ctx context.Context, t *testing.T) (pageState, traceAnswer) {
	t.Helper()
	st, err := chromedp.Run(ctx, readState)
	if err != nil {
		t.Fatal(err)
	}
	var a traceAnswer
	if err := json.Unmarshal([]byte(st.Data), &a); err != nil {
		t.Fatal(err)
	}
	return st, a
}

// redraws is how many slider changes the browser test times.
const redraws = 20

// redrawSeq is the number of the last drawn answer.
const redrawSeq = `window.__redraw ? window.__redraw.seq : 0`

// moveLRSlider sets the first row's learning-rate slider to v, as a drag
// does, and returns the page's measure of the redraw it causes. One
// evaluation sets the slider and waits for the page's "redrawn" event, so
// the test adds no polling to the page's work.
func moveLRSlider(ctx context.Context, v int) (redraw, error) {
	return chromedp.Run(ctx, chromedp.Evaluate[redraw](fmt.Sprintf(`new Promise((resolve) => {
		addEventListener('redrawn', () => resolve(window.__redraw), {once: true});
		const r = document.querySelector('#rows .row input[type=range][data-key=lr]');
		r.value = %d; r.dispatchEvent(new Event('input', {bubbles: true})); })`, v), chromedp.EvalAwaitPromise))
}

// waitRedraw waits until an answer newer than seq is drawn and returns the
// page's own measure of the time from the input to the finished redraw.
func waitRedraw(ctx context.Context, seq int) (ms float64, err error) {
	var r redraw
	if err = chromedp.Do(ctx, chromedp.Poll[chromedp.Void](fmt.Sprintf("window.__redraw && window.__redraw.seq > %d", seq))); err != nil {
		return 0, err
	}
	r, err = chromedp.Run(ctx, chromedp.Evaluate[redraw](`window.__redraw`))
	return r.MS, err
}

// TestBrowser opens the page in a real browser, changes a learning rate,
// clicks the map, checks that the drawn path is the API's trajectory and
// that the Japanese toggle shows Japanese, and measures the redraw time
// (the target: a slider change to a finished redraw within 50 ms,
// 5 optimizers × 500 steps). With PLAYGROUND_SCREENSHOTS=DIR it also
// writes the README's screenshot and phone-size ones to DIR.
func TestBrowser(t *testing.T) {
	ctx, cancel := newBrowser(t, 1280, 1000)
	defer cancel()
	_, ts := newTestServer(t)

	// Distinct colours, so that each path's pixels can be told apart.
	page := ts.URL + "/?func=rosenbrock&steps=500&opt=sgd:lr=0.001&opt=momentum:lr=0.001&opt=adagrad:lr=0.1&opt=rmsprop:lr=0.01&opt=adam:lr=0.05" +
		"&color=e6194b&color=0030c0&color=ff8c00&color=d020d0&color=101010&lang=en"
	if err := chromedp.Do(ctx, chromedp.Navigate(page), chromedp.Poll[chromedp.Void](`window.__ready === true`)); err != nil {
		t.Fatal(err)
	}

	// Change the first row's learning rate with its slider, 20 times; the
	// page measures each change to its painted frame (see update and show
	// in app.js).
	var times []float64
	for k := range redraws {
		r, err := moveLRSlider(ctx, 380+8*k)
		if err != nil {
			t.Fatal(err)
		}
		if testing.Verbose() {
			fmt.Printf("redraw %.1f ms: ask (%s) %.1f ms, read and draw %.1f ms, to the painted frame %.1f ms\n", r.MS, r.Via, r.Fetch, r.Draw, r.Paint)
		}
		times = append(times, r.MS)
		if r.Via != "ws" {
			t.Errorf("redraw %d: the answer came by %q, want the trace socket (ws)", k, r.Via)
		}
	}
	slices.Sort(times)
	median := times[len(times)/2]
	load, cpus := loadPerCPU()
	t.Logf("slider change to painted redraw, 5 optimizers × 500 steps: median %.1f ms of %d, min %.1f, max %.1f (load average %.1f per CPU on %d CPUs)",
		median, len(times), times[0], times[len(times)-1], load, cpus)
	// The target is 50 ms, checked with DESCENT_E2E_TIMING=1 on a
	// quiet machine. Otherwise the bound is generous, because go test ./...
	// runs packages side by side and CI machines are shared, yet it still
	// catches a redraw that waits on a timer or redraws the contour map
	// (hundreds of ms).
	// On a machine loaded past 4 runnable tasks per CPU (a shared
	// developer machine) the median says more about the others' work than
	// about the page, and it is reported only.
	bound := 500.0
	if os.Getenv("DESCENT_E2E_TIMING") != "" {
		bound = 50
	} else if load > 4 {
		t.Logf("redraw time not checked: load average %.1f per CPU (over 4)", load)
		bound = math.Inf(1)
	}
	if median > bound {
		t.Errorf("redraw takes %.1f ms (median of %d), want ≤ %.0f ms", median, len(times), bound)
	}
	spec, err := chromedp.Run(ctx, chromedp.Evaluate[string](`specOf(S.rows[0])`))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(spec, "sgd:lr=") || spec == "sgd:lr=0.001" {
		t.Errorf("after the slider the first row is %q", spec)
	}

	// Click the map: the start moves there.
	rect, err := chromedp.Run(ctx, chromedp.Evaluate[struct{ X, Y, W, H float64 }](
		`(() => { const r = document.querySelector('#paths').getBoundingClientRect(); return {X: r.left, Y: r.top, W: r.width, H: r.height}; })()`))
	if err != nil {
		t.Fatal(err)
	}
	seq, err := chromedp.Run(ctx, chromedp.Evaluate[int](redrawSeq))
	if err != nil {
		t.Fatal(err)
	}
	cx, cy := math.Round(rect.W*0.3), math.Round(rect.H*0.55)
	if err := chromedp.Do(ctx, chromedp.MouseClickXY(rect.X+cx, rect.Y+cy)); err != nil {
		t.Fatal(err)
	}
	if _, err := waitRedraw(ctx, seq); err != nil {
		t.Fatal(err)
	}
	st, drawn := readPage(ctx, t)
	w := st.Win
	wantX := w[0] + cx/rect.W*(w[1]-w[0])
	wantY := w[3] - cy/rect.H*(w[3]-w[2])
	if math.Abs(drawn.Start[0]-wantX) > (w[1]-w[0])/rect.W || math.Abs(drawn.Start[1]-wantY) > (w[3]-w[2])/rect.H {
		t.Errorf("clicked at (%g, %g), the start is %v", wantX, wantY, drawn.Start)
	}

	// The page drew the API's answer for its state...
	code, body, _ := get(t, ts, "/api/trace?"+st.Query)
	var api traceAnswer
	if err := json.Unmarshal(body, &api); code != 200 || err != nil {
		t.Fatalf("API: %d %v", code, err)
	}
	if !reflect.DeepEqual(api, drawn) {
		t.Fatal("the page's trajectories differ from the API's")
	}
	// ...and the pixels of the paths lie on it: every point of the path
	// drawn last (on top) has its colour within 2 px, and every pixel of
	// that colour is within 3 px of its polyline.
	raw, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(st.PNG, "data:image/png;base64,"))
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	checkDrawnPath(t, img, api, w, st.Colors, st.T)

	// The whole state lives in the URL: the page opened afresh at its
	// address draws the same paths, window, colours and step.
	href, err := chromedp.Run(ctx, chromedp.Evaluate[string](`writeURL(), location.href`))
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(href), chromedp.Poll[chromedp.Void](`window.__ready === true`)); err != nil {
		t.Fatal(err)
	}
	again, reopened := readPage(ctx, t)
	if !reflect.DeepEqual(reopened, drawn) || again.Win != st.Win || !slices.Equal(again.Colors, st.Colors) || again.T != st.T || again.PNG != st.PNG {
		t.Errorf("the page reopened at %s differs from the one that wrote it", href)
	}

	// The Japanese toggle.
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#lang-ja`)), chromedp.Poll[chromedp.Void](`window.__explained === 'ja'`)); err != nil {
		t.Fatal(err)
	}
	text, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('#explain').innerText`))
	if err != nil {
		t.Fatal(err)
	}
	add, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('#add').textContent`))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"更新式", "学習ノートとの違い", "ハイパーパラメータ"} {
		if !strings.Contains(text, want) {
			t.Errorf("Japanese explanation lacks %q", want)
		}
	}
	if add != "+ オプティマイザを追加" {
		t.Errorf("the add button reads %q in Japanese", add)
	}
	mathCount, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('#explain math').length`))
	if err != nil || mathCount < 10 {
		t.Errorf("%d formulas rendered as MathML (%v)", mathCount, err)
	}

	if dir := os.Getenv("PLAYGROUND_SCREENSHOTS"); dir != "" {
		screenshots(t, ts.URL, dir)
	}
}

func checkDrawnPath(t *testing.T, img image.Image, a traceAnswer, w [4]float64, colors []string, upto int) {
	t.Helper()
	b := img.Bounds()
	W, H := float64(b.Dx()), float64(b.Dy())
	top := len(a.Paths) - 1
	var c color.RGBA
	fmt.Sscanf(colors[top], "#%02x%02x%02x", &c.R, &c.G, &c.B)
	c.A = 255
	toPx := func(p [3]float64) (float64, float64) {
		return (p[0] - w[0]) / (w[1] - w[0]) * W, (w[3] - p[1]) / (w[3] - w[2]) * H
	}
	pts := a.Paths[top].Points[:min(len(a.Paths[top].Points), upto+1)]
	is := func(x, y int) bool {
		r, g, bb, al := img.At(x, y).RGBA()
		return uint8(r>>8) == c.R && uint8(g>>8) == c.G && uint8(bb>>8) == c.B && uint8(al>>8) == 255
	}
	checked := 0
	for _, p := range pts {
		px, py := toPx(p)
		if px < 3 || py < 3 || px > W-3 || py > H-3 {
			continue
		}
		found := false
		for dy := -2; dy <= 2 && !found; dy++ {
			for dx := -2; dx <= 2 && !found; dx++ {
				found = is(int(px)+dx, int(py)+dy)
			}
		}
		if !found {
			t.Errorf("path %s: no pixel of its colour near step point (%g, %g) at pixel (%.0f, %.0f)", a.Paths[top].Opt, p[0], p[1], px, py)
			return
		}
		checked++
	}
	far := 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if !is(x, y) {
				continue
			}
			d := math.Inf(1)
			for k := range pts {
				ax, ay := toPx(pts[k])
				bx, by := ax, ay
				if k+1 < len(pts) {
					bx, by = toPx(pts[k+1])
				}
				d = math.Min(d, segDist(float64(x)+0.5, float64(y)+0.5, ax, ay, bx, by))
			}
			if d > 6 { // the start ring has radius 5
				far++
			}
		}
	}
	if checked < 10 || far > 0 {
		t.Errorf("path %s: %d points checked, %d pixels of its colour off its trajectory", a.Paths[top].Opt, checked, far)
	}
}

func segDist(px, py, ax, ay, bx, by float64) float64 {
	dx, dy := bx-ax, by-ay
	l := dx*dx + dy*dy
	u := 0.0
	if l > 0 {
		u = math.Max(0, math.Min(1, ((px-ax)*dx+(py-ay)*dy)/l))
	}
	return math.Hypot(px-ax-u*dx, py-ay-u*dy)
}

// screenshots writes the README's picture of the page and how it reads on
// a phone, in both languages, and the MNIST page after a small comparison.
func screenshots(t *testing.T, base, dir string) {
	os.MkdirAll(dir, 0o755)
	page := base + "/?func=rosenbrock&steps=300&opt=sgd:lr=0.001&opt=momentum:lr=0.001&opt=adam:lr=0.05&opt=adam:lr=0.05,variant=note"
	for _, v := range []struct {
		name          string
		width, height int
		lang          string
		full          bool
	}{
		{"playground.png", 1280, 860, "en", false},
		{"laptop-full-ja.png", 1366, 900, "ja", true},
		{"phone-en.png", 390, 844, "en", true},
		{"phone-ja.png", 390, 844, "ja", true},
	} {
		ctx, cancel := newBrowser(t, v.width, v.height)
		shot := chromedp.CaptureScreenshot()
		if v.full {
			shot = chromedp.FullScreenshot(100)
		}
		err := chromedp.Do(ctx, viewport(v.width, v.height), chromedp.Navigate(page+"&lang="+v.lang), chromedp.Poll[chromedp.Void](`window.__ready === true && window.__explained && window.__fieldDrawn === fieldKey`, chromedp.WithPollingTimeout(60*time.Second)),
			chromedp.Sleep(300*time.Millisecond))
		var buf []byte
		if err == nil {
			buf, err = chromedp.Run(ctx, shot)
		}
		cancel()
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, v.name), buf, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, v := range []struct {
		name          string
		width, height int
		lang, done    string
	}{{"mnist.png", 1280, 860, "en", "done"}, {"mnist-phone.png", 390, 844, "en", "done"}, {"mnist-ja.png", 1280, 860, "ja", "完了"}} {
		ctx, cancel := newBrowser(t, v.width, v.height)
		err := chromedp.Do(ctx, viewport(v.width, v.height), chromedp.Navigate(base+"/mnist?lang="+v.lang),
			chromedp.SetValue(chromedp.CSS(`#subset`), "1000"),
			chromedp.SetValue(chromedp.CSS(`#epochs`), "3"),
			chromedp.Click(chromedp.CSS(`#start`)),
			chromedp.Poll[chromedp.Void](`document.body.dataset.run && document.querySelector('#status').textContent === '`+v.done+`' || document.querySelector('#error').textContent !== ''`, chromedp.WithPollingTimeout(60*time.Second)),
			chromedp.Sleep(300*time.Millisecond))
		var buf []byte
		if err == nil {
			buf, err = chromedp.Run(ctx, chromedp.FullScreenshot(100))
		}
		cancel()
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, v.name), buf, 0o644)
	}
}

// loadPerCPU is the one-minute load average per CPU (0 where unknown).
func loadPerCPU() (float64, int) {
	cpus := runtime.NumCPU()
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return 0, cpus
	}
	var l float64
	fmt.Sscanf(string(b), "%g", &l)
	return l / float64(cpus), cpus
}

// viewport emulates a phone for narrow sizes (a headless window is at
// least 500 px wide) and does nothing otherwise.
func viewport(width, height int) chromedp.Action[chromedp.Void] {
	if width >= 500 {
		return chromedp.Sleep(0)
	}
	return chromedp.EmulateViewport(int64(width), int64(height), chromedp.EmulateMobile)
}

// TestPhoneLayout opens both pages at a phone's size, the MNIST page after
// a small comparison (its report link and table filled), and checks that
// nothing is wider than the screen: no sideways scrolling of the page.
func TestPhoneLayout(t *testing.T) {
	_, ts := newTestServer(t)
	const wider = `document.documentElement.scrollWidth - document.documentElement.clientWidth`
	for _, page := range []struct {
		name    string
		actions []chromedp.Action[chromedp.Void]
	}{
		{"2-D", []chromedp.Action[chromedp.Void]{
			chromedp.Navigate(ts.URL + "/?func=rosenbrock&steps=300&opt=sgd:lr=0.001&opt=momentum:lr=0.001&opt=adam:lr=0.05&opt=adam:lr=0.05,variant=note&lang=ja"),
			chromedp.Poll[chromedp.Void](`window.__ready === true && window.__explained === 'ja'`)}},
		{"MNIST", []chromedp.Action[chromedp.Void]{
			chromedp.Navigate(ts.URL + "/mnist?lang=en"),
			chromedp.SetValue(chromedp.CSS(`#subset`), "100"),
			chromedp.SetValue(chromedp.CSS(`#epochs`), "1"),
			chromedp.Click(chromedp.CSS(`#start`)),
			chromedp.Poll[chromedp.Void](`document.querySelector('#status').textContent === 'done' || document.querySelector('#error').textContent !== ''`, chromedp.WithPollingTimeout(60*time.Second))}},
	} {
		ctx, cancel := newBrowser(t, 390, 844)
		err := chromedp.Do(ctx, append([]chromedp.Action[chromedp.Void]{viewport(390, 844)}, page.actions...)...)
		var px int
		if err == nil {
			px, err = chromedp.Run(ctx, chromedp.Evaluate[int](wider))
		}
		cancel()
		if err != nil {
			t.Fatalf("%s page: %v", page.name, err)
		}
		if px > 0 {
			t.Errorf("%s page at 390×844: %d px wider than the screen", page.name, px)
		}
	}
}

// The MNIST page's Japanese toggle puts every word of the form, table and
// footer into Japanese, keeps the language in the URL and in the link to
// the 2-D page, and the 2-D page links back in its language.
func TestMNISTLang(t *testing.T) {
	ctx, cancel := newBrowser(t, 1280, 860)
	defer cancel()
	_, ts := newTestServer(t)
	type words struct{ Lang, Start, Status, Head, Footer, Hint, Href, URL string }
	read := chromedp.Evaluate[words](`({Lang: document.documentElement.lang, Start: document.querySelector('#start').textContent,
		Status: document.querySelector('#status').textContent, Head: document.querySelector('#table thead').textContent,
		Footer: document.querySelector('footer').textContent, Hint: document.querySelector('#opts input[placeholder]').placeholder,
		Href: document.querySelector('nav a').href, URL: location.href})`)
	if err := chromedp.Do(ctx, chromedp.Navigate(ts.URL+"/mnist?lang=en")); err != nil {
		t.Fatal(err)
	}
	en, err := chromedp.Run(ctx, read)
	if err != nil {
		t.Fatal(err)
	}
	if en.Lang != "en" || en.Start != "start" || en.Status != "idle" || en.Head != "optimizersteptrain losstest losstest accuracy" {
		t.Errorf("English page: %+v", en)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#lang-ja`))); err != nil {
		t.Fatal(err)
	}
	ja, err := chromedp.Run(ctx, read)
	if err != nil {
		t.Fatal(err)
	}
	if ja.Lang != "ja" || ja.Start != "開始" || ja.Status != "待機中" || ja.Head != "オプティマイザステップ訓練損失テスト損失テスト正解率" ||
		!strings.Contains(ja.Footer, "実行フォルダ") || !strings.HasPrefix(ja.Hint, "別の指定") ||
		!strings.HasSuffix(ja.Href, "/?lang=ja") || !strings.HasSuffix(ja.URL, "/mnist?lang=ja") {
		t.Errorf("Japanese page: %+v", ja)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(ja.Href), chromedp.Poll[chromedp.Void](`window.__ready === true`)); err != nil {
		t.Fatal(err)
	}
	link, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("nav a[href^='/mnist']").href`))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(link, "/mnist?lang=ja") {
		t.Errorf("the 2-D page in Japanese links to %s", link)
	}
}

// TestBrowserSocketFallback checks that the page still answers when its
// trace socket is gone: the server closes an idle socket, the next change
// is fetched (/api/trace.bin) and drawn all the same, and the change after
// it goes over the socket the page opened again.
func TestBrowserSocketFallback(t *testing.T) {
	ctx, cancel := newBrowser(t, 1000, 800)
	defer cancel()
	s, ts := newTestServer(t)
	s.socketIdle = 1500 * time.Millisecond
	if err := chromedp.Do(ctx, chromedp.Navigate(ts.URL+"/?func=booth&steps=50&opt=sgd:lr=0.01&opt=adam:lr=0.1"),
		chromedp.Poll[chromedp.Void](`window.__ready === true && sock.open`)); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Poll[chromedp.Void](`!sock.open`, chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		t.Fatalf("the idle socket was not closed: %v", err)
	}
	change := func(v int) redraw {
		t.Helper()
		r, err := moveLRSlider(ctx, v)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	if r := change(400); r.Via != "http" {
		t.Errorf("with the socket closed the answer came by %q, want http", r.Via)
	}
	if err := chromedp.Do(ctx, chromedp.Poll[chromedp.Void](`sock.open`, chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		t.Fatalf("the page did not open its socket again: %v", err)
	}
	if r := change(420); r.Via != "ws" {
		t.Errorf("after the socket reopened the answer came by %q, want ws", r.Via)
	}
	st, drawn := readPage(ctx, t)
	_, body, _ := get(t, ts, "/api/trace?"+st.Query)
	var api traceAnswer
	if err := json.Unmarshal(body, &api); err != nil || !reflect.DeepEqual(api, drawn) {
		t.Errorf("the page drew something else than the API's answer (%v)", err)
	}
}
