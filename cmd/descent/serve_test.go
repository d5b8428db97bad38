package main

import (
	"net"
	"strings"
	"testing"
)

// TestServeBadAddr checks that an address serve cannot listen on is one
// line on stderr and exit status 2, and that a port already taken is too.
func TestServeBadAddr(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	for _, addr := range []string{"127.0.0.1:99999", "nohost-colon", ln.Addr().String()} {
		_, errOut, code := runCLI(t, "serve", "--addr", addr, "--runs", t.TempDir())
		if code != 2 || strings.Count(strings.TrimSpace(errOut), "\n") != 0 || !strings.Contains(errOut, addr) {
			t.Errorf("serve --addr %s: exit %d, stderr %q", addr, code, errOut)
		}
	}
}
