package main

import (
	"fmt"
	"io"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
)

// modulePath is the module of the command, printed when the build info has
// none (a test binary).
const modulePath = "github.com/descentlab/descent"

// versionText describes the build from its build info (runtime/debug): the
// module's version ("(devel)" when built from a clone, "v0.1.0" when
// installed with go install …@v0.1.0), the version-control revision, its
// time and whether the tree was modified (present when built inside a
// clone), and the Go release that compiled it.
func versionText(info *debug.BuildInfo, ok bool) string {
	if !ok || info == nil {
		return "descent: no build information in this binary\n"
	}
	path, version := info.Main.Path, info.Main.Version
	if path == "" {
		path = modulePath
	}
	if version == "" {
		version = "(devel)"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "descent %s\n", version)
	fmt.Fprintf(&b, "module   %s\n", path)
	vcs := map[string]string{}
	for _, s := range info.Settings {
		vcs[s.Key] = s.Value
	}
	if rev := vcs["vcs.revision"]; rev != "" {
		fmt.Fprintf(&b, "revision %s\n", rev)
	}
	if t := vcs["vcs.time"]; t != "" {
		fmt.Fprintf(&b, "time     %s\n", t)
	}
	if m := vcs["vcs.modified"]; m != "" {
		fmt.Fprintf(&b, "modified %s\n", m)
	}
	fmt.Fprintf(&b, "go       %s\n", info.GoVersion)
	return b.String()
}

// buildVersion is versionText of this binary.
func buildVersion() string { return versionText(debug.ReadBuildInfo()) }

func newVersionCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version, revision and Go release of this binary",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			_, err := io.WriteString(e.stdout, buildVersion())
			return err
		},
	}
}
