package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/descentlab/descent/checkpoint"
)

// TestTorchCommands trains a few steps with a checkpoint, exports it to
// torch's layout and imports it back: the weights and optimizer files come
// back byte for byte. Bad input exits 2 with one line.
func TestTorchCommands(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	_, errOut, code := runCLI(t, "train", "--data", "mnist", "--model", "mlp:784-8-10", "--opt", "adam:lr=0.01,amsgrad=true",
		"--batch", "50", "--epochs", "1", "--subset", "200", "--checkpoint-every", "4", "-o", dir)
	if code != 0 {
		t.Fatalf("train: exit %d: %s", code, errOut)
	}
	last, err := checkpoint.Latest(filepath.Join(dir, "checkpoints"))
	if err != nil {
		t.Fatal(err)
	}
	torch := filepath.Join(t.TempDir(), "torch.safetensors")
	if _, errOut, code := runCLI(t, "export-torch", "--checkpoint", last.Dir, "-o", torch); code != 0 {
		t.Fatalf("export-torch: exit %d: %s", code, errOut)
	}
	back := filepath.Join(t.TempDir(), "back")
	if _, errOut, code := runCLI(t, "import-torch", torch, "--checkpoint", back); code != 0 {
		t.Fatalf("import-torch: exit %d: %s", code, errOut)
	}
	for _, f := range []string{checkpoint.ModelFile, checkpoint.OptimizerFile} {
		a, err1 := os.ReadFile(filepath.Join(last.Dir, f))
		b, err2 := os.ReadFile(filepath.Join(back, f))
		if err1 != nil || err2 != nil || !bytes.Equal(a, b) {
			t.Errorf("%s after export-torch and import-torch: differs (%v, %v)", f, err1, err2)
		}
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"export-torch", "--checkpoint", last.Dir}, "-o FILE is required"},
		{[]string{"export-torch", "-o", torch}, "want --checkpoint DIR, or --weights FILE and --state FILE"},
		{[]string{"export-torch", "--checkpoint", last.Dir, "--state", "x", "-o", torch}, "not both"},
		{[]string{"export-torch", "--weights", filepath.Join(last.Dir, checkpoint.OptimizerFile), "--state", filepath.Join(last.Dir, checkpoint.OptimizerFile), "-o", torch}, `parameter "fc1.weight" of the optimizer state has no weights`},
		{[]string{"export-torch", "--weights", filepath.Join(last.Dir, checkpoint.ModelFile), "--state", filepath.Join(last.Dir, checkpoint.ModelFile), "-o", torch}, "not an optim.Optimizer state"},
		{[]string{"import-torch", filepath.Join(last.Dir, checkpoint.ModelFile), "--checkpoint", back}, "names no optimizer"},
		{[]string{"import-torch", "--checkpoint", back}, "want one file"},
	} {
		_, errOut, code := runCLI(t, c.args...)
		if code != 2 || !strings.Contains(errOut, c.want) || strings.Count(errOut, "\n") != 1 {
			t.Errorf("descent %v: exit %d, %q; want 2 and one line with %q", c.args, code, errOut, c.want)
		}
	}
}
