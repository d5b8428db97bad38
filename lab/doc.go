// Package lab runs optimizers on the 2-D test functions of package testfunc
// and records their trajectories: the engine behind `descent trace`, the
// pictures and the gallery.
//
// Each trajectory starts at the start point (step 0) and holds one point
// per optimizer step, computed in float64 with the function's analytic
// gradient. A trajectory that leaves the finite numbers stops at its last
// finite point and says so (Diverged), so no NaN or Inf reaches a CSV file
// or a picture.
//
// # Learning rates
//
// [Search] runs a spec with every learning rate of [LRGrid] and chooses the
// one whose path stays closest to the minimum on average (in log scale),
// among the runs that neither diverge nor climb above their start; it
// returns every trial, so a command can show the grid it tried. [Tune] is
// the same search returning the chosen run: the gallery's "tuned but honest"
// rates. [AutoLR] reads lr=auto in a spec.
package lab
