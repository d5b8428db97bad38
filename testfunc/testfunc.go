package testfunc

// Point is a point of the plane.
type Point struct{ X, Y float64 }

// Window is a rectangle of the plane, used as the default plotting area.
type Window struct{ XMin, XMax, YMin, YMax float64 }

// Function is a differentiable function of two variables with the facts a
// plot or a test needs about it. All methods are safe for concurrent use.
type Function interface {
	// Name is the identifier used on the command line, e.g. "rosenbrock".
	Name() string
	// Formula is the function written in plain Unicode, e.g. "(1−x)²+100(y−x²)²".
	Formula() string
	// Value returns f(x, y).
	Value(x, y float64) float64
	// Grad returns ∂f/∂x and ∂f/∂y at (x, y).
	Grad(x, y float64) (dx, dy float64)
	// Hess returns the Hessian [[fxx, fxy], [fxy, fyy]] at (x, y).
	Hess(x, y float64) (xx, xy, yy float64)
	// Minima lists the known global minimisers (empty when f is unbounded below, e.g. saddle).
	Minima() []Point
	// Window is a sensible default plotting window.
	Window() Window
	// Start is the standard start point used by the gallery and the docs.
	Start() Point
}
