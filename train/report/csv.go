package report

import (
	"encoding/csv"
	"io"
	"math"
	"strconv"
)

// The CSV files write a value that is not a finite number (the loss of a
// step skipped for a NaN or ±Inf, a test loss of weights that overflow,
// a step the log does not know) as an empty field, as summary.json writes
// null: no file of a run holds NaN or Inf.

// f64 writes a float64 in the fewest digits that read back as the same
// float64, or nothing where it is not finite.
func f64(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return ""
	}
	return strconv.FormatFloat(x, 'g', -1, 64)
}

// f32 writes a float32 in the fewest digits that read back as the same
// float32, or nothing where it is not finite.
func f32(x float32) string {
	if y := float64(x); math.IsNaN(y) || math.IsInf(y, 0) {
		return ""
	}
	return strconv.FormatFloat(float64(x), 'g', -1, 32)
}

// WriteMetricsCSV writes the per-epoch metrics of several runs as one CSV
// with the header run,epoch,step,train_loss,test_loss,test_accuracy,seconds.
func WriteMetricsCSV(w io.Writer, runs []Run) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"run", "epoch", "step", "train_loss", "test_loss", "test_accuracy", "seconds"})
	for _, r := range runs {
		for _, m := range r.Metrics {
			cw.Write([]string{r.Label, f64(m.Epoch), strconv.Itoa(m.Step), f64(m.TrainLoss), f64(m.TestLoss), f64(m.TestAccuracy), f64(m.Seconds)})
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteStepsCSV writes the step log of runs, one row per step:
//
//	[run,]step,train_loss,lr[,smoothed_loss]
//
// run (the run's Label) when named is set (descent compare), step from 1,
// the training loss of the step's batch before its update and the
// learning rate it was taken with (float32, in the fewest digits that read
// back exactly; empty for a skipped step), and with smooth > 0 the
// smoothed loss the chart draws (Smooth; empty before the first finite
// loss).
func WriteStepsCSV(w io.Writer, runs []Run, named bool, smooth float64) error {
	cw := csv.NewWriter(w)
	head := []string{"step", "train_loss", "lr"}
	if named {
		head = append([]string{"run"}, head...)
	}
	if smooth > 0 {
		head = append(head, "smoothed_loss")
	}
	cw.Write(head)
	row := make([]string, 0, len(head))
	for _, r := range runs {
		var sm []float64
		if smooth > 0 {
			sm = Smooth(r.Steps.Loss, smooth)
		}
		for i, loss := range r.Steps.Loss {
			row = row[:0]
			if named {
				row = append(row, r.Label)
			}
			row = append(row, strconv.Itoa(i+1), f32(loss), f32(r.Steps.LR[i]))
			if sm != nil {
				row = append(row, f64(sm[i]))
			}
			cw.Write(row)
		}
	}
	cw.Flush()
	return cw.Error()
}
