package explain_test

import (
	"bytes"
	"fmt"
	"os"
	"strings"

	"github.com/descentlab/descent/explain"
)

func ExampleList() {
	if err := explain.List(os.Stdout, "en"); err != nil {
		fmt.Println(err)
	}
	// Output:
	// gd         alias of sgd
	// sgd        gradient descent: GD, SGD, mini-batch; optional (Nesterov) momentum
	// momentum   the study note's momentum: v ← μv − ηg, then w ← w + v
	// adagrad    AdaGrad: per-parameter rate η/√h, h the sum of squared gradients
	// rmsprop    RMSProp: divide by the root of a moving average of squared gradients
	// adam       Adam: momentum and RMSProp combined, with bias correction
	// adamw      AdamW: Adam with weight decay decoupled from the gradient
	// nadam      NAdam: Adam with Nesterov momentum and a momentum warm-up schedule
	// radam      RAdam: Adam with a built-in warm-up (a rectified adaptive step)
	// adamax     Adamax: Adam dividing by a decaying maximum of |g| (infinity norm)
	// adadelta   Adadelta: RMSProp with a running RMS of past updates in place of lr
	// lion       Lion: the sign of an interpolated momentum, η for every parameter
	// rprop      Rprop: per-element step sizes driven by the sign of the gradient
	// asgd       ASGD: SGD with a decaying step and a running average of the weights
	// lbfgs      L-BFGS: a quasi-Newton method that builds curvature from recent steps
	// adafactor  Adafactor: Adam's second moment factored into rows and columns
	// sf_adamw   Schedule-Free AdamW: train at y, evaluate at the average x
	// sf_sgd     Schedule-Free SGD: train at y, evaluate at the average x
	// muon       Muon: momentum whose matrix step is orthogonalised by Newton–Schulz
	// lamb       LAMB: Adam's step rescaled per layer by the trust ratio ‖w‖/‖step‖
	// lookahead  Lookahead: k steps of any method, then part way back
}

// Render writes the whole explanation; here, only its update rule is shown.
func ExampleRender() {
	var b bytes.Buffer
	if err := explain.Render(&b, "momentum", "en"); err != nil {
		fmt.Println(err)
		return
	}
	rule, _, _ := strings.Cut(b.String(), "\nHyperparameters")
	fmt.Print(rule)

	fmt.Println(explain.Render(&b, "adamm", "en"))
	// Output:
	// momentum — the study note's momentum: v ← μv − ηg, then w ← w + v
	//
	// Update rule
	//   g: gradient, η: learning rate lr, t: step count from 1; squares, roots, ⊙ and
	//   max act per element. The note writes the learning rate η as ε, the momentum
	//   coefficient as μ (慣性, inertia), the buffer v as V and the gradient g as ∇E.
	//
	//   v ← μ·v − η·g          (v₀ = 0)
	//   w ← w + v
	//   weight_decay λ adds an L2 penalty first: g ← g + λ·w
	// unknown method "adamm" (want one of: gd, sgd, momentum, adagrad, rmsprop, adam, adamw, nadam, radam, adamax, adadelta, lion, rprop, asgd, lbfgs, adafactor, sf_adamw, sf_sgd, muon, lamb, lookahead)
}
