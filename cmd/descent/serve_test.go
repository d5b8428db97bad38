package main

import (
	"bufio"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/descentlab/descent/playground"
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

// TestServeSIGINTCheckpoints starts descent serve as a child process,
// starts a comparison on the MNIST page's API, sends SIGINT while it
// trains, and checks that serve exits 0 with one line saying where the
// checkpoint of the stopped optimizer is, and that descent train --resume
// continues that run to its end.
func TestServeSIGINTCheckpoints(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process")
	}
	runs := t.TempDir()
	cmd, stderr := child(0, "serve", "--addr", "127.0.0.1:0", "--runs", runs)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	done := startChild(t, cmd)
	defer cmd.Process.Kill()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	_, rest, ok := strings.Cut(line, "http://")
	if err != nil || !ok {
		t.Fatalf("serve printed %q (%v): %s", line, err, stderr)
	}
	base := "http://" + strings.Fields(rest)[0]
	res, err := http.Post(base+"api/train", "application/json",
		strings.NewReader(`{"opts": ["sgd:lr=0.05"], "epochs": 10, "batch": "1", "subset": 1000}`))
	if err != nil || res.StatusCode != http.StatusAccepted {
		t.Fatalf("start: %v %v", err, res)
	}
	res.Body.Close()
	ev, err := http.Get(base + "api/train/events")
	if err != nil {
		t.Fatal(err)
	}
	defer ev.Body.Close()
	sc := bufio.NewScanner(ev.Body)
	for sc.Scan() && sc.Text() != "event: step" {
	}
	cmd.Process.Signal(syscall.SIGINT)
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve: %v: %s", err, stderr)
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("serve did not stop within 30 s of SIGINT: %s", stderr)
	}
	var run string
	for _, l := range strings.Split(stderr.String(), "\n") {
		if _, r, ok := strings.Cut(l, "continue with: descent train --resume "); ok {
			run = r
		}
	}
	if run == "" {
		t.Fatalf("serve's stderr names no checkpoint to resume: %s", stderr)
	}
	if _, errOut, code := runCLI(t, "train", "--resume", run); code != 0 {
		t.Fatalf("train --resume %s: exit %d: %s", run, code, errOut)
	}
	b, err := os.ReadFile(filepath.Join(run, "summary.json"))
	if err != nil || !strings.Contains(string(b), `"steps": 10000`) {
		t.Errorf("the resumed run's summary (%v): %.300s", err, b)
	}
}

// TestServeCommandIsTrace checks the playground's "copy the command": the
// descent trace command /api/trace gives, run as a shell would split it,
// prints the CSV the page's download holds.
func TestServeCommandIsTrace(t *testing.T) {
	s, err := playground.New(playground.Config{RunDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s)
	defer ts.Close()
	q := url.Values{"func": {"quadratic:cond=50"}, "start": {"-1.25,0.5"}, "steps": {"40"},
		"opt": {"adam:lr=0.05,variant=note", "newton", "sgd:lr=0.01,momentum=0.9,nesterov=true"}}
	var a struct{ Command string }
	res, err := http.Get(ts.URL + "/api/trace?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	err = json.NewDecoder(res.Body).Decode(&a)
	res.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	words := shellWords(t, a.Command)
	if len(words) < 2 || words[0] != "descent" {
		t.Fatalf("command %q", a.Command)
	}
	out, errOut, code := runCLI(t, words[1:]...)
	if code != 0 {
		t.Fatalf("%s: exit %d: %s", a.Command, code, errOut)
	}
	q.Set("format", "csv")
	res, err = http.Get(ts.URL + "/api/download?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	csv, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("download: %v %d", err, res.StatusCode)
	}
	if out != string(csv) || strings.Count(out, "\n") < 80 {
		t.Errorf("%s prints\n%.300s\nthe page's CSV is\n%.300s", a.Command, out, csv)
	}
}

// shellWords splits s as a POSIX shell splits a command of plain words and
// single-quoted strings (all the playground's commands hold).
func shellWords(t *testing.T, s string) []string {
	t.Helper()
	var words []string
	var w strings.Builder
	inWord, quoted := false, false
	for _, r := range s {
		switch {
		case quoted && r == '\'':
			quoted = false
		case quoted:
			w.WriteRune(r)
		case r == '\'':
			quoted, inWord = true, true
		case r == ' ':
			if inWord {
				words = append(words, w.String())
				w.Reset()
				inWord = false
			}
		case r == '\\' || r == '"' || r == '$' || r == '`':
			t.Fatalf("command %q: unexpected %q outside single quotes", s, r)
		default:
			w.WriteRune(r)
			inWord = true
		}
	}
	if quoted {
		t.Fatalf("command %q: unterminated quote", s)
	}
	if inWord {
		words = append(words, w.String())
	}
	return words
}
