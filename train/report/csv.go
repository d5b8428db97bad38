package report

import (
	"encoding/csv"
	"io"
	"strconv"
)

func f64(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

// f32 writes a float32 in the fewest digits that read back as the same
// float32.
func f32(x float32) string { return strconv.FormatFloat(float64(x), 'g', -1, 32) }

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
// back exactly), and with smooth > 0 the smoothed loss the chart draws
// (Smooth; empty before the first finite loss).
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
				s := ""
				if v := sm[i]; v == v {
					s = f64(v)
				}
				row = append(row, s)
			}
			cw.Write(row)
		}
	}
	cw.Flush()
	return cw.Error()
}
