package nn

import (
	"math/rand/v2"
	"testing"
)

// mnistLikeBatch returns a batch of n rows of 784 pixel values of which
// the columns zero in every row are about as many as in a batch of MNIST
// (268 of 784 at n = 100), and the OR of its rows' bytes.
func mnistLikeBatch(n int, seed uint64) (x []float32, y []uint8, or []byte) {
	r := rand.New(rand.NewPCG(seed, 1))
	x = make([]float32, n*784)
	y = make([]uint8, n)
	or = make([]byte, 784)
	for i := range n {
		y[i] = uint8(r.IntN(10))
		for j := range 784 {
			row, col := j/28, j%28
			// a centred blob: the border is zero, the middle often lit
			if row < 4 || row > 23 || col < 5 || col > 22 || r.IntN(3) == 0 {
				continue
			}
			b := byte(1 + r.IntN(255))
			x[i*784+j] = float32(b) / 255
			or[j] |= b
		}
	}
	return x, y, or
}

// BenchmarkLossCols times a training step's Loss and Backward of
// mlp:784-100-10 on a batch of 100 with MNIST's share of zero columns,
// with the columns skipped (cols) and not (dense).
func BenchmarkLossCols(b *testing.B) {
	x, y, or := mnistLikeBatch(100, 3)
	for _, cols := range []bool{false, true} {
		name := "dense"
		if cols {
			name = "cols"
		}
		b.Run(name, func(b *testing.B) {
			m := MustParse("mlp:784-100-10", 1)
			for b.Loop() {
				if cols {
					m.LossCols(x, y, or)
				} else {
					m.Loss(x, y)
				}
				m.Backward()
			}
		})
	}
}

// BenchmarkLossColsPhases times Loss and Backward apart (see BenchmarkLossCols).
func BenchmarkLossColsPhases(b *testing.B) {
	x, y, or := mnistLikeBatch(100, 3)
	for _, cols := range []bool{false, true} {
		name := "dense"
		if cols {
			name = "cols"
		}
		m := MustParse("mlp:784-100-10", 1)
		b.Run(name+"/loss", func(b *testing.B) {
			for b.Loop() {
				if cols {
					m.LossCols(x, y, or)
				} else {
					m.Loss(x, y)
				}
			}
		})
		b.Run(name+"/backward", func(b *testing.B) {
			for b.Loop() {
				m.Backward()
			}
		})
	}
}
