package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/descentlab/descent/data"
)

// TestDataCommand checks `descent data` (the clone's folder), `data fetch
// --list` (the published hashes), a fetch from a test mirror into --dir,
// and bad input.
func TestDataCommand(t *testing.T) {
	src, err := data.FindMNIST()
	if err != nil {
		t.Fatal(err)
	}
	out, errOut, code := runCLI(t, "data")
	if code != 0 || strings.TrimSpace(out) != src {
		t.Errorf("descent data: exit %d, %q %q; want %s", code, out, errOut, src)
	}
	out, _, code = runCLI(t, "data", "fetch", "--list")
	if code != 0 || strings.Count(out, "\n") != 4 || !strings.Contains(out, "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609  train-images-idx3-ubyte.gz  9912422\n") {
		t.Errorf("data fetch --list: exit %d, %q", code, out)
	}
	srv := httptest.NewServer(http.StripPrefix("/mnist/", http.FileServer(http.Dir(src))))
	defer srv.Close()
	dir := filepath.Join(t.TempDir(), "m")
	_, errOut, code = runCLI(t, "data", "fetch", "--dir", dir, "--mirror", srv.URL+"/mnist")
	if code != 0 || strings.Count(errOut, "SHA-256 checked") != 4 {
		t.Fatalf("data fetch: exit %d, %q", code, errOut)
	}
	for _, f := range data.MNISTFiles() {
		if st, err := os.Stat(filepath.Join(dir, f.Name)); err != nil || st.Size() != f.Size {
			t.Errorf("%s after fetch: %v", f.Name, err)
		}
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"data", "fetch", "--mirror", "ftp://x/"}, `--mirror "ftp://x/": want an http or https URL`},
		{[]string{"data", "fetch", "--timeout", "0s"}, "--timeout 0s: want a duration > 0"},
		{[]string{"data", "fetch", "--dir", t.TempDir(), "--mirror", srv.URL + "/nothing/", "--timeout", "20s"}, "cannot fetch train-images-idx3-ubyte.gz"},
		{[]string{"data", "extra"}, "unknown command"},
	} {
		_, errOut, code := runCLI(t, c.args...)
		if code != 2 || !strings.Contains(errOut, c.want) || strings.Count(errOut, "\n") != 1 {
			t.Errorf("descent %v: exit %d, %q; want 2 and one line with %q", c.args, code, errOut, c.want)
		}
	}
}
