package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
)

// exitError carries an exit status other than 2.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// env is what every subcommand may use: the streams of the process.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
}

func newRoot(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr}
	root := &cobra.Command{
		Use:   "descent",
		Short: "Deep-learning optimizers in Go, and a lab that shows how they behave",
		Long: `descent runs the optimizers of deep learning (gd, sgd, momentum, adagrad,
rmsprop, adam and more, exact to torch.optim) on test functions and real data.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       buildVersion(),
	}
	// --version prints what `descent version` prints.
	root.SetVersionTemplate("{{.Version}}")
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetIn(stdin)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return fmt.Errorf("%s: %v (see 'descent %s --help')", c.Name(), err, c.Name())
	})
	root.CompletionOptions.DisableDefaultCmd = true
	root.AddCommand(newTraceCmd(e))
	root.AddCommand(newBenchCmd(e))
	root.AddCommand(newExplainCmd(e))
	root.AddCommand(newGalleryCmd(e))
	root.AddCommand(newTrainCmd(e))
	root.AddCommand(newCompareCmd(e))
	root.AddCommand(newServeCmd(e))
	addLangHelp(root)
	root.AddCommand(newVersionCmd(e))
	root.AddCommand(newDataCmd(e))
	root.AddCommand(newExportTorchCmd(e))
	root.AddCommand(newImportTorchCmd(e))
	return root
}

// execute runs root with args and turns its error into an exit status and
// one line on stderr.
func execute(root *cobra.Command, args []string, stderr io.Writer) int {
	root.SetArgs(args)
	err := root.Execute()
	if err == nil {
		return 0
	}
	fmt.Fprintf(stderr, "descent: %s\n", oneLine(err.Error()))
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	return 2
}

func oneLine(s string) string {
	s = strings.TrimSpace(s)
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", " ")), " ")
}
