package main

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/descentlab/descent/data"
)

func newDataCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "data",
		Short: "Where the MNIST files are, and how to fetch them",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			dir, err := data.FindMNIST()
			if err != nil {
				return err
			}
			fmt.Fprintln(e.stdout, dir)
			return nil
		},
		Long: `data prints the folder that --data mnist reads: data/mnist of the clone
the binary was built from or that holds the working directory, else
` + "`descent/mnist`" + ` in the user cache folder, where 'data fetch' puts the files.`,
	}
	cmd.AddCommand(newDataFetchCmd(e))
	return cmd
}

func newDataFetchCmd(e *env) *cobra.Command {
	var (
		dir     string
		mirrors []string
		list    bool
		timeout time.Duration
	)
	cmd := &cobra.Command{
		Use:   "fetch [--dir DIR] [--mirror URL ...] [--list]",
		Short: "Download the four MNIST files, checked by SHA-256",
		Long: `fetch downloads MNIST's four gzip files (11.6 MB) into --dir (default:
descent/mnist in the user cache folder), from each --mirror in turn
(default: ` + strings.Join(data.MNISTMirrors(), ", ") + `), and keeps a
file only if its size and SHA-256 are the published ones. Files already there
are checked and kept. --list prints the files, sizes and SHA-256 and fetches
nothing.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if list {
				for _, f := range data.MNISTFiles() {
					fmt.Fprintf(e.stdout, "%s  %s  %d\n", f.SHA256, f.Name, f.Size)
				}
				return nil
			}
			for _, m := range mirrors {
				if u, err := url.Parse(m); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
					return fmt.Errorf("data fetch: --mirror %q: want an http or https URL", m)
				}
			}
			if timeout <= 0 {
				return fmt.Errorf("data fetch: --timeout %v: want a duration > 0", timeout)
			}
			if dir == "" {
				dir = data.MNISTCacheDir()
				if dir == "" {
					return fmt.Errorf("data fetch: no user cache folder (set $XDG_CACHE_HOME or $HOME), give --dir")
				}
			}
			var bases []string
			for _, m := range mirrors {
				bases = append(bases, strings.TrimSuffix(m, "/")+"/")
			}
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			ctx, cancel := context.WithTimeout(ctx, timeout)
			defer cancel()
			return data.FetchMNIST(ctx, nil, bases, dir, e.stderr)
		},
	}
	cmd.Flags().StringVar(&dir, "dir", "", "folder for the files (default descent/mnist in the user cache folder)")
	cmd.Flags().StringArrayVar(&mirrors, "mirror", nil, "base URL serving the four files (repeatable; default the known mirrors)")
	cmd.Flags().BoolVar(&list, "list", false, "print the files, their SHA-256 and sizes, and fetch nothing")
	cmd.Flags().DurationVar(&timeout, "timeout", 10*time.Minute, "give up after this long")
	return cmd
}
