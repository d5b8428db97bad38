package main

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/descentlab/descent/playground"
)

func newServeCmd(e *env) *cobra.Command {
	var (
		addr   string
		open   bool
		runDir string
	)
	cmd := &cobra.Command{
		Use:   "serve [--addr 127.0.0.1:8080] [--open] [--runs DIR]",
		Short: "Start the playground: a local web page to move the sliders and watch the optimizers",
		Long: `serve starts a web server on the loopback address and prints its URL. The
page runs the optimizers of descent trace on the 2-D test functions as you
change them, and (at /mnist) compares optimizers on MNIST as descent compare
does, writing each comparison under --runs. Everything it serves is built
into the binary; it needs no network. Ctrl-C (SIGINT) or SIGTERM stops it:
a running comparison first writes its partial report and a checkpoint of the
optimizer it was training, in DIR/cmp-…/run-N, and serve prints the
descent train --resume command that continues it.`,
		Example: `  descent serve --open
  descent serve --addr 127.0.0.1:9000 --runs runs/playground`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, err := playground.New(playground.Config{RunDir: runDir, Log: e.stderr})
			if err != nil {
				return fmt.Errorf("serve: %v", err)
			}
			if _, _, err := net.SplitHostPort(addr); err != nil {
				return fmt.Errorf("serve: --addr %s: want HOST:PORT, e.g. 127.0.0.1:8080", addr)
			}
			if !playground.IsLoopback(addr) {
				fmt.Fprintf(e.stderr, "descent: warning: --addr %s is not a loopback address: other machines can reach the playground\n", addr)
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			err = playground.Serve(ctx, s, addr, func(url string) {
				fmt.Fprintf(e.stdout, "descent playground: %s  (Ctrl-C stops it)\n", url)
				if open {
					openBrowser(e, url)
				}
			})
			if err != nil {
				return fmt.Errorf("serve: %v", err)
			}
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&addr, "addr", "127.0.0.1:8080", "address to listen on, HOST:PORT (port 0 picks a free one)")
	fl.BoolVar(&open, "open", false, "open the page in the default browser")
	fl.StringVar(&runDir, "runs", "runs/playground", "folder the MNIST page writes its comparisons under")
	return cmd
}

// openBrowser asks the desktop to open url; failing to is only a warning.
func openBrowser(e *env, url string) {
	var c *exec.Cmd
	switch runtime.GOOS {
	case "darwin":
		c = exec.Command("open", url)
	case "windows":
		c = exec.Command("rundll32", "url.dll,FileProtocolHandler", url)
	default:
		c = exec.Command("xdg-open", url)
	}
	if err := c.Start(); err != nil {
		fmt.Fprintf(e.stderr, "descent: warning: could not open a browser (%v); open %s yourself\n", err, url)
		return
	}
	go c.Wait()
}
