package torchbridge

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/descentlab/descent/optim"
	"github.com/descentlab/descent/safetensors"
)

// checkCases are the optimizers testdata/torch/check_bridge.py runs in
// torch 1.13: two groups each (fc1, fc2), the second's rate halved by
// SetLR midway, as a schedule would.
var checkCases = []struct{ name, spec1, spec2 string }{
	{"adam", "adam:lr=0.01", "adam:lr=0.003,amsgrad=true,weight_decay=0.1"},
	{"sgd", "sgd:lr=0.1,momentum=0.9,nesterov=true", "sgd:lr=0.05,momentum=0.5,dampening=0.1,weight_decay=0.01"},
}

// checkSteps are the steps taken before the export and after it.
const checkSteps = 5

// TestTorchCheck is the Go side of testdata/torch/check_bridge.py, which
// runs it with DESCENT_TORCH_CHECK=DIR and DESCENT_TORCH_PHASE export or
// import; without them it is skipped. export: each case takes checkSteps
// steps, is exported to DIR/NAME.safetensors, writes the gradients of
// checkSteps more steps to DIR/NAME_grads.safetensors, takes them and
// exports the result to DIR/NAME_go.safetensors. import: each
// DIR/NAME_torch.safetensors (torch's result after the same steps, saved
// by torch_bridge.py) is imported, loaded into an optimizer, and compared
// with DIR/NAME_go.safetensors.
func TestTorchCheck(t *testing.T) {
	dir, phase := os.Getenv("DESCENT_TORCH_CHECK"), os.Getenv("DESCENT_TORCH_PHASE")
	if dir == "" {
		t.Skip("run by testdata/torch/check_bridge.py (DESCENT_TORCH_CHECK=DIR)")
	}
	for _, c := range checkCases {
		switch phase {
		case "export":
			o, ps, ws := run(t, c.spec1, c.spec2, checkSteps)
			writeExport(t, o, ws, filepath.Join(dir, c.name+".safetensors"))
			r := rand.New(rand.NewPCG(3, 3))
			var grads []safetensors.Tensor
			for k := range checkSteps {
				for i, p := range ps {
					for j := range p.Grad {
						p.Grad[j] = float32(r.NormFloat64())
					}
					grads = append(grads, safetensors.NewF32(fmt.Sprintf("%d.%s", k, ws[i].Name), ws[i].Shape, p.Grad))
				}
				o.Step()
			}
			var b bytes.Buffer
			if err := safetensors.Encode(&b, grads, nil); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, c.name+"_grads.safetensors"), b.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			writeExport(t, o, ws, filepath.Join(dir, c.name+"_go.safetensors"))
		case "import":
			read := func(file string) ([]safetensors.Float32Tensor, optim.State[float32]) {
				b, err := os.ReadFile(filepath.Join(dir, file))
				if err != nil {
					t.Fatal(err)
				}
				ws, st, err := Import(b)
				if err != nil {
					t.Fatalf("%s: %v", file, err)
				}
				o, _, _ := run(t, c.spec1, c.spec2, 0)
				if err := o.UnmarshalBinary(st); err != nil {
					t.Fatalf("%s: the imported state does not load: %v", file, err)
				}
				return ws, o.State()
			}
			goW, goS := read(c.name + "_go.safetensors")
			tW, tS := read(c.name + "_torch.safetensors")
			var dw, db float64
			for i := range goW {
				for j := range goW[i].Data {
					dw = math.Max(dw, math.Abs(float64(goW[i].Data[j]-tW[i].Data[j])))
				}
			}
			for name, ps := range goS.Params {
				tp := tS.Params[name]
				// torch's SGD counts no steps: it carries the count
				// exported before its steps.
				if tp.Step != ps.Step && c.name != "sgd" {
					t.Errorf("%s %s: step %d in torch, %d in descent", c.name, name, tp.Step, ps.Step)
				}
				for bn, v := range ps.Buffers {
					for j := range v {
						db = math.Max(db, math.Abs(float64(v[j]-tp.Buffers[bn][j])))
					}
				}
			}
			for g := range goS.Groups {
				if goS.Groups[g].Hyper != tS.Groups[g].Hyper {
					t.Errorf("%s group %d: torch's hyperparameters import as %s, descent's are %s", c.name, g, tS.Groups[g].Hyper, goS.Groups[g].Hyper)
				}
			}
			fmt.Printf("import %s: torch's state after %d more steps loads into descent; max |Δw| %.3g, max |Δbuffer| %.3g against descent's own steps\n", c.name, checkSteps, dw, db)
		default:
			t.Fatalf("DESCENT_TORCH_PHASE=%q: want export or import", phase)
		}
	}
}

func writeExport(t *testing.T, o *optim.Optimizer[float32], ws []safetensors.Float32Tensor, path string) {
	t.Helper()
	st, err := o.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	b, err := Export(ws, st)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}
