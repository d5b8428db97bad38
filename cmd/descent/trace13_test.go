package main

import (
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// lr=auto runs the gallery's search and reports every lr it tried and the
// one it chose, which has the lowest score printed.
func TestTraceAutoLR(t *testing.T) {
	out, errOut, code := runCLI(t, "trace", "--func", "elliptic", "--steps", "30", "--opt", "adam:lr=auto")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	rows := regexp.MustCompile(`(?m)^  ([ *]) lr=(\S+)\s+(score (\S+)|.+)$`).FindAllStringSubmatch(errOut, -1)
	if len(rows) != 28 {
		t.Fatalf("%d lr rows, want the 28 of the grid:\n%s", len(rows), errOut)
	}
	best, bestScore, chosen := "", 1e300, ""
	for _, r := range rows {
		if r[4] == "" {
			continue
		}
		s, err := strconv.ParseFloat(r[4], 64)
		if err != nil {
			t.Fatal(err)
		}
		if s < bestScore {
			best, bestScore = r[2], s
		}
		if r[1] == "*" {
			chosen = r[2]
		}
	}
	if chosen == "" || chosen != best {
		t.Fatalf("marked lr %q, lowest score at %q", chosen, best)
	}
	if !strings.Contains(errOut, "descent: chose adam:lr="+best+"\n") {
		t.Fatalf("no 'chose adam:lr=%s' line:\n%s", best, errOut)
	}
	if !strings.Contains(out, "\nadam:lr="+best+",1,") {
		t.Fatalf("the CSV does not name the chosen spec adam:lr=%s", best)
	}
	for bad, want := range map[string]string{"newton:lr=auto": "no learning rate to search", "lookahead:k=5/adam:lr=auto": `lr="auto"`} {
		_, errOut, code := runCLI(t, "trace", "--func", "elliptic", "--opt", bad)
		if code != 2 || !strings.Contains(errOut, want) {
			t.Errorf("--opt %s: exit %d, %q", bad, code, errOut)
		}
	}
}

// Picture-only flags with CSV output warn, naming the flags.
func TestTraceCSVWarns(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{
		{"--title", "x", "--layout", "grid"},
		{"-o", filepath.Join(dir, "x.csv"), "--xlim", "0,1"},
	} {
		a := append([]string{"trace", "--func", "booth", "--steps", "3", "--opt", "adam"}, args...)
		_, errOut, code := runCLI(t, a...)
		if code != 0 || !strings.Contains(errOut, "warning") || !strings.Contains(errOut, args[len(args)-2]) {
			t.Errorf("%v: exit %d, stderr %q: want a warning naming %s", args, code, errOut, args[len(args)-2])
		}
	}
	// No warning for a picture, nor for --title with a loss chart.
	_, errOut, _ := runCLI(t, "trace", "--func", "booth", "--steps", "3", "--opt", "adam", "--title", "x", "--loss", filepath.Join(dir, "l.png"))
	if strings.Contains(errOut, "warning") {
		t.Errorf("--title with --loss warned: %q", errOut)
	}
}

// The book's figure 6-8: four panels, in Japanese too; bad layouts and
// languages are refused with the value named.
func TestTraceGrid(t *testing.T) {
	dir := t.TempDir()
	for _, lang := range []string{"en", "ja"} {
		file := filepath.Join(dir, "fig-"+lang+".png")
		_, errOut, code := runCLI(t, "trace", "--func", "elliptic", "--start", "-7,2", "--steps", "30",
			"--opt", "sgd:lr=0.95", "--opt", "momentum:lr=0.1", "--opt", "adagrad:lr=1.5", "--opt", "adam:lr=0.3",
			"--layout", "grid", "--lang", lang, "-o", file)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		f, err := os.Open(file)
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := png.DecodeConfig(f)
		f.Close()
		if err != nil || cfg.Width != 840 || cfg.Height != 814 {
			t.Fatalf("%s: %v, %d×%d; want 2×2 panels, 840×814", lang, err, cfg.Width, cfg.Height)
		}
	}
	for _, bad := range [][]string{{"--layout", "tiles"}, {"--lang", "fr"}} {
		_, errOut, code := runCLI(t, "trace", "--func", "booth", "--opt", "adam", "-o", filepath.Join(dir, "x.png"), bad[0], bad[1])
		if code != 2 || !strings.Contains(errOut, strconv.Quote(bad[1])) {
			t.Errorf("%v: exit %d, %q", bad, code, errOut)
		}
	}
}
