package viz

import (
	"math"
	"strconv"

	"gonum.org/v1/plot"
)

// niceTicks labels 4–8 round values (multiples of 1, 2, 2.5 or 5 times a
// power of ten) with unlabelled minor ticks between them; plot's default
// ticker often labels only two or three values on a map.
type niceTicks struct{}

func (niceTicks) Ticks(lo, hi float64) []plot.Tick {
	if !(hi > lo) || math.IsInf(hi-lo, 0) {
		return plot.DefaultTicks{}.Ticks(lo, hi)
	}
	raw := (hi - lo) / 6
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step, minors := 10*mag, 5
	for _, m := range []struct {
		f float64
		n int
	}{{1, 5}, {2, 4}, {2.5, 5}, {5, 5}} {
		if m.f*mag >= raw {
			step, minors = m.f*mag, m.n
			break
		}
	}
	decimals := 0
	if mag < 1 {
		decimals = int(math.Round(-math.Log10(mag)))
		if step/mag == 2.5 {
			decimals++
		}
	}
	var ts []plot.Tick
	minor := step / float64(minors)
	for k := math.Ceil(lo / minor); k*minor <= hi*(1+1e-12)+1e-300; k++ {
		v := k * minor
		if int(math.Mod(math.Abs(k), float64(minors))) == 0 {
			ts = append(ts, plot.Tick{Value: v, Label: formatTick(v, step, decimals)})
		} else {
			ts = append(ts, plot.Tick{Value: v})
		}
	}
	return ts
}

func formatTick(v, step float64, decimals int) string {
	if math.Abs(v) < step/2 {
		return "0"
	}
	if math.Abs(v) >= 1e6 || step < 1e-4 {
		return strconv.FormatFloat(v, 'g', 4, 64)
	}
	return strconv.FormatFloat(v, 'f', decimals, 64)
}
