package main

import (
	"strings"
	"testing"
)

func TestParseShape(t *testing.T) {
	for _, c := range []struct {
		in             string
		m, n, k        int
		transA, transB bool
	}{
		{"100x100x784/NT", 100, 100, 784, false, true},
		{"100x784x100/TN", 100, 784, 100, true, false},
		{"2048x2048x2048/NN", 2048, 2048, 2048, false, false},
		{"1x2x3/TT", 1, 2, 3, true, true},
	} {
		sh, err := parseShape(c.in)
		if err != nil {
			t.Fatalf("parseShape(%q): %v", c.in, err)
		}
		if sh.m != c.m || sh.n != c.n || sh.k != c.k || sh.transA != c.transA || sh.transB != c.transB {
			t.Errorf("parseShape(%q) = %+v", c.in, sh)
		}
	}
	for _, in := range []string{"", "100x100x784", "100x100/NN", "100x100x784/NX", "100x100x784/N",
		"0x1x1/NN", "1x-1x1/NN", "1x1x65537/NN", "axbxc/NN", "1x1x1x1/NN", "65536x65536x65536/NN"} {
		if _, err := parseShape(in); err == nil || !strings.Contains(err.Error(), in) {
			t.Errorf("parseShape(%q): error %v, want one naming the shape", in, err)
		}
	}
}

// TestRunRefusesBadFlags checks that a bad flag value is an error naming it.
func TestRunRefusesBadFlags(t *testing.T) {
	for _, args := range [][]string{{"-threads", "0"}, {"-reps", "0"}, {"-min-ms", "0"}, {"-shapes", "1x1/NN"}} {
		err := run(args)
		if err == nil || !strings.Contains(err.Error(), args[1]) {
			t.Errorf("run(%q): error %v, want one naming %q", args, err, args[1])
		}
	}
}
