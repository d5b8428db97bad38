package schedule

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// Mode says whether a Plateau's metric should fall or rise.
type Mode int

const (
	Min Mode = iota // the metric should fall (a loss); torch mode="min"
	Max             // the metric should rise (an accuracy); torch mode="max"
)

func (m Mode) String() string {
	switch m {
	case Min:
		return "min"
	case Max:
		return "max"
	}
	return fmt.Sprintf("Mode(%d)", int(m))
}

// ThresholdMode says how a Plateau measures a significant improvement.
type ThresholdMode int

const (
	// Rel: better than best·(1 − threshold) in Min mode, best·(1 + threshold) in Max.
	Rel ThresholdMode = iota
	// Abs: better than best − threshold in Min mode, best + threshold in Max.
	Abs
)

func (m ThresholdMode) String() string {
	switch m {
	case Rel:
		return "rel"
	case Abs:
		return "abs"
	}
	return fmt.Sprintf("ThresholdMode(%d)", int(m))
}

// PlateauOptions are the hyperparameters of a Plateau, named as in
// torch.optim.lr_scheduler.ReduceLROnPlateau. The zero value is not usable
// (Factor 0 is rejected); start from DefaultPlateauOptions.
type PlateauOptions struct {
	Mode          Mode
	Factor        float64 // new lr = lr·Factor, in (0, 1)
	Patience      int     // bad steps tolerated before a reduction, ≥ 0
	Threshold     float64 // what counts as a significant improvement, ≥ 0
	ThresholdMode ThresholdMode
	Cooldown      int     // steps after a reduction during which bad steps are not counted, ≥ 0
	MinLR         float64 // floor on the lr, ≥ 0
	Eps           float64 // a reduction smaller than Eps is skipped, ≥ 0
}

// DefaultPlateauOptions returns torch's defaults: mode min, factor 0.1,
// patience 10, threshold 1e-4 relative, cooldown 0, min_lr 0, eps 1e-8.
func DefaultPlateauOptions() PlateauOptions {
	return PlateauOptions{Mode: Min, Factor: 0.1, Patience: 10, Threshold: 1e-4,
		ThresholdMode: Rel, Cooldown: 0, MinLR: 0, Eps: 1e-8}
}

// PlateauState is everything a Plateau remembers between steps. It is a
// plain value: copy it to save, assign it back to restore. Best starts at
// +Inf (Min) or −Inf (Max), which encoding/json cannot write; use
// MarshalBinary, or encode it yourself.
type PlateauState struct {
	LR              float64 // the current learning rate
	Best            float64 // the best metric seen so far
	NumBadSteps     int     // steps since Best last improved significantly
	CooldownCounter int     // cooldown steps left
	Steps           int     // calls to Step so far (torch last_epoch)
}

// Plateau is torch.optim.lr_scheduler.ReduceLROnPlateau for one parameter
// group: it multiplies the lr by Factor when the metric has not improved
// significantly for more than Patience steps. Unlike a Schedule it depends
// on the metrics seen, so its state is explicit in State.
type Plateau struct {
	opts  PlateauOptions
	State PlateauState
}

// NewPlateau returns a Plateau starting at learning rate lr.
func NewPlateau(lr float64, o PlateauOptions) (*Plateau, error) {
	const name = "plateau"
	if err := checkLR(name, "lr", lr); err != nil {
		return nil, err
	}
	switch {
	case o.Mode != Min && o.Mode != Max:
		return nil, optErr(name, "mode", o.Mode, "min or max")
	case !(o.Factor > 0 && o.Factor < 1):
		return nil, optErr(name, "factor", o.Factor, "a factor in (0, 1)")
	case o.Patience < 0:
		return nil, optErr(name, "patience", o.Patience, "an integer ≥ 0")
	case !finite(o.Threshold) || o.Threshold < 0:
		return nil, optErr(name, "threshold", o.Threshold, "a finite number ≥ 0")
	case o.ThresholdMode != Rel && o.ThresholdMode != Abs:
		return nil, optErr(name, "threshold_mode", o.ThresholdMode, "rel or abs")
	case o.Cooldown < 0:
		return nil, optErr(name, "cooldown", o.Cooldown, "an integer ≥ 0")
	case !finite(o.MinLR) || o.MinLR < 0:
		return nil, optErr(name, "min_lr", o.MinLR, "a finite number ≥ 0")
	case !finite(o.Eps) || o.Eps < 0:
		return nil, optErr(name, "eps", o.Eps, "a finite number ≥ 0")
	}
	best := math.Inf(1)
	if o.Mode == Max {
		best = math.Inf(-1)
	}
	return &Plateau{opts: o, State: PlateauState{LR: lr, Best: best}}, nil
}

// Options returns the hyperparameters the Plateau was made with.
func (p *Plateau) Options() PlateauOptions { return p.opts }

// isBetter is torch's is_better. A NaN metric is never better.
func (p *Plateau) isBetter(a float64) bool {
	best, th := p.State.Best, p.opts.Threshold
	switch {
	case p.opts.Mode == Min && p.opts.ThresholdMode == Rel:
		return a < best*(1-th)
	case p.opts.Mode == Min:
		return a < best-th
	case p.opts.ThresholdMode == Rel:
		return a > best*(th+1)
	default:
		return a > best+th
	}
}

// Step records one metric value (typically once per epoch, after
// validation) and returns the learning rate to use from now on.
func (p *Plateau) Step(metric float64) float64 {
	s := &p.State
	s.Steps++
	if p.isBetter(metric) {
		s.Best = metric
		s.NumBadSteps = 0
	} else {
		s.NumBadSteps++
	}
	if s.CooldownCounter > 0 {
		s.CooldownCounter--
		s.NumBadSteps = 0 // bad steps during cooldown do not count
	}
	if s.NumBadSteps > p.opts.Patience {
		if newLR := max(s.LR*p.opts.Factor, p.opts.MinLR); s.LR-newLR > p.opts.Eps {
			s.LR = newLR
		}
		s.CooldownCounter = p.opts.Cooldown
		s.NumBadSteps = 0
	}
	return s.LR
}

const plateauStateVersion = 1

// plateauStateSize is the encoded size: version byte, two float64, three int64.
const plateauStateSize = 1 + 2*8 + 3*8

// MarshalBinary encodes the state in a fixed little-endian layout.
func (s PlateauState) MarshalBinary() ([]byte, error) {
	b := make([]byte, 0, plateauStateSize)
	b = append(b, plateauStateVersion)
	b = binary.LittleEndian.AppendUint64(b, math.Float64bits(s.LR))
	b = binary.LittleEndian.AppendUint64(b, math.Float64bits(s.Best))
	b = binary.LittleEndian.AppendUint64(b, uint64(int64(s.NumBadSteps)))
	b = binary.LittleEndian.AppendUint64(b, uint64(int64(s.CooldownCounter)))
	b = binary.LittleEndian.AppendUint64(b, uint64(int64(s.Steps)))
	return b, nil
}

// UnmarshalBinary decodes what MarshalBinary wrote.
func (s *PlateauState) UnmarshalBinary(b []byte) error {
	if len(b) != plateauStateSize {
		return fmt.Errorf("schedule: plateau state: %d bytes, want %d", len(b), plateauStateSize)
	}
	if b[0] != plateauStateVersion {
		return fmt.Errorf("schedule: plateau state: version %d, want %d", b[0], plateauStateVersion)
	}
	u := func(i int) uint64 { return binary.LittleEndian.Uint64(b[1+8*i:]) }
	st := PlateauState{
		LR:              math.Float64frombits(u(0)),
		Best:            math.Float64frombits(u(1)),
		NumBadSteps:     int(int64(u(2))),
		CooldownCounter: int(int64(u(3))),
		Steps:           int(int64(u(4))),
	}
	if !finite(st.LR) || st.LR < 0 || st.NumBadSteps < 0 || st.CooldownCounter < 0 || st.Steps < 0 {
		return errors.New("schedule: plateau state: negative or non-finite field")
	}
	*s = st
	return nil
}
