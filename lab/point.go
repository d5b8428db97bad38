package lab

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/descentlab/descent/testfunc"
)

// ParsePoint reads "X,Y", two finite numbers separated by a comma (a start
// point, or an axis range A,B): what `descent trace --start` and the
// playground's start, xlim and ylim take.
func ParsePoint(s string) (testfunc.Point, error) {
	xs, ys, ok := strings.Cut(s, ",")
	if !ok {
		return testfunc.Point{}, fmt.Errorf("%q: want X,Y (two numbers separated by a comma)", s)
	}
	x, err1 := strconv.ParseFloat(strings.TrimSpace(xs), 64)
	y, err2 := strconv.ParseFloat(strings.TrimSpace(ys), 64)
	if err1 != nil || err2 != nil || x != x || y != y || x-x != 0 || y-y != 0 {
		return testfunc.Point{}, fmt.Errorf("%q: want X,Y with two finite numbers", s)
	}
	return testfunc.Point{X: x, Y: y}, nil
}
