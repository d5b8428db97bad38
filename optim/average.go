package optim

import (
	"fmt"
	"math"
)

// Averaging functions of Average, as torch.optim.swa_utils names them.
const (
	AverageSWA = "swa" // get_swa_avg_fn: the running mean of every update
	AverageEMA = "ema" // get_ema_avg_fn(decay): an exponential moving average
)

// Average is torch.optim.swa_utils.AveragedModel over parameters: a copy
// of their values that Update averages in. With AverageSWA (stochastic
// weight averaging, Izmailov et al. 2018) it is the mean of the values at
// every Update; with AverageEMA, a ← decay·a + (1 − decay)·w. The first
// Update copies the values (torch's n_averaged = 0). Update allocates
// nothing; Average is not safe for concurrent use.
type Average[T Float] struct {
	fn     string
	decay  float64
	params []*Param[T]
	avg    [][]T
	n      int64 // torch's n_averaged
}

// NewAverage returns an average of params by fn (AverageSWA or AverageEMA,
// decay in [0, 1] used by AverageEMA; torch's default decay is 0.999).
func NewAverage[T Float](fn string, decay float64, params ...*Param[T]) (*Average[T], error) {
	if fn != AverageSWA && fn != AverageEMA {
		return nil, fmt.Errorf("average: invalid function %q: want %s or %s", fn, AverageSWA, AverageEMA)
	}
	if math.IsNaN(decay) || decay < 0 || decay > 1 {
		return nil, fmt.Errorf("average: invalid decay=%s: want %s", formatNum(decay), wantUnitClosed)
	}
	if err := checkParams("average", params); err != nil {
		return nil, err
	}
	a := &Average[T]{fn: fn, decay: decay, params: append([]*Param[T](nil), params...)}
	for _, p := range params {
		a.avg = append(a.avg, make([]T, len(p.Value)))
	}
	return a, nil
}

// Update averages the parameters' current values in (torch's
// update_parameters).
func (a *Average[T]) Update() {
	for i, p := range a.params {
		avg := a.avg[i][:len(p.Value)]
		switch {
		case a.n == 0:
			copy(avg, p.Value)
		case a.fn == AverageSWA:
			k := T(a.n + 1)
			for j, w := range p.Value {
				avg[j] = avg[j] + (w-avg[j])/k
			}
		default:
			d, omd := T(a.decay), T(1-a.decay)
			for j, w := range p.Value {
				avg[j] = T(d*avg[j]) + T(omd*w)
			}
		}
	}
	a.n++
}

// Count is the number of updates so far (torch's n_averaged).
func (a *Average[T]) Count() int64 { return a.n }

// Values returns the averaged values of parameter i (in the order given
// to NewAverage); do not modify them.
func (a *Average[T]) Values(i int) []T { return a.avg[i] }

// SetState restores an average saved as Count and Values: n updates and
// the averaged values, one slice per parameter.
func (a *Average[T]) SetState(n int64, values [][]T) error {
	if n < 0 || len(values) != len(a.avg) {
		return fmt.Errorf("average: state of %d updates over %d parameters, want ≥ 0 over %d", n, len(values), len(a.avg))
	}
	for i, v := range values {
		if len(v) != len(a.avg[i]) {
			return fmt.Errorf("average: %d values for %q of %d", len(v), a.params[i].Name, len(a.avg[i]))
		}
	}
	for i, v := range values {
		copy(a.avg[i], v)
	}
	a.n = n
	return nil
}
