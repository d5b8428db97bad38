// Package viz draws how optimizers move on 2-D test functions: contour maps
// with optimizer paths, the same map animated as a GIF, and loss curves.
//
// # Pictures
//
// [Contour] writes a PNG or SVG map of a [testfunc.Function]: colour bands of
// the function value in a lightened viridis colour map (perceptually uniform,
// readable in grey and by colour-blind viewers), thin contour lines at the
// band boundaries, white stars at the known minima, and each [Path] in its own
// colour with a white outline, from a ring at its start to a dot at its end.
// The legend, right of the plot, names each path by its Label. The minima
// are drawn above the paths, so a path that ends on one never hides it, and
// a path of at most 60 steps has a dot at every step (the book's 'o-').
//
// Options.Layout "grid" draws small multiples instead: one panel per path,
// all on the same window and colour bands, each titled by its label in its
// colour, in a grid as square as it goes (four paths make 2×2, the book's
// figure 6-8).
//
// # Colours
//
// Each method has one colour in every picture and chart ([MethodColor]:
// gd and sgd red, momentum blue, adagrad orange, rmsprop sky blue, adam
// magenta, newton black, …); [Colors] gives a second run of a method, or a
// label without a method, a spare colour that no method has.
//
// # Text
//
// Titles, labels and legends are drawn in Liberation Sans when it has every
// character, else in the Japanese gothic of internal/jpfont; a character
// neither has is an error that names it, never a blank. Options.Lang "ja"
// writes the picture's own words (start, end, minimum, step, loss, the
// GIF's step counter) in Japanese.
//
// The bands are log-spaced above the minimum when the function spans orders
// of magnitude over the window (Rosenbrock, Beale, Himmelblau, three-hump),
// symmetric about zero when it is unbounded below and changes sign (the saddle
// x²−y²), and linear otherwise (quadratic, Rastrigin).
//
// [Animate] writes the same map (or grid) as a looping GIF in which all paths
// grow together, panels in step, with a step counter, and [Loss] charts loss
// against step for every path, in the same colours.
//
// # Axes
//
// Every chart of descent draws its axes with this package's tick makers,
// train/report's too: [NiceTicks] labels 4–8 round values on a linear axis,
// [LogTicks] 1, 2 and 5 times the powers of ten on a log axis within three
// decades (the powers alone on a wider one), and [LogAxis] is the rule for
// a loss axis: logarithmic when every value drawn is positive and they span
// a decade or more. [JapaneseTypeface] gives charts drawn elsewhere the
// Japanese face these pictures use.
//
// # Window and divergence
//
// A map shows f.Window(), grown to hold every drawable path point plus a 5%
// margin on the sides that grew, but by at most one default span on each side
// (so at most 3× the default width and height): a runaway optimizer cannot
// shrink the interesting region to a dot. Options.XLim and Options.YLim
// replace the x and y ranges.
//
// A path is drawn up to its first NaN, infinite or enormous (|v| > 1e150)
// point and clipped to the window. The legend marks it "(diverged)" when it
// has such a point or a non-finite loss, or ends outside the window.
//
// # Pixels
//
// [MapFrame] returns the [Frame] of a map: the mapping from data coordinates
// to pixel coordinates of the PNG and GIF, which Animate uses to draw the
// paths over a background rendered once.
//
// # Files
//
// [WriteFile] writes through a temporary file and a rename, so a failed
// render never leaves a partial file; [FormatOf] picks the format from a
// file name's extension.
//
// The package uses gonum.org/v1/plot with its embedded Liberation fonts,
// internal/jpfont for Japanese and the standard image/gif; it needs no cgo. All functions are safe for
// concurrent use.
package viz
