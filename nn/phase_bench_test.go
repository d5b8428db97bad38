package nn

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/descentlab/descent/clip"
	"github.com/descentlab/descent/internal/gemm"
	"github.com/descentlab/descent/internal/vec"
	"github.com/descentlab/descent/internal/workpool"
	"github.com/descentlab/descent/optim"
)

// BenchmarkPhases breaks one training step of the three nets of issue 10
// into its phases, each timed on the caller (a phase on two threads counts
// its wall time): the passes of Loss and Backward (see phaseStep), the
// finiteness check of the gradients and the optimizer step. Each phase is
// reported in µs per step (metric "µs/NAME"); the sum of the phases is
// "µs/step". It steps the model as Loss and Backward do, phase by phase, on
// one fixed random batch.
//
//	go test -run XXX -bench Phases -benchtime 300x ./nn
func BenchmarkPhases(b *testing.B) {
	for _, c := range []struct {
		spec, opt string
		batch     int
	}{
		{"mlp:784-100-10", "adam:lr=0.001", 100},
		{"mlp:784-100-100-100-100-10", "sgd:lr=0.01", 128},
		{"mlp:784-100-100-100-100-10", "adam:lr=0.001", 128},
		{"mlp:784-1024-1024-10", "adam:lr=0.001", 256},
	} {
		b.Run(c.spec+"/"+c.opt+"/batch="+strconv.Itoa(c.batch), func(b *testing.B) {
			m := MustParse(c.spec, 1)
			x, y := randBatch(rand.New(rand.NewPCG(1, 1)), c.batch, 784, 10)
			h, err := optim.ParseSpec(c.opt)
			if err != nil {
				b.Fatal(err)
			}
			var params []*optim.Param[float32]
			var grads [][]float32
			for _, v := range m.Params() {
				params = append(params, &optim.Param[float32]{Name: v.Name, Value: v.Value, Grad: v.Grad})
				grads = append(grads, v.Grad)
			}
			opt, err := optim.New(h, params...)
			if err != nil {
				b.Fatal(err)
			}
			ph := newPhases()
			step := func() {
				m.phaseStep(ph, x, y)
				t := time.Now()
				if !clip.AllFinite(grads) {
					b.Fatal("non-finite gradient")
				}
				ph.add("finite", t)
				t = time.Now()
				opt.Step()
				ph.add("opt", t)
				ph.steps++
			}
			for range 5 {
				step()
			}
			ph.reset()
			for b.Loop() {
				step()
			}
			ph.report(b)
		})
	}
}

// phases accumulates the time of named phases, in the order first seen.
type phases struct {
	names []string
	total map[string]time.Duration
	steps int
}

func newPhases() *phases { return &phases{total: map[string]time.Duration{}} }

func (p *phases) add(name string, since time.Time) {
	if _, ok := p.total[name]; !ok {
		p.names = append(p.names, name)
	}
	p.total[name] += time.Since(since)
}

func (p *phases) reset() {
	for n := range p.total {
		p.total[n] = 0
	}
	p.steps = 0
}

func (p *phases) report(b *testing.B) {
	var sum time.Duration
	for _, n := range p.names {
		b.ReportMetric(float64(p.total[n].Microseconds())/float64(p.steps), "µs/"+n)
		sum += p.total[n]
	}
	b.ReportMetric(float64(sum.Microseconds())/float64(p.steps), "µs/step")
}

// phaseStep is Loss then Backward, with each phase timed into ph. Where
// Loss splits the batch by rows (rowParts) the phases are Loss's and
// Backward's passes: "forward" (every layer and the softmax, by rows),
// "loss" (the sum), "bwd-x" (the input gradients, by rows) and "bwd-w" (the
// weight gradients); elsewhere one per product and pass between them.
func (m *Model) phaseStep(ph *phases, x []float32, y []uint8) {
	n := len(y)
	ws := &m.train
	ws.ensure(m, n, true)
	c := m.Classes()
	last := len(m.layers) - 1
	if parts := m.rowParts(n); parts > 1 {
		t := time.Now()
		if m.rows.fn == nil {
			m.rows.fn = m.forwardPart
		}
		m.rows.x, m.rows.y, m.rows.n, m.rows.scale = x, y, n, float32(1/float64(n))
		if !workpool.TryRunShared(parts, parts, m.rows.fn) {
			panic("pool busy")
		}
		ph.add("forward", t)
		t = time.Now()
		ceTotal(ws, ws.z[last][:n*c], y, c)
		ph.add("loss", t)
		m.x, m.y, m.ready = x, y, true
		b := &m.back
		if b.rowsFn == nil {
			b.rowsFn, b.gradFn = m.backwardRows, m.weightTask
		}
		b.n = n
		t = time.Now()
		if !workpool.TryRunShared(parts, parts, b.rowsFn) {
			panic("pool busy")
		}
		ph.add("bwd-x", t)
		t = time.Now()
		if b.tasksN != n || b.parts != parts {
			m.planGradTasks(n, parts)
		}
		if !workpool.TryRunShared(len(b.tasks), parts, b.gradFn) {
			panic("pool busy")
		}
		ph.add("bwd-w", t)
		return
	}
	in := x
	for li := range m.layers {
		l := &m.layers[li]
		z := ws.z[li][:n*l.out]
		t := time.Now()
		gemm.Sgemm(false, true, n, l.out, l.in, 1, in, l.in, l.w, l.in, 0, z, l.out)
		ph.add(fmt.Sprintf("fwd%d", li+1), t)
		t = time.Now()
		vec.AddBias(z, l.b, li != last && m.spec.Act == ReLU)
		ph.add("bias", t)
		in = z
	}
	t := time.Now()
	crossEntropy(ws, ws.z[last][:n*c], y, c, ws.dz[last][:n*c], float32(1/float64(n)))
	ph.add("loss", t)
	m.x, m.y, m.ready = x, y, true
	for li := last; li >= 0; li-- {
		l := &m.layers[li]
		t := time.Now()
		if li > 0 && 2*float64(n)*float64(l.in)*float64(l.out) >= minPairWork && runtime.GOMAXPROCS(0) > 1 {
			m.pairLayer, m.pairN = li, n
			if workpool.TryRunShared(2, 2, m.pair) {
				ph.add(fmt.Sprintf("bwd%d", li+1), t)
				continue
			}
		}
		m.weightGrad(li, n, false)
		ph.add(fmt.Sprintf("bwd%d", li+1), t)
		if li > 0 {
			t = time.Now()
			m.inputGrad(li, n, false)
			ph.add(fmt.Sprintf("bwd%d", li+1), t)
		}
	}
}
