// Command descent drives the descent optimizers: it traces them on 2-D test
// functions, draws them, explains them, trains networks on MNIST with them
// and measures their speed. Run `descent help` for the commands.
package main

import (
	"io"
	"os"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run executes the command line args and returns the exit status: 0 on
// success, 2 for bad input (with one line on stderr), another code where a
// command says so.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return execute(newRoot(stdin, stdout, stderr), args, stderr)
}
