package lab

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/descentlab/descent/testfunc"
)

// NoteMethods returns the study note's methods, in its order, as the
// gallery draws them (a new slice each call).
func NoteMethods() []string { return slices.Clone(noteMethods) }

var noteMethods = []string{"gd", "momentum", "adagrad", "rmsprop", "adam"}

// LRGrid returns the grid Tune searches: 1e-4 to 3 in steps of about ×1.5
// (the values 1, 1.5, 2.2, 3.2, 4.6, 6.8 per decade, rounded), a new slice
// each call.
func LRGrid() []float64 { return slices.Clone(lrGrid) }

var lrGrid = func() []float64 {
	var g []float64
	for _, d := range []float64{1e-4, 1e-3, 1e-2, 1e-1, 1} {
		for _, m := range []float64{1, 1.5, 2.2, 3.2, 4.6, 6.8} {
			if v := d * m; v <= 3.2 {
				g = append(g, v)
			}
		}
	}
	return g
}()

// Trial is one learning rate of a search and how it fared.
type Trial struct {
	LR float64
	// Score is the mean over all steps of log₁₀(f − f* + 10⁻¹²): lower is
	// better. It is NaN when the run was ruled out.
	Score float64
	// Out says why the run was ruled out ("diverged at step 7", "climbed
	// above its start"), or is "" when it counted.
	Out string
}

// Tuning is the outcome of a learning-rate search: every trial in grid order
// and the chosen run.
type Tuning struct {
	Method string  // the spec searched, without lr
	Trials []Trial // one per LRGrid value
	Best   int     // index of the chosen trial in Trials
	Run    Trajectory
}

// Tune runs method (a spec without lr, e.g. "adam" or "momentum:momentum=0.9")
// with every learning rate of LRGrid and returns the run with the best
// score among those that never diverged nor climbed above their starting
// value: the mean over all steps of
// log₁₀(f − f* + 10⁻¹²), f* the lowest known minimum (or the lowest value
// seen when f lists none). The score rewards getting close fast and staying
// close, so a wild path that happens to end well loses to a steady one;
// ties go to the smaller lr. It is how the gallery picks "tuned but honest"
// hyperparameters: every method gets the same search on the same budget.
func Tune(f testfunc.Function, start testfunc.Point, steps int, method string) (Trajectory, error) {
	t, err := Search(f, start, steps, method)
	return t.Run, err
}

// Search is Tune, returning every trial as well as the chosen run.
func Search(f testfunc.Function, start testfunc.Point, steps int, method string) (Tuning, error) {
	tu := Tuning{Method: method, Best: -1}
	var runs []Trajectory
	var idx []int
	fstar := math.Inf(1)
	for _, m := range f.Minima() {
		fstar = math.Min(fstar, f.Value(m.X, m.Y))
	}
	for _, lr := range lrGrid {
		tr, err := Run(f, start, steps, withLR(method, lr))
		if err != nil {
			return Tuning{}, err
		}
		trial := Trial{LR: lr, Score: math.NaN()}
		switch {
		case tr.Diverged > 0:
			trial.Out = fmt.Sprintf("diverged at step %d", tr.Diverged)
		case slices.Max(tr.Loss) > tr.Loss[0]:
			trial.Out = "climbed above its start"
		}
		tu.Trials = append(tu.Trials, trial)
		if trial.Out != "" {
			continue
		}
		runs = append(runs, tr)
		idx = append(idx, len(tu.Trials)-1)
		if len(f.Minima()) == 0 {
			for _, l := range tr.Loss {
				fstar = math.Min(fstar, l)
			}
		}
	}
	if len(runs) == 0 {
		return tu, fmt.Errorf("%s diverges or climbs on %s for every lr in the grid", method, f.Name())
	}
	bestScore := math.Inf(1)
	for i, tr := range runs {
		var score float64
		for _, l := range tr.Loss {
			score += math.Log10(math.Max(l-fstar, 0) + 1e-12)
		}
		score /= float64(len(tr.Loss))
		tu.Trials[idx[i]].Score = score
		if score < bestScore {
			tu.Best, tu.Run, bestScore = idx[i], tr, score
		}
	}
	return tu, nil
}

// AutoLR reports whether spec asks for a learning-rate search (its lr is
// "auto", e.g. "adam:lr=auto,beta1=0.8") and returns the spec without that
// key, ready for Search.
func AutoLR(spec string) (method string, ok bool) {
	name, rest, has := strings.Cut(strings.TrimSpace(spec), ":")
	if !has {
		return spec, false
	}
	var keep []string
	for _, kv := range strings.Split(rest, ",") {
		k, v, _ := strings.Cut(kv, "=")
		if strings.TrimSpace(k) == "lr" && strings.TrimSpace(v) == "auto" {
			ok = true
			continue
		}
		keep = append(keep, kv)
	}
	if !ok {
		return spec, false
	}
	if len(keep) == 0 {
		return name, true
	}
	return name + ":" + strings.Join(keep, ","), true
}

// CheckAuto reports whether method (a spec from AutoLR) can be searched: an
// element-wise optim method with an lr, not a second-order comparator or a
// Lookahead wrapper.
func CheckAuto(method string) error {
	if IsSecondOrder(method) || isLookahead(method) {
		return fmt.Errorf("lr=auto: %s has no learning rate to search (want a method of optim such as adam)", method)
	}
	return Check(withLR(method, lrGrid[0]))
}

func withLR(method string, lr float64) string {
	s := strconv.FormatFloat(lr, 'g', 4, 64)
	for i := 0; i < len(method); i++ {
		if method[i] == ':' {
			return method + ",lr=" + s
		}
	}
	return method + ":lr=" + s
}

// GalleryEntry is one picture of the gallery.
type GalleryEntry struct {
	Func      string   // a testfunc spec
	Steps     int      // optimizer steps
	Fixed     []string // specs used as given, instead of tuning (nil: tune NoteMethods)
	Caption   string   // one sentence on what to look at
	CaptionJA string   // the same in Japanese
	// XLim and YLim, when set, zoom the pictures to this range (nil: the
	// function's window, grown to fit the paths).
	XLim, YLim *[2]float64
}

// Gallery returns the standard comparisons: the note's methods and Newton
// on every test function, from its standard start. The entries are copies:
// changing them changes no later call's.
func Gallery() []GalleryEntry {
	out := slices.Clone(gallery)
	for i := range out {
		out[i].Fixed = slices.Clone(out[i].Fixed)
		if out[i].XLim != nil {
			x := *out[i].XLim
			out[i].XLim = &x
		}
		if out[i].YLim != nil {
			y := *out[i].YLim
			out[i].YLim = &y
		}
	}
	return out
}

var gallery = []GalleryEntry{
	{Func: "elliptic", Steps: 30, Fixed: []string{"gd:lr=0.95", "momentum:lr=0.1", "adagrad:lr=1.5", "rmsprop:lr=0.1", "adam:lr=0.3", "newton"},
		Caption: "The textbook valley x²/20+y² from (−7, 2), with the learning rates of 『ゼロから作るDeep Learning』 §6.1 (SGD 0.95, Momentum 0.1, AdaGrad 1.5, Adam 0.3): GD zig-zags across the steep y direction, Momentum overshoots and swings, the adaptive methods rescale each coordinate and head for the minimum.", CaptionJA: "教科書の谷 x²/20+y² を (−7, 2) から、『ゼロから作るDeep Learning』§6.1 の学習率（SGD 0.95、モーメンタム 0.1、AdaGrad 1.5、Adam 0.3）で。GD は急な y 方向にジグザグし、モーメンタムは行き過ぎて揺れ、適応的な手法は座標ごとに歩幅を調整して最小点へ向かう。"},
	{Func: "rosenbrock", Steps: 1000, Caption: "Rosenbrock's banana valley: every first-order method reaches the valley floor quickly and then crawls along it; Newton follows the curvature.", CaptionJA: "Rosenbrock のバナナ形の谷。一次の手法はどれもすぐに谷底へ着き、そこから谷に沿ってゆっくり進む。Newton 法は曲率に沿って進む。"},
	{Func: "beale", Steps: 300, Caption: "Beale's function has flat plateaus and sharp ridges; steps that suit one region overshoot in another.", CaptionJA: "Beale 関数には平らな台地と鋭い尾根がある。ある場所に合う歩幅が別の場所では行き過ぎる。"},
	{Func: "himmelblau", Steps: 200, Caption: "Himmelblau's four minima: from (0, 0) the methods may choose different basins.", CaptionJA: "Himmelblau 関数の四つの最小点。(0, 0) から出発すると、手法ごとに違う谷を選ぶことがある。"},
	{Func: "booth", Steps: 200, Caption: "Booth's function is a simple convex quadratic: all methods converge; their paths show how each rescales the gradient.", CaptionJA: "Booth 関数は単純な凸の二次関数。どの手法も収束し、その道筋から各手法が勾配をどう変換するかがわかる。"},
	{Func: "saddle", Steps: 40, Fixed: []string{"gd:lr=0.1", "momentum:lr=0.1", "adagrad:lr=0.1", "rmsprop:lr=0.1", "adam:lr=0.1"},
		Caption: "The saddle x²−y² from just off the ridge, every method with lr 0.1 (the function is unbounded below, so there is no best lr to tune for, and Newton's method has no minimum to aim at): GD runs straight to the saddle point, because the gradient in y starts near 0, and leaves it only after about 25 steps; Momentum overshoots the saddle and swings back before it escapes; the adaptive methods rescale the small y gradient and turn off the ridge from the first step, but AdaGrad's growing sum of squared gradients keeps shrinking its steps, so after 40 steps it has come down the least (y ≈ 1.7).", CaptionJA: "鞍点 x²−y² を尾根から少し外れた点から、どの手法も学習率 0.1 で（下に有界でないので調整すべき最良の学習率はなく、Newton 法には目指す最小点がない）。y 方向の勾配がはじめ 0 に近いので GD は鞍点へまっすぐ進み、抜け出すのは 25 ステップほど後。モーメンタムは鞍点を行き過ぎて戻ってから抜け出す。適応的な手法は小さな y 方向の勾配を拡大して最初のステップから尾根を離れるが、AdaGrad は勾配の二乗の和が増えるにつれて歩幅が縮み続け、40 ステップ後に下りた量が最も少ない（y ≈ 1.7）。"},
	{Func: "rastrigin", Steps: 200, Caption: "Rastrigin's egg crate of local minima: first-order methods settle in a nearby hollow; the pictures zoom in around the start, so the global minimum (0, 0) lies off the map.", CaptionJA: "Rastrigin 関数は局所最小点が卵のパックのように並ぶ。一次の手法は近くのくぼみに落ち着く。図は出発点のまわりの拡大で、大域的最小点 (0, 0) は図の外にある。", XLim: &[2]float64{-4, -2}, YLim: &[2]float64{2, 4}},
	{Func: "threehump", Steps: 200, Caption: "The three-hump camel: a global minimum at the origin between two local ones.", CaptionJA: "三こぶラクダ関数。大域的最小点は原点にあり、二つの局所最小点にはさまれている。"},
	{Func: "styblinski", Steps: 200, Caption: "Styblinski–Tang from (0, 4): with AdaGrad, RMSProp and Newton the y coordinate settles in the local minimum near 2.75 while x finds the global −2.90; GD, Momentum and Adam swing on to the global minimum (−2.90, −2.90).", CaptionJA: "Styblinski–Tang 関数を (0, 4) から。AdaGrad、RMSProp、Newton 法では y 座標が 2.75 付近の局所最小点に落ち着き、x は大域的な座標 −2.90 を見つける。GD、モーメンタム、Adam は大域的最小点 (−2.90, −2.90) まで振れながら進む。"},
	{Func: "quadratic:cond=100", Steps: 100, Caption: "½(x²+100y²), condition number 100: the ill-conditioning that makes GD slow and that adaptive methods and Newton remove.", CaptionJA: "½(x²+100y²)、条件数 100。GD を遅くする悪条件を、適応的な手法と Newton 法は取り除く。"},
}

// RunEntry computes the trajectories of one gallery entry: the fixed specs,
// or the note's methods tuned with Tune plus newton.
func RunEntry(e GalleryEntry) (testfunc.Function, []Trajectory, error) {
	f, err := testfunc.Lookup(e.Func)
	if err != nil {
		return nil, nil, err
	}
	start := f.Start()
	var trs []Trajectory
	if e.Fixed != nil {
		for _, s := range e.Fixed {
			tr, err := Run(f, start, e.Steps, s)
			if err != nil {
				return nil, nil, err
			}
			trs = append(trs, tr)
		}
		return f, trs, nil
	}
	for _, m := range noteMethods {
		tr, err := Tune(f, start, e.Steps, m)
		if err != nil {
			return nil, nil, err
		}
		trs = append(trs, tr)
	}
	tr, err := Run(f, start, e.Steps, "newton")
	if err != nil {
		return nil, nil, err
	}
	return f, append(trs, tr), nil
}
