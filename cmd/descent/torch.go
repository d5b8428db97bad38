package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/descentlab/descent/checkpoint"
	"github.com/descentlab/descent/internal/atomicfile"
	"github.com/descentlab/descent/safetensors"
	"github.com/descentlab/descent/torchbridge"
)

// torchFiles are the weights and optimizer-state files of a conversion:
// given one by one, or as the two files of a checkpoint folder.
type torchFiles struct{ dir, weights, state string }

func (f *torchFiles) flags(cmd *cobra.Command, verb string) {
	cmd.Flags().StringVar(&f.dir, "checkpoint", "", "a checkpoint folder: "+verb+" its "+checkpoint.ModelFile+" and "+checkpoint.OptimizerFile)
	cmd.Flags().StringVar(&f.weights, "weights", "", "the weights file (F32 safetensors, as model.safetensors)")
	cmd.Flags().StringVar(&f.state, "state", "", "the optimizer state file (as optimizer.safetensors)")
}

// paths returns the weights and state files, or an error saying what to give.
func (f *torchFiles) paths(cmd string) (string, string, error) {
	switch {
	case f.dir != "" && (f.weights != "" || f.state != ""):
		return "", "", fmt.Errorf("%s: --checkpoint or --weights and --state, not both", cmd)
	case f.dir != "":
		return filepath.Join(f.dir, checkpoint.ModelFile), filepath.Join(f.dir, checkpoint.OptimizerFile), nil
	case f.weights == "" || f.state == "":
		return "", "", fmt.Errorf("%s: want --checkpoint DIR, or --weights FILE and --state FILE", cmd)
	}
	return f.weights, f.state, nil
}

func newExportTorchCmd(e *env) *cobra.Command {
	var files torchFiles
	var out string
	cmd := &cobra.Command{
		Use:   "export-torch (--checkpoint DIR | --weights FILE --state FILE) -o FILE",
		Short: "Write weights and optimizer state in PyTorch's layout (torchbridge)",
		Long: `export-torch writes a model's weights and its optimizer's state as one
safetensors file in PyTorch's layout: buffers in their parameters' shapes,
keyed by torch's integer parameter ids, param_groups with torch's names.
torchbridge/torch_bridge.py loads it into a torch model and optimizer:

  model, opt = ..., torch.optim.Adam(...)
  torch_bridge.load("x.safetensors", model, opt)

The rate of each group is its current one; see 'go doc ./torchbridge' for
what that means for a schedule that goes on.`,
		Example: `  descent export-torch --checkpoint runs/adam/checkpoints/step-00000600 -o adam.safetensors`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			wPath, sPath, err := files.paths("export-torch")
			if err != nil {
				return err
			}
			if out == "" {
				return fmt.Errorf("export-torch: -o FILE is required")
			}
			wb, err := os.ReadFile(wPath)
			if err != nil {
				return fmt.Errorf("export-torch: %v", err)
			}
			weights, _, err := safetensors.ReadFloat32(wb)
			if err != nil {
				return fmt.Errorf("export-torch: %s: %v", wPath, err)
			}
			sb, err := os.ReadFile(sPath)
			if err != nil {
				return fmt.Errorf("export-torch: %v", err)
			}
			b, err := torchbridge.Export(weights, sb)
			if err != nil {
				return fmt.Errorf("export-torch: %s: %v", sPath, err)
			}
			if err := atomicfile.Write(out, b); err != nil {
				return fmt.Errorf("export-torch: %v", err)
			}
			fmt.Fprintf(e.stdout, "wrote %s\n", out)
			return nil
		},
	}
	files.flags(cmd, "read")
	cmd.Flags().StringVarP(&out, "output", "o", "", "the torch-layout safetensors file to write")
	return cmd
}

func newImportTorchCmd(e *env) *cobra.Command {
	var files torchFiles
	cmd := &cobra.Command{
		Use:   "import-torch FILE (--checkpoint DIR | --weights FILE --state FILE)",
		Short: "Read weights and optimizer state from PyTorch's layout (torchbridge)",
		Long: `import-torch reads a file in PyTorch's layout (export-torch's, or
torch_bridge.save(path, model, optimizer) from torchbridge/torch_bridge.py)
and writes the weights and the optimizer state in descent's formats, which
optim.Optimizer.UnmarshalBinary and nn.LoadWeights load. With --checkpoint
DIR they are written as DIR's model.safetensors and optimizer.safetensors
(DIR is created; a training checkpoint also needs its manifest).`,
		Example: `  descent import-torch adam.safetensors --weights model.safetensors --state optimizer.safetensors`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) != 1 {
				return fmt.Errorf("import-torch: want one file in torch's layout, got %d arguments", len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			wPath, sPath, err := files.paths("import-torch")
			if err != nil {
				return err
			}
			b, err := os.ReadFile(args[0])
			if err != nil {
				return fmt.Errorf("import-torch: %v", err)
			}
			weights, st, err := torchbridge.Import(b)
			if err != nil {
				return fmt.Errorf("import-torch: %s: %v", args[0], err)
			}
			var wb bytes.Buffer
			if err := safetensors.WriteFloat32(&wb, weights, nil); err != nil {
				return fmt.Errorf("import-torch: %v", err)
			}
			if files.dir != "" {
				if err := os.MkdirAll(files.dir, 0o755); err != nil {
					return fmt.Errorf("import-torch: %v", err)
				}
			}
			for _, f := range []struct {
				path string
				b    []byte
			}{{wPath, wb.Bytes()}, {sPath, st}} {
				if err := atomicfile.Write(f.path, f.b); err != nil {
					return fmt.Errorf("import-torch: %v", err)
				}
			}
			fmt.Fprintf(e.stdout, "wrote %s, %s\n", wPath, sPath)
			return nil
		},
	}
	files.flags(cmd, "write")
	return cmd
}
