// Package lab runs optimizers on the 2-D test functions of package testfunc
// and records their trajectories: the engine behind `descent trace`, the
// pictures and the gallery.
//
// Each trajectory starts at the start point (step 0) and holds one point
// per optimizer step, computed in float64 with the function's analytic
// gradient. A trajectory that leaves the finite numbers stops at its last
// finite point and says so (Diverged), so no NaN or Inf reaches a CSV file
// or a picture.
package lab
