package train

import (
	"encoding/csv"
	"encoding/json"
	"io"
	"math"
	"runtime"
	"strconv"
)

// Summary is the outcome of a run, as summary.json records it.
type Summary struct {
	// Name is the run's name in a comparison (descent compare --run NAME=…);
	// empty for a single run.
	Name              string  `json:"name,omitempty"`
	TestAccuracy      float64 `json:"test_accuracy"`       // after the last step, 0–1
	TestLoss          float64 `json:"test_loss"`           // after the last step
	TrainLoss         float64 `json:"train_loss"`          // mean over the last epoch
	Seconds           float64 `json:"seconds"`             // training wall time, evaluation excluded
	EvalSeconds       float64 `json:"eval_seconds"`        // wall time of the test evaluations
	SecondsPerEpoch   float64 `json:"seconds_per_epoch"`   // Seconds / Epochs
	ExamplesPerSecond float64 `json:"examples_per_second"` // training examples processed per second
	Parameters        int     `json:"parameters"`
	Steps             int     `json:"steps"`
	Epochs            float64 `json:"epochs"`    // epochs done, fractional after MaxSteps
	Optimizer         string  `json:"optimizer"` // the full spec, every hyperparameter written
	Model             string  `json:"model"`     // the model spec with every option written
	TrainExamples     int     `json:"train_examples"`
	TestExamples      int     `json:"test_examples"`
	GOMAXPROCS        int     `json:"gomaxprocs"`
	SkippedSteps      int     `json:"skipped_steps"` // steps skipped for a non-finite value
	// EMATestLoss and EMATestAccuracy evaluate the moving average of the
	// weights (Config.EMA) at the last epoch's end; nil without one.
	EMATestLoss     *float64 `json:"ema_test_loss,omitempty"`
	EMATestAccuracy *float64 `json:"ema_test_accuracy,omitempty"`
	Config          Config   `json:"config"`
}

// MarshalJSON writes the summary, with null for a loss or accuracy that is
// not a finite number (JSON has no NaN): a run whose last epoch was all
// skipped steps, or whose weights overflowed, still gets its summary.
func (s Summary) MarshalJSON() ([]byte, error) {
	type plain Summary
	finite := func(x float64) *float64 {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil
		}
		return &x
	}
	if finite(s.TestAccuracy) != nil && finite(s.TestLoss) != nil && finite(s.TrainLoss) != nil {
		return json.Marshal(plain(s))
	}
	// The outer fields shadow the embedded ones of the same name.
	return json.Marshal(struct {
		plain
		TestAccuracy *float64 `json:"test_accuracy"`
		TestLoss     *float64 `json:"test_loss"`
		TrainLoss    *float64 `json:"train_loss"`
	}{plain(s), finite(s.TestAccuracy), finite(s.TestLoss), finite(s.TrainLoss)})
}

// Summary returns the summary of the run so far.
func (t *Trainer) Summary() Summary {
	s := Summary{
		Seconds:       t.elapsed.Seconds(),
		EvalSeconds:   t.evalTime.Seconds(),
		Parameters:    t.model.NumParams(),
		Steps:         t.step,
		Optimizer:     t.optSpec(),
		Model:         t.model.Spec().String(),
		TrainExamples: t.trainSet.N,
		TestExamples:  t.testSet.N,
		GOMAXPROCS:    runtime.GOMAXPROCS(0),
		SkippedSteps:  t.skipped,
		Config:        t.cfg,
	}
	if n := len(t.metrics); n > 0 {
		m := t.metrics[n-1]
		s.TestAccuracy, s.TestLoss, s.TrainLoss, s.Epochs = m.TestAccuracy, m.TestLoss, m.TrainLoss, m.Epoch
		if t.ema != nil && !math.IsNaN(t.emaLoss) && !math.IsInf(t.emaLoss, 0) {
			l, a := t.emaLoss, t.emaAcc
			s.EMATestLoss, s.EMATestAccuracy = &l, &a
		}
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
// precision; a value that is not a finite number (an epoch of skipped
// steps, weights whose test loss overflows) is an empty field, as
// summary.json writes null.
func WriteCSV(w io.Writer, metrics []Metric) error { return writeCSV(w, metrics, false) }

// WriteCSVSkipped is WriteCSV with a seventh column, skipped: the steps
// skipped so far for a non-finite value. descent train writes it for runs
// with OnNonFinite skip, so the columns depend on the command, not on
// what happened.
func WriteCSVSkipped(w io.Writer, metrics []Metric) error { return writeCSV(w, metrics, true) }

func writeCSV(w io.Writer, metrics []Metric, skipped bool) error {
	cw := csv.NewWriter(w)
	head := []string{"epoch", "step", "train_loss", "test_loss", "test_accuracy", "seconds"}
	if skipped {
		head = append(head, "skipped")
	}
	cw.Write(head)
	f := func(x float64) string {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return ""
		}
		return strconv.FormatFloat(x, 'g', -1, 64)
	}
	for _, m := range metrics {
		row := []string{f(m.Epoch), strconv.Itoa(m.Step), f(m.TrainLoss), f(m.TestLoss), f(m.TestAccuracy), f(m.Seconds)}
		if skipped {
			row = append(row, strconv.Itoa(m.Skipped))
		}
		cw.Write(row)
	}
	cw.Flush()
	return cw.Error()
}
