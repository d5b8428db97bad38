package data

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
)

// Sampler draws batches of example indices in [0, n), epoch by epoch.
// The batch size chooses the method of the study:
//
//   - batch == n: full-batch gradient descent (GD). Every step is the whole
//     set, in index order 0, 1, …, n−1, so GD does not depend on the seed.
//   - batch == 1: stochastic gradient descent (SGD), one random example a step.
//   - 1 < batch < n: mini-batch SGD, random batches of size batch.
//
// For batch < n each epoch is a fresh uniformly random permutation of [0, n)
// (Fisher–Yates through math/rand/v2 with a PCG source seeded by seed),
// cut into consecutive batches, so every epoch covers every example exactly
// once. When batch does not divide n the last batch of an epoch is the
// partial remainder, n mod batch examples: it is kept rather than dropped or
// padded, so no example is skipped. An epoch thus has ⌈n/batch⌉ steps.
//
// The state (epoch, position, generator) can be saved with State or
// MarshalBinary and restored with SetState or UnmarshalBinary; a restored
// sampler continues with exactly the batches the original would have drawn.
type Sampler struct {
	n, batch int
	perm     []int
	pos      int // next position in perm; always < n
	epoch    int // completed epochs
	steps    int // batches drawn so far
	pcg      *rand.PCG
	rng      *rand.Rand
	start    rand.PCG // generator state just before this epoch's shuffle
}

// NewSampler returns a sampler of batches of size batch from n examples,
// shuffled from seed. It needs 1 ≤ batch ≤ n.
func NewSampler(n, batch int, seed uint64) (*Sampler, error) {
	if n < 1 {
		return nil, fmt.Errorf("data: sampler needs at least one example, got n = %d", n)
	}
	if batch < 1 || batch > n {
		return nil, fmt.Errorf("data: batch size %d is outside [1, %d], the number of examples", batch, n)
	}
	s := &Sampler{n: n, batch: batch, perm: make([]int, n)}
	// The second PCG word is a fixed stream constant so that one seed
	// names one sequence.
	s.pcg = rand.NewPCG(seed, 0x9e3779b97f4a7c15)
	s.rng = rand.New(s.pcg)
	s.startEpoch()
	return s, nil
}

// startEpoch lays out the permutation of the epoch that starts now.
func (s *Sampler) startEpoch() {
	s.start = *s.pcg
	for i := range s.perm {
		s.perm[i] = i
	}
	if s.batch < s.n {
		s.rng.Shuffle(s.n, s.swap)
	}
	s.pos = 0
}

func (s *Sampler) swap(i, j int) { s.perm[i], s.perm[j] = s.perm[j], s.perm[i] }

// Next writes the indices of the next batch into dst[:0], growing it only if
// its capacity is too small, and returns it. After the last batch of an
// epoch the next epoch's order is drawn, and Epoch grows by one.
func (s *Sampler) Next(dst []int) []int {
	end := min(s.pos+s.batch, s.n)
	dst = append(dst[:0], s.perm[s.pos:end]...)
	s.steps++
	s.pos = end
	if s.pos == s.n {
		s.epoch++
		s.startEpoch()
	}
	return dst
}

// N returns the number of examples.
func (s *Sampler) N() int { return s.n }

// BatchSize returns the batch size (the last batch of an epoch may be smaller).
func (s *Sampler) BatchSize() int { return s.batch }

// StepsPerEpoch returns ⌈n/batch⌉, the number of batches in one epoch.
func (s *Sampler) StepsPerEpoch() int { return (s.n + s.batch - 1) / s.batch }

// Epoch returns the number of completed epochs.
func (s *Sampler) Epoch() int { return s.epoch }

// Steps returns the number of batches drawn so far, over all epochs.
func (s *Sampler) Steps() int { return s.steps }

// SamplerState is a sampler's complete state, a plain value fit for a
// checkpoint. RNG is the PCG state at the start of the current epoch
// (rand.PCG.MarshalBinary); the epoch's permutation is recomputed from it.
type SamplerState struct {
	N, Batch int
	Epoch    int
	Pos      int // examples of the current epoch already drawn
	Steps    int
	RNG      []byte
}

// State returns the sampler's state.
func (s *Sampler) State() SamplerState {
	rng, _ := s.start.MarshalBinary() // never fails
	return SamplerState{N: s.n, Batch: s.batch, Epoch: s.epoch, Pos: s.pos, Steps: s.steps, RNG: rng}
}

// SetState restores a state taken from a sampler with the same n and batch.
func (s *Sampler) SetState(st SamplerState) error {
	if st.N != s.n || st.Batch != s.batch {
		return fmt.Errorf("data: sampler state is for n = %d, batch = %d; this sampler has n = %d, batch = %d", st.N, st.Batch, s.n, s.batch)
	}
	if st.Pos < 0 || st.Pos >= s.n || st.Pos%s.batch != 0 || st.Epoch < 0 || st.Steps < 0 {
		return fmt.Errorf("data: sampler state has position %d, epoch %d, steps %d: want a multiple of %d below %d and non-negative counts", st.Pos, st.Epoch, st.Steps, s.batch, s.n)
	}
	var pcg rand.PCG
	if err := pcg.UnmarshalBinary(st.RNG); err != nil {
		return fmt.Errorf("data: sampler state: %w", err)
	}
	*s.pcg = pcg
	s.startEpoch()
	s.pos, s.epoch, s.steps = st.Pos, st.Epoch, st.Steps
	return nil
}

// samplerMagic starts the binary form of a SamplerState, version 1.
const samplerMagic = "dsmp\x01"

// MarshalBinary encodes the sampler's state (encoding.BinaryMarshaler).
func (s *Sampler) MarshalBinary() ([]byte, error) {
	st := s.State()
	b := []byte(samplerMagic)
	for _, v := range []int{st.N, st.Batch, st.Epoch, st.Pos, st.Steps} {
		b = binary.BigEndian.AppendUint64(b, uint64(v))
	}
	return append(b, st.RNG...), nil
}

// UnmarshalBinary restores a state encoded by MarshalBinary into a sampler
// with the same n and batch (encoding.BinaryUnmarshaler).
func (s *Sampler) UnmarshalBinary(b []byte) error {
	if len(b) < len(samplerMagic)+5*8 || string(b[:len(samplerMagic)]) != samplerMagic {
		return errors.New("data: not a sampler state")
	}
	b = b[len(samplerMagic):]
	var v [5]int
	for i := range v {
		u := binary.BigEndian.Uint64(b[8*i:])
		if u > 1<<62 {
			return errors.New("data: sampler state out of range")
		}
		v[i] = int(u)
	}
	return s.SetState(SamplerState{N: v[0], Batch: v[1], Epoch: v[2], Pos: v[3], Steps: v[4], RNG: b[40:]})
}
