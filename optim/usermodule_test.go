package optim_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestUserModule runs testdata/usermodule, a separate Go module that uses
// optim, clip and schedule as a program outside descent would: a
// hand-written MLP trained with parameter groups, a schedule Driver,
// clipping over the optimizer's parameters and a save/restore halfway into
// shuffled groups, with AdamW and with a user-defined method (Yogi). Its
// go.mod replaces descent by this working tree, and GOPROXY=off keeps it
// off the network (it needs only golang.org/x/sys, which building descent
// put in the module cache).
func TestUserModule(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		goBin = filepath.Join(os.Getenv("GOROOT"), "bin", "go")
	}
	// The program is built for the machine the go command runs on: where
	// these tests run under emulation (GOARCH=arm64 with go test -exec
	// qemu-aarch64, as CI does), the machine could not run an arm64 build.
	host, err := exec.Command(goBin, "env", "GOHOSTARCH").Output()
	if err != nil {
		t.Fatalf("go env GOHOSTARCH: %v", err)
	}
	cmd := exec.Command(goBin, "run", ".")
	cmd.Dir = filepath.Join("..", "testdata", "usermodule")
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOPROXY=off", "GOFLAGS=-mod=readonly", "GOARCH="+strings.TrimSpace(string(host)))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go run in %s: %v\n%s", cmd.Dir, err, out)
	}
	for _, method := range []string{"adamw", "yogi"} {
		found := false
		for _, line := range strings.Split(string(out), "\n") {
			found = found || strings.HasPrefix(line, method+": loss ") && strings.HasSuffix(line, "bit-identical: true")
		}
		if !found {
			t.Errorf("no passing report for %s in:\n%s", method, out)
		}
	}
	t.Logf("%s", out)
}
