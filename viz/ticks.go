package viz

import (
	"math"
	"strconv"

	"gonum.org/v1/plot"
)

// NiceTicks is the tick maker of every linear axis in descent's charts: it
// labels 4–8 round values (multiples of 1, 2, 2.5 or 5 times a power of
// ten) with unlabelled minor ticks between them; plot's default ticker
// often labels only two or three values on a map.
type NiceTicks struct{}

// maxTicks bounds the ticks of one axis, whatever the range: the loop
// below stops there even where rounding makes k·minor stand still.
const maxTicks = 200

// Ticks returns at most maxTicks ticks of [lo, hi].
func (NiceTicks) Ticks(lo, hi float64) []plot.Tick {
	if !(hi > lo) || CheckRange(lo, hi) != nil {
		// A range no picture shows well: two ticks at its ends.
		if math.IsNaN(lo) || math.IsNaN(hi) || math.IsInf(lo, 0) || math.IsInf(hi, 0) {
			return nil
		}
		return []plot.Tick{{Value: lo, Label: strconv.FormatFloat(lo, 'g', 4, 64)}, {Value: hi, Label: strconv.FormatFloat(hi, 'g', 4, 64)}}
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
	// Enough decimals for the step: 0.5 → 1, 0.25 → 2, 1 → 0.
	decimals := max(0, -int(math.Floor(math.Log10(step)+1e-9)))
	if m := step / math.Pow(10, math.Floor(math.Log10(step)+1e-9)); math.Abs(m-2.5) < 1e-9 {
		decimals++
	}
	var ts []plot.Tick
	minor := step / float64(minors)
	for k := math.Ceil(lo / minor); k*minor <= hi*(1+1e-12)+1e-300 && len(ts) < maxTicks; k++ {
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

// LogTicks is the tick maker of every log axis in descent's charts (viz's
// loss chart and train/report's). A range within three decades (from a
// power of ten to the third above it) is labelled at 1, 2 and 5 times the
// powers of ten (powers alone would leave a loss between 0.2 and 2.3 with
// one label); a wider one at the powers of
// ten, every k-th decade so that at most eight are labelled. Minor ticks sit
// at 2…9 times each power when the range spans at most six decades.
// plot.LogTicks labels every decade and prints rounding noise.
type LogTicks struct{}

// Ticks returns the ticks of [lo, hi], which may reach past it by up to a
// decade at either end (plot draws only those within the axis); none when
// lo is not positive or hi not finite and above lo.
func (LogTicks) Ticks(lo, hi float64) []plot.Tick {
	if !(lo > 0) || !(hi > lo) {
		return nil
	}
	if math.IsInf(hi, 0) {
		return nil
	}
	e0, e1 := int(math.Floor(math.Log10(lo))), int(math.Ceil(math.Log10(hi))) // within ±324: bounded
	few := e1-e0 <= 3
	stride := max(1, (e1-e0+7)/8)
	var ts []plot.Tick
	for e := e0; e <= e1; e++ {
		v := math.Pow(10, float64(e))
		if e%stride == 0 {
			ts = append(ts, plot.Tick{Value: v, Label: formatPow10(1, e)})
		} else {
			ts = append(ts, plot.Tick{Value: v})
		}
		if e1-e0 <= 6 && e < e1 {
			for m := 2; m <= 9; m++ {
				t := plot.Tick{Value: float64(m) * v}
				if few && (m == 2 || m == 5) {
					t.Label = formatPow10(m, e)
				}
				ts = append(ts, t)
			}
		}
	}
	return ts
}

// formatPow10 writes m·10^e, m a digit: in plain decimals near 1, else as
// "me<e>".
func formatPow10(m, e int) string {
	if e >= -3 && e <= 4 {
		return strconv.FormatFloat(float64(m)*math.Pow(10, float64(e)), 'f', max(0, -e), 64)
	}
	return strconv.Itoa(m) + "e" + strconv.Itoa(e)
}

// LogAxis reports whether a chart puts values in [lo, hi] (the least and
// greatest finite value it draws) on a log axis: when all are positive and
// span a decade or more, such as a training loss falling from 2.3 to 0.1,
// whose last stretch (where the optimizers differ) a linear axis squeezes
// into its bottom tenth. It is the rule of every loss chart in descent.
func LogAxis(lo, hi float64) bool {
	return lo > 0 && !math.IsInf(hi, 0) && hi/lo >= 10
}
