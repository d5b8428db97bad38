package playground

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/descentlab/descent/viz"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/descentlab/descent/checkpoint"
	"github.com/descentlab/descent/nn"
	"github.com/descentlab/descent/train"
)

type sse struct {
	id   int
	name string
	data map[string]any
}

// readEvents reads a Server-Sent Events stream until "end" or EOF.
func readEvents(t *testing.T, r io.Reader, stopAfter func(sse) bool) []sse {
	t.Helper()
	var out []sse
	var cur sse
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "id: "):
			cur.id, _ = strconv.Atoi(line[4:])
		case strings.HasPrefix(line, "event: "):
			cur.name = line[7:]
		case strings.HasPrefix(line, "data: "):
			if err := json.Unmarshal([]byte(line[6:]), &cur.data); err != nil {
				t.Fatalf("event %s: data %q: %v", cur.name, line, err)
			}
		case line == "":
			out = append(out, cur)
			if cur.name == "end" || (stopAfter != nil && stopAfter(cur)) {
				return out
			}
			cur = sse{}
		}
	}
	return out
}

func postTrain(t *testing.T, ts *httptest.Server, body string) (int, map[string]any) {
	t.Helper()
	res, err := http.Post(ts.URL+"/api/train", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var m map[string]any
	json.NewDecoder(res.Body).Decode(&m)
	return res.StatusCode, m
}

// TestTrainStreamsInOrder runs a small comparison and checks the event
// stream: ids count from 0, each optimizer's events come between its start
// and finish in step order, every epoch is reported, and the run folder
// holds what descent compare writes.
func TestTrainStreamsInOrder(t *testing.T) {
	s, ts := newTestServer(t)
	code, m := postTrain(t, ts, `{"opts": ["sgd:lr=0.1", "adam:lr=0.001"], "epochs": 2, "batch": "50", "subset": 300}`)
	if code != http.StatusAccepted {
		t.Fatalf("start: %d %v", code, m)
	}
	res, err := http.Get(ts.URL + "/api/train/events")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if ct := res.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("Content-Type %q", ct)
	}
	evs := readEvents(t, res.Body, nil)
	var names []string
	for i, e := range evs[:len(evs)-1] {
		if e.id != i {
			t.Fatalf("event %d has id %d", i, e.id)
		}
		if e.name != "step" {
			names = append(names, e.name)
		}
	}
	// The page colours the runs as the comparison's charts do: sgd and
	// adam take their methods' fixed colours (viz.MethodColor).
	sgd, _ := viz.MethodColor("sgd")
	adam, _ := viz.MethodColor("adam")
	if got := fmt.Sprint(evs[0].data["colors"]); got != fmt.Sprint([]any{hexColor(sgd), hexColor(adam)}) {
		t.Errorf("begin colours %s, want sgd's %s and adam's %s", got, hexColor(sgd), hexColor(adam))
	}
	want := "begin start epoch epoch finish start epoch epoch finish done end"
	if got := strings.Join(append(names, evs[len(evs)-1].name), " "); got != want {
		t.Fatalf("events %q, want %q", got, want)
	}
	lastStep := map[float64]float64{}
	steps := 0
	for _, e := range evs {
		if e.name != "step" {
			continue
		}
		steps++
		i, st := e.data["index"].(float64), e.data["step"].(float64)
		if st <= lastStep[i] {
			t.Errorf("optimizer %v: step %v after %v", i, st, lastStep[i])
		}
		lastStep[i] = st
	}
	// 300 examples in batches of 50 for 2 epochs: 12 steps per optimizer.
	if steps != 24 || lastStep[0] != 12 || lastStep[1] != 12 {
		t.Errorf("%d step events, last steps %v", steps, lastStep)
	}
	done := evs[len(evs)-2].data
	for _, f := range []string{"report.html", "report.md", "metrics.csv", "summary.json", "loss.png", "accuracy.png"} {
		if _, err := os.Stat(filepath.Join(done["dir"].(string), f)); err != nil {
			t.Errorf("run folder: %v", err)
		}
	}
	if code, body, _ := get(t, ts, done["report"].(string)); code != 200 || !strings.Contains(string(body), "adam:lr=0.001") {
		t.Errorf("report: %d", code)
	}
	// A late subscriber gets the whole stream again.
	res2, _ := http.Get(ts.URL + "/api/train/events")
	again := readEvents(t, res2.Body, nil)
	res2.Body.Close()
	if len(again) != len(evs) {
		t.Errorf("replay has %d events, first stream %d", len(again), len(evs))
	}
	_ = s
}

// TestTrainOneAtATimeAndCancel starts a long comparison, checks that a
// second start is refused with 409, cancels the first and checks that it
// ends with a partial comparison written.
func TestTrainOneAtATimeAndCancel(t *testing.T) {
	_, ts := newTestServer(t)
	code, m := postTrain(t, ts, `{"opts": ["sgd:lr=0.01", "adam"], "epochs": 50, "batch": "1", "subset": 2000}`)
	if code != http.StatusAccepted {
		t.Fatalf("start: %d %v", code, m)
	}
	code, m = postTrain(t, ts, `{"opts": ["sgd"]}`)
	if code != http.StatusConflict || !strings.Contains(m["error"].(string), "already running") {
		t.Fatalf("second start: %d %v", code, m)
	}
	res, err := http.Get(ts.URL + "/api/train/events")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	// Cancel once training is under way.
	evs := readEvents(t, res.Body, func(e sse) bool { return e.name == "step" })
	cres, err := http.Post(ts.URL+"/api/train/cancel", "", nil)
	if err != nil || cres.StatusCode != 200 {
		t.Fatalf("cancel: %v %v", err, cres.Status)
	}
	cres.Body.Close()
	evs = append(evs, readEvents(t, res.Body, nil)...)
	last := evs[len(evs)-2]
	if last.name != "cancelled" || evs[len(evs)-1].name != "end" {
		t.Fatalf("stream ends with %s, %s", last.name, evs[len(evs)-1].name)
	}
	if _, err := os.Stat(filepath.Join(last.data["dir"].(string), "metrics.csv")); err != nil {
		t.Errorf("partial comparison: %v", err)
	}
	if ck, _ := last.data["checkpoint"].(string); ck == "" || !strings.HasPrefix(last.data["resume"].(string), "descent train --resume ") {
		t.Errorf("cancelled event %v: want the checkpoint and its resume command", last.data)
	} else if _, err := os.Stat(filepath.Join(ck, "manifest.json")); err != nil {
		t.Errorf("checkpoint: %v", err)
	}
	// Now a new comparison may start.
	code, m = postTrain(t, ts, `{"opts": ["sgd:lr=0.1"], "subset": 100, "batch": "full"}`)
	if code != http.StatusAccepted {
		t.Errorf("start after cancel: %d %v", code, m)
	}
	res3, _ := http.Get(ts.URL + "/api/train/events")
	readEvents(t, res3.Body, nil)
	res3.Body.Close()
}

// TestServeStopsCleanly starts Serve on a free loopback port, starts a long
// comparison, cancels Serve's context (what SIGINT does in descent serve)
// and checks that Serve returns promptly, the comparison wrote its partial
// results, and the optimizer it was training its checkpoint: the state of
// an uninterrupted run stopped at the same step, which train.Restore
// continues.
func TestServeStopsCleanly(t *testing.T) {
	dir := t.TempDir()
	s, err := New(Config{RunDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	urls := make(chan string, 1)
	errc := make(chan error, 1)
	go func() { errc <- Serve(ctx, s, "127.0.0.1:0", func(u string) { urls <- u }) }()
	u := <-urls
	if !strings.HasPrefix(u, "http://127.0.0.1:") {
		t.Fatalf("url %s", u)
	}
	res, err := http.Post(u+"api/train", "application/json", strings.NewReader(`{"opts": ["sgd:lr=0.05", "adam"], "epochs": 50, "batch": "10", "subset": 5000}`))
	if err != nil || res.StatusCode != http.StatusAccepted {
		t.Fatalf("start: %v %v", err, res.Status)
	}
	res.Body.Close()
	ev, err := http.Get(u + "api/train/events")
	if err != nil {
		t.Fatal(err)
	}
	defer ev.Body.Close()
	evs := readEvents(t, ev.Body, func(e sse) bool { return e.name == "step" })
	cancel()
	select {
	case err := <-errc:
		if err != nil {
			t.Fatalf("Serve: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("Serve did not return after its context was cancelled")
	}
	evs = append(evs, readEvents(t, ev.Body, nil)...)
	matches, _ := filepath.Glob(filepath.Join(dir, "cmp-*", "metrics.csv"))
	if len(matches) != 1 {
		t.Fatalf("partial comparison files: %v", matches)
	}
	cmp := filepath.Dir(matches[0])
	if len(evs) < 2 || evs[len(evs)-2].name != "cancelled" {
		t.Fatalf("the stream does not end with cancelled: %v", evs)
	}
	last := evs[len(evs)-2].data
	run := filepath.Join(cmp, "run-1")
	e, err := checkpoint.Latest(filepath.Join(run, "checkpoints"))
	if err != nil {
		t.Fatalf("no checkpoint of the stopped optimizer: %v", err)
	}
	if last["checkpoint"] != e.Dir || last["resume"] != "descent train --resume "+shellQuote(run) {
		t.Errorf("cancelled event %v: want checkpoint %s and its resume command", last, e.Dir)
	}
	c, err := checkpoint.Load(e.Dir)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := train.CheckpointConfig(c)
	if err != nil {
		t.Fatal(err)
	}
	trainSet, testSet, err := train.LoadData(cfg) // as descent train --resume loads them
	if err != nil {
		t.Fatal(err)
	}
	resumed, err := train.Restore(cfg, c, trainSet, testSet)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Opt != "sgd:lr=0.05" || resumed.Steps() != e.Step || e.Step < 1 || resumed.Done() {
		t.Fatalf("checkpoint of %s at step %d (trainer at %d, done %v)", cfg.Opt, e.Step, resumed.Steps(), resumed.Done())
	}
	t.Logf("stopped at step %d", e.Step)
	fresh := cfg
	fresh.MaxSteps = e.Step
	ft, err := train.New(fresh, trainSet, testSet)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ft.Run(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(nn.Weights(ft.Model()), nn.Weights(resumed.Model())) {
		t.Errorf("the checkpoint at step %d differs from an uninterrupted run stopped there", e.Step)
	}
	// It continues.
	one, stop := context.WithCancel(context.Background())
	if _, err := resumed.Run(one, func(*train.Trainer, train.StepResult) error { stop(); return nil }); !errors.Is(err, context.Canceled) || resumed.Steps() != e.Step+1 {
		t.Errorf("resumed run: %v at step %d", err, resumed.Steps())
	}
	stop()
	if IsLoopback("0.0.0.0:80") || !IsLoopback("127.0.0.1:8080") || !IsLoopback("[::1]:1") || !IsLoopback("localhost:1") {
		t.Error("IsLoopback")
	}
}

// TestFiniteOrNil: every finite number is kept, the largest too (a loss
// of 1.5e308 is a number JSON can hold); only NaN and ±Inf become null.
func TestFiniteOrNil(t *testing.T) {
	for _, v := range []float64{0, -0.5, 1.5e308, -math.MaxFloat64, math.SmallestNonzeroFloat64} {
		if got := finiteOrNil(v); got != v {
			t.Errorf("finiteOrNil(%g) = %v", v, got)
		}
	}
	for _, v := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		if got := finiteOrNil(v); got != nil {
			t.Errorf("finiteOrNil(%g) = %v, want nil", v, got)
		}
	}
}
