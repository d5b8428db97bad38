package train

import (
	"encoding/csv"
	"io"
	"runtime"
	"strconv"
)

// Summary is the outcome of a run, as summary.json records it.
type Summary struct {
	TestAccuracy      float64 `json:"test_accuracy"`       // after the last step, 0–1
	TestLoss          float64 `json:"test_loss"`           // after the last step
	TrainLoss         float64 `json:"train_loss"`          // mean over the last epoch
	Seconds           float64 `json:"seconds"`             // training wall time, evaluation excluded
	EvalSeconds       float64 `json:"eval_seconds"`        // wall time of the test evaluations
	SecondsPerEpoch   float64 `json:"seconds_per_epoch"`   // Seconds / Epochs
	ExamplesPerSecond float64 `json:"examples_per_second"` // training examples processed per second
	Parameters        int     `json:"parameters"`
	Steps             int     `json:"steps"`
	Epochs            float64 `json:"epochs"` // epochs done, fractional after MaxSteps
	Optimizer         string  `json:"optimizer"`
	Model             string  `json:"model"` // the model spec with every option written
	TrainExamples     int     `json:"train_examples"`
	TestExamples      int     `json:"test_examples"`
	GOMAXPROCS        int     `json:"gomaxprocs"`
	Config            Config  `json:"config"`
}

// Summary returns the summary of the run so far.
func (t *Trainer) Summary() Summary {
	s := Summary{
		Seconds:       t.elapsed.Seconds(),
		EvalSeconds:   t.evalTime.Seconds(),
		Parameters:    t.model.NumParams(),
		Steps:         t.step,
		Optimizer:     t.opt.Hyper(0).String(),
		Model:         t.model.Spec().String(),
		TrainExamples: t.trainSet.N,
		TestExamples:  t.testSet.N,
		GOMAXPROCS:    runtime.GOMAXPROCS(0),
		Config:        t.cfg,
	}
	if n := len(t.metrics); n > 0 {
		m := t.metrics[n-1]
		s.TestAccuracy, s.TestLoss, s.TrainLoss, s.Epochs = m.TestAccuracy, m.TestLoss, m.TrainLoss, m.Epoch
	}
	if s.Seconds > 0 {
		s.ExamplesPerSecond = float64(t.examples) / s.Seconds
	}
	if s.Epochs > 0 {
		s.SecondsPerEpoch = s.Seconds / s.Epochs
	}
	return s
}

// WriteCSV writes metrics as CSV with the header
// epoch,step,train_loss,test_loss,test_accuracy,seconds, numbers in full
// precision.
func WriteCSV(w io.Writer, metrics []Metric) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"epoch", "step", "train_loss", "test_loss", "test_accuracy", "seconds"})
	f := func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
	for _, m := range metrics {
		cw.Write([]string{f(m.Epoch), strconv.Itoa(m.Step), f(m.TrainLoss), f(m.TestLoss), f(m.TestAccuracy), f(m.Seconds)})
	}
	cw.Flush()
	return cw.Error()
}
