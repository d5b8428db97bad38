// Package report writes what descent train and descent compare leave
// behind: metrics and the per-step training loss as CSV, the summary as
// JSON, loss and accuracy curves as PNG (gonum/plot), and a comparison as a
// Markdown table and a static HTML page, in English or Japanese.
// It depends on train for the records; train does not depend on it.
//
// Every writer takes an io.Writer; the command writes files through
// internal/atomicfile so that a reader never sees a part of one.
package report

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"

	"github.com/descentlab/descent/train"
)

// Run is one finished (or stopped) training run.
type Run struct {
	Label   string // how tables and legends name it: the optimizer spec, or a variant's name
	Flags   string // for a variant of descent compare --run, the flags it was given; else ""
	Summary train.Summary
	Metrics []train.Metric
	Curve   train.Curve
	// Steps is the loss and learning rate of every step (train.StepLog);
	// the loss chart and steps.csv are drawn from it. Empty for records
	// made without one: the chart then draws Curve.
	Steps train.StepLog
	// Diverged is the step at which a NaN or ±Inf stopped the run, or 0:
	// the tables then say so instead of giving its last numbers.
	Diverged int
}

// Options say how a report is written. The zero value is English with no
// smoothing.
type Options struct {
	// Smooth, in [0, 1), is the weight w of the exponential moving average
	// the loss chart draws the training loss with (see Smooth); 0 draws
	// each step's loss.
	Smooth float64
	// Lang is LangEnglish (or empty) or LangJapanese: the language of the
	// reports' text and the charts' titles, axes and legends.
	Lang string
}

// Check returns an error naming a field of o that is out of range.
func (o Options) Check() error {
	if !(o.Smooth >= 0 && o.Smooth < 1) {
		return fmt.Errorf("smooth %v: want a weight in [0, 1) (0: no smoothing; 0.9 or 0.99 are usual)", o.Smooth)
	}
	if o.Lang != "" {
		return CheckLang(o.Lang)
	}
	return nil
}

func (o Options) lang() string {
	if o.Lang == "" {
		return LangEnglish
	}
	return o.Lang
}

// Label is how a comparison names the run of opt that ended with err
// (from Trainer.Run): opt, and where it diverged if err is a
// *train.NonFiniteError, e.g. "sgd:lr=10 (diverged at step 7)".
func Label(opt string, err error) string {
	var nf *train.NonFiniteError
	if errors.As(err, &nf) {
		return fmt.Sprintf("%s (diverged at step %d)", opt, nf.Step)
	}
	return opt
}

// FromTrainer collects a Trainer's records under label. The slices are
// copied.
func FromTrainer(label string, t *train.Trainer) Run {
	c, l := t.Curve(), t.StepLog()
	return Run{
		Label:    label,
		Summary:  t.Summary(),
		Metrics:  append([]train.Metric(nil), t.Metrics()...),
		Curve:    train.Curve{Step: append([]int(nil), c.Step...), Loss: append([]float64(nil), c.Loss...)},
		Steps:    train.StepLog{Loss: append([]float32(nil), l.Loss...), LR: append([]float32(nil), l.LR...)},
		Diverged: t.Diverged(),
	}
}

// WriteSummary writes s as indented JSON.
func WriteSummary(w io.Writer, s any) error {
	p, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(p, '\n'))
	return err
}

// Smooth returns the exponential moving average of values with weight w,
// debiased as TensorBoard's smoothing and Adam's moments are: with s_0 = 0,
//
//	s_t = w·s_{t−1} + (1−w)·v_t,   out_t = s_t / (1 − w^k)
//
// where k counts the finite values up to t. A NaN or ±Inf value (a step
// skipped under --on-nonfinite skip) is left out: the average carries over
// (NaN before the first finite value). w = 0 returns the values.
func Smooth(values []float32, w float64) []float64 {
	out := make([]float64, len(values))
	s, wk := 0.0, 1.0 // the average and w^k
	for i, v := range values {
		x := float64(v)
		if !math.IsNaN(x) && !math.IsInf(x, 0) {
			s = w*s + (1-w)*x
			wk *= w
		}
		if wk == 1 {
			out[i] = math.NaN()
			continue
		}
		out[i] = s / (1 - wk)
	}
	return out
}
