package data

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFindMNIST checks the order of the places FindMNIST looks in, the
// clone found from a working directory inside it, and the one-line error
// that says how to get the files.
func TestFindMNIST(t *testing.T) {
	repo, err := FindMNIST()
	if err != nil {
		t.Fatalf("in a clone: %v", err)
	}
	if want, _ := filepath.Abs("mnist"); repo != want {
		t.Errorf("FindMNIST() = %s, want the clone's %s", repo, want)
	}
	if root := moduleRoot(filepath.Join(repo, "..", "..", "optim", "internal")); root != filepath.Dir(filepath.Dir(repo)) {
		t.Errorf("moduleRoot from optim/internal = %q, want %q", root, filepath.Dir(filepath.Dir(repo)))
	}
	other := t.TempDir()
	os.WriteFile(filepath.Join(other, "go.mod"), []byte("module example.com/other\n"), 0o644)
	if root := moduleRoot(other); root != "" {
		t.Errorf("moduleRoot of another module = %q", root)
	}

	empty, partial := t.TempDir(), t.TempDir()
	for _, f := range MNISTFiles()[:3] {
		os.WriteFile(filepath.Join(partial, f.Name), nil, 0o644)
	}
	if got, err := findMNIST([]string{"", empty, partial, repo}); err != nil || got != repo {
		t.Errorf("findMNIST(empty, partial, repo) = %q, %v; want %q", got, err, repo)
	}
	_, err = findMNIST([]string{empty, partial, empty})
	if err == nil {
		t.Fatal("findMNIST without the files: no error")
	}
	msg := err.Error()
	for _, want := range []string{empty + ", " + partial + ":", "descent data fetch", "train-images-idx3-ubyte.gz", MNISTMirrors()[0], "SHA-256"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q does not say %q", msg, want)
		}
	}
	if strings.Contains(msg, "\n") || strings.Count(msg, empty) != 1 {
		t.Errorf("error %q: want one line naming each folder once", msg)
	}
}

// TestFetchMNIST fetches the four files from test servers: a mirror that
// answers 404 and one that serves damaged or overlong bytes are passed over
// (leaving no file), a good mirror's files are kept, and a second fetch
// downloads nothing.
func TestFetchMNIST(t *testing.T) {
	src, err := FindMNIST()
	if err != nil {
		t.Fatal(err)
	}
	var served int
	good := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		served++
		http.ServeFile(w, r, filepath.Join(src, filepath.Base(r.URL.Path)))
	}))
	defer good.Close()
	missing := httptest.NewServer(http.NotFoundHandler())
	defer missing.Close()
	damaged := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := os.ReadFile(filepath.Join(src, filepath.Base(r.URL.Path)))
		b[len(b)/2] ^= 1
		w.Write(b)
	}))
	defer damaged.Close()
	endless := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		chunk := make([]byte, 1<<16)
		for range 400 { // 26 MB, more than any file
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	}))
	defer endless.Close()

	dir := filepath.Join(t.TempDir(), "cache", "mnist")
	bad := []string{missing.URL + "/", damaged.URL + "/", endless.URL + "/"}
	err = FetchMNIST(context.Background(), nil, bad, dir, nil)
	if err == nil || !strings.Contains(err.Error(), "train-images-idx3-ubyte.gz") || !strings.Contains(err.Error(), "404") || !strings.Contains(err.Error(), "want 9912422 bytes with SHA-256 440fcabf") {
		t.Errorf("fetch from bad mirrors: %v", err)
	}
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Errorf("bad mirrors left %d files in %s", len(left), dir)
	}

	var log bytes.Buffer
	if err := FetchMNIST(context.Background(), good.Client(), append(bad, good.URL+"/"), dir, &log); err != nil {
		t.Fatal(err)
	}
	if served != 4 || strings.Count(log.String(), "SHA-256 checked\n") != 4 {
		t.Errorf("served %d files, log %q", served, log.String())
	}
	if got, err := findMNIST([]string{t.TempDir(), dir}); err != nil || got != dir {
		t.Errorf("findMNIST after fetch = %q, %v", got, err)
	}
	tr, te, err := load(os.DirFS(dir), dir, Options{Subset: 10})
	if err != nil || tr.N != 10 || te.N != 10 {
		t.Fatalf("loading the fetched files: %v", err)
	}
	log.Reset()
	if err := FetchMNIST(context.Background(), nil, []string{missing.URL + "/"}, dir, &log); err != nil || served != 4 || strings.Count(log.String(), "already there") != 4 {
		t.Errorf("second fetch: %v, served %d, log %q", err, served, log.String())
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := FetchMNIST(ctx, nil, []string{good.URL + "/"}, t.TempDir(), nil); err == nil || !strings.Contains(err.Error(), "canceled") {
		t.Errorf("cancelled fetch: %v", err)
	}
}
