package playground

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/descentlab/descent/checkpoint"
	"github.com/descentlab/descent/data"
	"github.com/descentlab/descent/nn"
	"github.com/descentlab/descent/optim"
	"github.com/descentlab/descent/train"
	"github.com/descentlab/descent/train/report"
	"github.com/descentlab/descent/viz"
)

// Limits of one comparison on the MNIST page.
const (
	maxEpochs        = 50
	stepEventsPerRun = 400     // step events per optimizer, at most (plus every epoch's end)
	maxModelParams   = 1 << 23 // parameters of one model: 32 MiB of float32 weights
)

// trainReq is the body of POST /api/train.
type trainReq struct {
	Opts   []string `json:"opts"`
	Epochs int      `json:"epochs"`
	Batch  string   `json:"batch"`  // "full", "1" or a batch size
	Subset int      `json:"subset"` // training examples used (0: all 60,000)
	Model  string   `json:"model"`  // default mlp:784-100-10
	Seed   uint64   `json:"seed"`   // default 1
}

// event is one Server-Sent Event: its name and JSON data.
type event struct {
	name string
	data []byte
}

// job is one comparison: its events so far, in order, and how to stop it.
type job struct {
	id       int
	name     string // the folder under the run folder
	started  time.Time
	req      trainReq
	cancel   context.CancelFunc
	finished chan struct{} // closed when the goroutine has written everything

	mu     sync.Mutex
	events []event
	wake   chan struct{} // closed and replaced when an event is added
	done   bool
}

func (j *job) emit(name string, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		b, _ = json.Marshal(map[string]string{"error": err.Error()})
	}
	j.mu.Lock()
	j.events = append(j.events, event{name, b})
	close(j.wake)
	j.wake = make(chan struct{})
	j.mu.Unlock()
}

func (j *job) end() {
	j.mu.Lock()
	j.done = true
	close(j.wake)
	j.wake = make(chan struct{})
	j.mu.Unlock()
}

// since returns the events from index i on, whether the job has ended, and
// a channel closed at the next change.
func (j *job) since(i int) ([]event, bool, <-chan struct{}) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if i > len(j.events) {
		i = len(j.events)
	}
	return j.events[i:len(j.events):len(j.events)], j.done, j.wake
}

// trainer runs one comparison at a time.
type trainer struct {
	runDir string
	log    io.Writer

	mu   sync.Mutex
	cur  *job // the running or the last job
	next int

	loadOnce          sync.Once
	trainSet, testSet *data.Dataset
	loadErr           error
}

func newTrainer(runDir string, log io.Writer) *trainer { return &trainer{runDir: runDir, log: log} }

// configs checks a request and returns one train.Config per optimizer.
func (req *trainReq) configs() ([]train.Config, error) {
	if len(req.Opts) == 0 {
		return nil, errors.New("opts: at least one optimizer spec is required (e.g. [\"sgd:lr=0.1\", \"adam\"])")
	}
	if len(req.Opts) > MaxOptimizers {
		return nil, fmt.Errorf("opts: %d optimizers: want at most %d", len(req.Opts), MaxOptimizers)
	}
	if req.Epochs == 0 {
		req.Epochs = 1
	}
	if req.Epochs < 1 || req.Epochs > maxEpochs {
		return nil, fmt.Errorf("epochs=%d: want an integer in [1, %d]", req.Epochs, maxEpochs)
	}
	if req.Subset < 0 || req.Subset > 60000 {
		return nil, fmt.Errorf("subset=%d: want an integer in [0, 60000] (0: all 60,000 examples)", req.Subset)
	}
	if req.Batch == "" {
		req.Batch = "100"
	}
	batch, err := train.ParseBatch(req.Batch)
	if err != nil {
		return nil, err
	}
	if n := req.Subset; n > 0 && batch != train.FullBatch && int(batch) > n {
		return nil, fmt.Errorf("batch=%s: larger than the subset of %d examples", req.Batch, n)
	}
	if req.Model == "" {
		req.Model = "mlp:784-100-10"
	}
	spec, err := nn.ParseModel(req.Model)
	if err != nil {
		return nil, fmt.Errorf("model: %v", err)
	}
	params := spec.NumParams() // ParseModel validated spec
	if in, out := spec.Sizes[0], spec.Sizes[len(spec.Sizes)-1]; in != 784 || out != 10 || params > maxModelParams {
		return nil, fmt.Errorf("model=%s: want an mlp:784-…-10 for MNIST's 28×28 images and 10 classes, with at most %d parameters (this one: %d inputs, %d outputs, %d parameters)",
			oneLine(req.Model), maxModelParams, in, out, params)
	}
	if req.Seed == 0 {
		req.Seed = 1
	}
	cfgs := make([]train.Config, len(req.Opts))
	for i, o := range req.Opts {
		if _, err := optim.ParseSpec(o); err != nil {
			return nil, fmt.Errorf("opts[%d] %s: %v", i, oneLine(o), err)
		}
		cfgs[i] = train.Config{Data: train.DataMNIST, Model: req.Model, Opt: o, Batch: batch,
			Epochs: req.Epochs, Seed: req.Seed, Subset: req.Subset}
		if err := cfgs[i].Validate(); err != nil {
			return nil, err
		}
	}
	return cfgs, nil
}

// errBusy is returned by start while a comparison runs.
type errBusy struct{ j *job }

func (e errBusy) Error() string {
	return fmt.Sprintf("a comparison is already running (started %s, %d optimizers); cancel it or wait for it to finish",
		e.j.started.Format("15:04:05"), len(e.j.req.Opts))
}

// start starts a comparison unless one is running.
func (t *trainer) start(req trainReq, cfgs []train.Config) (*job, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.cur != nil {
		select {
		case <-t.cur.finished:
		default:
			return nil, errBusy{t.cur}
		}
	}
	t.next++
	now := time.Now()
	name := fmt.Sprintf("cmp-%s-%d", now.Format("20060102-150405"), t.next)
	dir := filepath.Join(t.runDir, name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("run folder: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	j := &job{id: t.next, name: name, started: now, req: req, cancel: cancel,
		finished: make(chan struct{}), wake: make(chan struct{})}
	t.cur = j
	fmt.Fprintf(t.log, "descent serve: comparison %s started (%d runs)\n", dir, len(cfgs))
	go t.run(ctx, j, dir, cfgs)
	return j, nil
}

func (t *trainer) current() *job {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.cur
}

// run trains every optimizer in turn, streaming events, and writes the
// comparison as descent compare does. Stopped (cancelled, or the server
// shutting down on SIGINT), it writes the partial comparison and a
// checkpoint of the optimizer it was training, as descent train does on
// SIGINT: in DIR/run-N (N counts the optimizers from 1), which
// descent train --resume DIR/run-N continues.
func (t *trainer) run(ctx context.Context, j *job, dir string, cfgs []train.Config) {
	defer close(j.finished)
	defer j.end()
	write := func(kind string, runs []report.Run, extra map[string]string) {
		if err := report.WriteDir(dir, "descent serve comparison", runs); err != nil {
			j.emit("failed", map[string]string{"error": err.Error()})
			return
		}
		fmt.Fprintf(t.log, "descent serve: comparison %s %s\n", dir, kind)
		ev := map[string]string{"dir": dir, "report": "/runs/" + j.name + "/report.html"}
		for k, v := range extra {
			ev[k] = v
		}
		j.emit(kind, ev)
	}
	// Each run's colour is the one the comparison's charts give it (the
	// fixed colour of its method, viz.Colors), so that the page's curves
	// match report.html's pictures.
	colors := make([]string, len(j.req.Opts))
	for i, c := range viz.Colors(j.req.Opts) {
		colors[i] = hexColor(c)
	}
	j.emit("begin", map[string]any{"dir": dir, "opts": j.req.Opts, "colors": colors, "epochs": j.req.Epochs, "batch": j.req.Batch, "subset": j.req.Subset, "model": j.req.Model})
	// Loaded as descent train and compare load it (all of it: each run
	// takes its subset), so that a checkpoint written here has the data
	// fingerprint descent train --resume finds.
	t.loadOnce.Do(func() { t.trainSet, t.testSet, t.loadErr = train.LoadData(train.Config{Data: train.DataMNIST}) })
	if t.loadErr != nil {
		j.emit("failed", map[string]string{"error": t.loadErr.Error()})
		return
	}
	var runs []report.Run
	for i, cfg := range cfgs {
		tr, err := train.New(cfg, t.trainSet, t.testSet)
		if err != nil {
			j.emit("failed", map[string]string{"error": fmt.Sprintf("%s: %v", cfg.Opt, err)})
			return
		}
		total := tr.TotalSteps()
		every := max(1, total/stepEventsPerRun)
		j.emit("start", map[string]any{"opt": cfg.Opt, "index": i, "total_steps": total})
		_, err = tr.Run(ctx, func(tr *train.Trainer, r train.StepResult) error {
			if r.Step%every == 0 || r.Step == total {
				j.emit("step", map[string]any{"opt": cfg.Opt, "index": i, "step": r.Step, "loss": finiteOrNil(r.Loss)})
			}
			if r.EpochEnd {
				m := r.Metric
				j.emit("epoch", map[string]any{"opt": cfg.Opt, "index": i, "epoch": m.Epoch, "step": m.Step,
					"train_loss": finiteOrNil(m.TrainLoss), "test_loss": finiteOrNil(m.TestLoss), "test_accuracy": m.TestAccuracy, "seconds": m.Seconds})
			}
			return nil
		})
		label := report.Label(cfg.Opt, err)
		var nf *train.NonFiniteError
		switch {
		case errors.As(err, &nf):
			j.emit("diverged", map[string]any{"opt": cfg.Opt, "index": i, "error": err.Error()})
		case err != nil && ctx.Err() != nil:
			runs = append(runs, report.FromTrainer(label, tr))
			write("cancelled", runs, t.checkpoint(dir, i, tr))
			return
		case err != nil:
			j.emit("failed", map[string]string{"error": fmt.Sprintf("%s: %v", cfg.Opt, err)})
			return
		}
		runs = append(runs, report.FromTrainer(label, tr))
		s := tr.Summary()
		j.emit("finish", map[string]any{"opt": cfg.Opt, "index": i, "test_accuracy": s.TestAccuracy, "test_loss": finiteOrNil(s.TestLoss), "seconds": s.Seconds})
	}
	write("done", runs, nil)
}

// checkpoint saves the stopped trainer tr, the comparison's optimizer
// number i, into dir/run-(i+1)/checkpoints and says where, and the command
// that continues it, as the fields of the cancelled event.
func (t *trainer) checkpoint(dir string, i int, tr *train.Trainer) map[string]string {
	run := filepath.Join(dir, fmt.Sprintf("run-%d", i+1))
	c, err := tr.Checkpoint()
	var ck string
	if err == nil {
		ck, err = checkpoint.Save(filepath.Join(run, "checkpoints"), c, 0)
	}
	if err != nil {
		fmt.Fprintf(t.log, "descent serve: comparison %s: no checkpoint of %s: %v\n", dir, tr.Config().Opt, err)
		return map[string]string{"checkpoint_error": err.Error()}
	}
	resume := "descent train --resume " + shellQuote(run)
	fmt.Fprintf(t.log, "descent serve: %s stopped after step %d of %d; checkpoint %s written; continue with: %s\n",
		tr.Config().Opt, tr.Steps(), tr.TotalSteps(), ck, resume)
	return map[string]string{"checkpoint": ck, "resume": resume}
}

// finiteOrNil keeps NaN and ±Inf out of JSON (they are not numbers there).
func finiteOrNil(v float64) any {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return v
}

func (t *trainer) shutdown(ctx context.Context) error {
	j := t.current()
	if j == nil {
		return nil
	}
	j.cancel()
	select {
	case <-j.finished:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("the comparison in %s did not stop in time", j.name)
	}
}

func (s *Server) trainStart(w http.ResponseWriter, r *http.Request) {
	var req trainReq
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("request body over %d bytes", MaxBody))
			return
		}
		writeError(w, http.StatusBadRequest, "body: want a JSON object like {\"opts\": [\"sgd:lr=0.1\", \"adam\"], \"epochs\": 1, \"batch\": \"100\", \"subset\": 10000}: "+err.Error())
		return
	}
	if dec.More() {
		writeError(w, http.StatusBadRequest, "body: want one JSON object")
		return
	}
	cfgs, err := req.configs()
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	j, err := s.trainer.start(req, cfgs)
	var busy errBusy
	switch {
	case errors.As(err, &busy):
		writeError(w, http.StatusConflict, err.Error())
		return
	case err != nil:
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	writeJSON(w, http.StatusAccepted, map[string]any{"id": j.id, "dir": j.name, "events": "/api/train/events"})
}

func (s *Server) trainStatus(w http.ResponseWriter, r *http.Request) {
	j := s.trainer.current()
	if j == nil {
		writeJSON(w, http.StatusOK, map[string]any{"running": false})
		return
	}
	evs, done, _ := j.since(0)
	writeJSON(w, http.StatusOK, map[string]any{"running": !done, "id": j.id, "dir": j.name, "opts": j.req.Opts, "events": len(evs)})
}

func (s *Server) trainCancel(w http.ResponseWriter, r *http.Request) {
	j := s.trainer.current()
	if j == nil {
		writeError(w, http.StatusConflict, "no comparison is running")
		return
	}
	j.cancel()
	writeJSON(w, http.StatusOK, map[string]any{"cancelled": j.id})
}

// trainEvents streams the current comparison's events as Server-Sent
// Events, from the first (or from the one after Last-Event-ID), each with
// its index as id, until the comparison ends or the client goes away.
func (s *Server) trainEvents(w http.ResponseWriter, r *http.Request) {
	j := s.trainer.current()
	if j == nil {
		writeError(w, http.StatusNotFound, "no comparison has been started")
		return
	}
	fl, ok := w.(http.Flusher)
	if !ok {
		writeError(w, http.StatusInternalServerError, "streaming unsupported")
		return
	}
	i := 0
	if v := r.Header.Get("Last-Event-ID"); v != "" {
		if n, err := strconv.Atoi(v); err == nil && n >= 0 {
			i = n + 1
		}
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	fl.Flush()
	for {
		evs, done, wake := j.since(i)
		for _, e := range evs {
			fmt.Fprintf(w, "id: %d\nevent: %s\ndata: %s\n\n", i, e.name, e.data)
			i++
		}
		if len(evs) > 0 {
			fl.Flush()
		}
		if done {
			// Every event was written above (none comes after the end).
			fmt.Fprintf(w, "event: end\ndata: {}\n\n")
			fl.Flush()
			return
		}
		select {
		case <-wake:
		case <-r.Context().Done():
			return
		}
	}
}
