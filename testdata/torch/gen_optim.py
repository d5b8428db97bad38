#!/usr/bin/python3
"""Generate testdata/torch/optim_trajectories.json: optimizer trajectories on
2-D test functions, recorded from torch 1.13.1's torch.optim (single-tensor,
foreach=False code paths) or, where torch has no reference, from small numpy
implementations in this file.

Regenerate (from the repository root):

    /usr/bin/python3 testdata/torch/gen_optim.py

Protocol, identical on the Go side:
  * the parameter is ONE tensor of shape [2] holding (x, y) in the case dtype;
  * at each step the gradient is computed with the ANALYTIC formulas below,
    in Python float64, from the current values (float32 -> float64 exactly),
    then cast to the case dtype (round to nearest) and assigned to p.grad;
    no autograd is involved;
  * if the case has "lrs", param_groups[0]['lr'] = lrs[k] is set before
    step k+1;
  * opt.step(); the point is recorded.  points[0] is the start.
Floats are written with repr(float(v)) (shortest round-trip repr; float32
values are converted exactly to double first).

Every candidate case is also screened for numerical conditioning (see
screen()); cases that blow up, turn non-finite, or whose trajectory is so
sensitive to rounding that an independent implementation could not match it
within the Go tolerances (rel 1e-9 float64, rel 1e-5 float32) are skipped and
listed on stderr.
"""

import json
import math
import os
import sys

import numpy as np
import torch

torch.set_num_threads(1)

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "optim_trajectories.json")
GENERATOR = "testdata/torch/gen_optim.py"

# ---------------------------------------------------------------------------
# Test functions and their analytic gradients (float64).  The Go side must
# evaluate the SAME expressions in the SAME order (see README.md).
# ---------------------------------------------------------------------------


def grad_rosenbrock(x, y):
    # f = (1-x)^2 + 100 (y-x^2)^2
    r = y - x * x
    gx = -2.0 * (1.0 - x) - 400.0 * x * r
    gy = 200.0 * r
    return gx, gy


def grad_beale(x, y):
    # f = (1.5 - x + x y)^2 + (2.25 - x + x y^2)^2 + (2.625 - x + x y^3)^2
    # (same expression order as testfunc.Beale.Grad: x*y*y is (x*y)*y, etc.)
    t1 = 1.5 - x + x * y
    t2 = 2.25 - x + x * y * y
    t3 = 2.625 - x + x * y * y * y
    y2 = y * y
    gx = 2.0 * (t1 * (y - 1.0) + t2 * (y2 - 1.0) + t3 * (y2 * y - 1.0))
    gy = 2.0 * (t1 * x + t2 * 2.0 * x * y + t3 * 3.0 * x * y2)
    return gx, gy


def grad_himmelblau(x, y):
    # f = (x^2 + y - 11)^2 + (x + y^2 - 7)^2
    a = x * x + y - 11.0
    b = x + y * y - 7.0
    gx = 4.0 * x * a + 2.0 * b
    gy = 2.0 * a + 4.0 * y * b
    return gx, gy


def grad_booth(x, y):
    # f = (x + 2y - 7)^2 + (2x + y - 5)^2
    a = x + 2.0 * y - 7.0
    b = 2.0 * x + y - 5.0
    gx = 2.0 * a + 4.0 * b
    gy = 4.0 * a + 2.0 * b
    return gx, gy


def grad_saddle(x, y):
    # f = x^2 - y^2
    return 2.0 * x, -2.0 * y


def grad_elliptic(x, y):
    # f = x^2/20 + y^2
    return x / 10.0, 2.0 * y


def grad_rastrigin(x, y):
    # f = 20 + x^2 - 10 cos(2 pi x) + y^2 - 10 cos(2 pi y)
    gx = 2.0 * x + 20.0 * math.pi * math.sin(2.0 * math.pi * x)
    gy = 2.0 * y + 20.0 * math.pi * math.sin(2.0 * math.pi * y)
    return gx, gy


GRADS = {
    "rosenbrock": grad_rosenbrock,
    "beale": grad_beale,
    "himmelblau": grad_himmelblau,
    "booth": grad_booth,
    "saddle": grad_saddle,
    "elliptic": grad_elliptic,
    "rastrigin": grad_rastrigin,
}

# Same as testfunc's Start() points.
START = {
    "rosenbrock": (-1.5, 2.0),
    "beale": (1.0, 1.5),
    "himmelblau": (0.0, 0.0),
    "booth": (-5.0, -5.0),
    "saddle": (-1.5, 0.01),
    "elliptic": (-7.0, 2.0),
    "rastrigin": (-3.3, 2.7),
}

# Maximizing x^2 - y^2 drives y to 0, where adaptive methods would oscillate
# around 0 (relative errors explode there); start far from it instead.
SADDLE_MAXIMIZE_START = (-0.2, 3.0)

FUNCS = list(GRADS)

# lr for plain gradient steps (sgd/gd/momentum): the step is lr*|grad|, so
# it has to be matched to the curvature of each function.
GD_LR = {
    "rosenbrock": 0.0005,
    "beale": 0.01,
    "himmelblau": 0.005,
    "booth": 0.02,
    "saddle": 0.01,
    "elliptic": 0.1,
    "rastrigin": 0.002,
}

STEPS = {"float64": 200, "float32": 100}

DTYPES = {"float64": torch.float64, "float32": torch.float32}
NPDTYPES = {"float64": np.float64, "float32": np.float32}

# ---------------------------------------------------------------------------
# Spec handling
# ---------------------------------------------------------------------------

METHODS = ["sgd", "gd", "momentum", "adagrad", "rmsprop", "adam", "adamw",
           "nadam", "radam", "adamax", "adadelta", "lion"]

# Defaults as the Go side must know them (torch 1.13.1 values; momentum and
# lion per the study note / Chen et al. 2023).  sgd and gd have no lr default
# (torch: lr is required), so every sgd/gd spec carries lr.
DEFAULTS = {
    "sgd": dict(momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False, maximize=False),
    "gd": dict(momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False, maximize=False),
    "momentum": dict(lr=0.01, momentum=0.9, weight_decay=0.0, maximize=False),
    "adagrad": dict(lr=0.01, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.0,
                    eps=1e-10, maximize=False),
    "rmsprop": dict(lr=0.01, alpha=0.99, eps=1e-08, weight_decay=0.0, momentum=0.0,
                    centered=False, maximize=False),
    "adam": dict(lr=0.001, beta1=0.9, beta2=0.999, eps=1e-08, weight_decay=0.0,
                 amsgrad=False, maximize=False),
    "adamw": dict(lr=0.001, beta1=0.9, beta2=0.999, eps=1e-08, weight_decay=0.01,
                  amsgrad=False, maximize=False),
    "nadam": dict(lr=0.002, beta1=0.9, beta2=0.999, eps=1e-08, weight_decay=0.0,
                  momentum_decay=0.004, maximize=False),
    "radam": dict(lr=0.001, beta1=0.9, beta2=0.999, eps=1e-08, weight_decay=0.0, maximize=False),
    "adamax": dict(lr=0.002, beta1=0.9, beta2=0.999, eps=1e-08, weight_decay=0.0, maximize=False),
    "adadelta": dict(lr=1.0, rho=0.9, eps=1e-06, weight_decay=0.0, maximize=False),
    "lion": dict(lr=0.0001, beta1=0.9, beta2=0.99, weight_decay=0.0, maximize=False),
}

BOOL_KEYS = {"nesterov", "maximize", "centered", "amsgrad"}


def fmt_value(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return v
    return repr(float(v))  # e.g. 0.001, 1e-08: strconv.ParseFloat gives the same double


def make_spec(method, opts):
    """opts: ordered list of (key, value) as written in the spec."""
    if not opts:
        return method
    return method + ":" + ",".join("%s=%s" % (k, fmt_value(v)) for k, v in opts)


def parse_spec(spec):
    """Inverse of make_spec (used to check round-tripping)."""
    if ":" not in spec:
        return spec, {}
    name, rest = spec.split(":", 1)
    out = {}
    for kv in rest.split(","):
        k, v = kv.split("=", 1)
        if k in BOOL_KEYS:
            assert v in ("true", "false"), spec
            out[k] = v == "true"
        elif k == "variant":
            out[k] = v
        else:
            out[k] = float(v)
    return name, out


def resolved(method, opts):
    h = dict(DEFAULTS[method])
    for k, v in opts:
        assert k in h or k == "lr" or k == "variant", (method, k)
        h[k] = v
    return h


# ---------------------------------------------------------------------------
# Torch runner
# ---------------------------------------------------------------------------

TORCH_CLASS = {
    "sgd": "SGD", "gd": "SGD", "momentum": "SGD", "adagrad": "Adagrad",
    "rmsprop": "RMSprop", "adam": "Adam", "adamw": "AdamW", "nadam": "NAdam",
    "radam": "RAdam", "adamax": "Adamax", "adadelta": "Adadelta",
}


def build_torch(method, h, params):
    if method in ("sgd", "gd"):
        return torch.optim.SGD(params, lr=h["lr"], momentum=h["momentum"], dampening=h["dampening"],
                               weight_decay=h["weight_decay"], nesterov=h["nesterov"],
                               maximize=h["maximize"], foreach=False)
    if method == "momentum":
        return torch.optim.SGD(params, lr=h["lr"], momentum=h["momentum"], dampening=0,
                               weight_decay=h["weight_decay"], nesterov=False,
                               maximize=h["maximize"], foreach=False)
    if method == "adagrad":
        return torch.optim.Adagrad(params, lr=h["lr"], lr_decay=h["lr_decay"],
                                   weight_decay=h["weight_decay"],
                                   initial_accumulator_value=h["initial_accumulator_value"],
                                   eps=h["eps"], foreach=False, maximize=h["maximize"])
    if method == "rmsprop":
        return torch.optim.RMSprop(params, lr=h["lr"], alpha=h["alpha"], eps=h["eps"],
                                   weight_decay=h["weight_decay"], momentum=h["momentum"],
                                   centered=h["centered"], foreach=False, maximize=h["maximize"])
    betas = (h.get("beta1"), h.get("beta2"))
    if method == "adam":
        return torch.optim.Adam(params, lr=h["lr"], betas=betas, eps=h["eps"],
                                weight_decay=h["weight_decay"], amsgrad=h["amsgrad"],
                                foreach=False, maximize=h["maximize"])
    if method == "adamw":
        return torch.optim.AdamW(params, lr=h["lr"], betas=betas, eps=h["eps"],
                                 weight_decay=h["weight_decay"], amsgrad=h["amsgrad"],
                                 maximize=h["maximize"], foreach=False)
    if method == "nadam":  # no maximize in 1.13: emulated by negating the gradient
        return NAdamDocumented(params, lr=h["lr"], betas=betas, eps=h["eps"],
                               weight_decay=h["weight_decay"],
                               momentum_decay=h["momentum_decay"])
    if method == "radam":  # no maximize in 1.13: emulated by negating the gradient
        return torch.optim.RAdam(params, lr=h["lr"], betas=betas, eps=h["eps"],
                                 weight_decay=h["weight_decay"], foreach=False)
    if method == "adamax":
        return torch.optim.Adamax(params, lr=h["lr"], betas=betas, eps=h["eps"],
                                  weight_decay=h["weight_decay"], foreach=False,
                                  maximize=h["maximize"])
    if method == "adadelta":
        return torch.optim.Adadelta(params, lr=h["lr"], rho=h["rho"], eps=h["eps"],
                                    weight_decay=h["weight_decay"], foreach=False,
                                    maximize=h["maximize"])
    raise ValueError(method)


class NAdamDocumented(torch.optim.Optimizer):
    """torch 1.13's _single_tensor_nadam, op for op, with two changes that
    make it the algorithm torch documents (and torch >= 2.0 runs):
    mu_product_next = mu_product * mu_next (1.13 multiplied mu in twice),
    and mu_product kept as a Python float (1.13 kept it in a float32 tensor
    even for float64 parameters)."""

    def __init__(self, params, lr, betas, eps, weight_decay, momentum_decay):
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                                      momentum_decay=momentum_decay))

    @torch.no_grad()
    def step(self):
        for group in self.param_groups:
            beta1, beta2 = group["betas"]
            lr, eps, wd, md = group["lr"], group["eps"], group["weight_decay"], group["momentum_decay"]
            for param in group["params"]:
                grad = param.grad
                st = self.state[param]
                if not st:
                    st["step"] = 0.0
                    st["mu_product"] = 1.0
                    st["exp_avg"] = torch.zeros_like(param)
                    st["exp_avg_sq"] = torch.zeros_like(param)
                exp_avg, exp_avg_sq = st["exp_avg"], st["exp_avg_sq"]
                st["step"] += 1
                step = st["step"]
                bias_correction2 = 1 - beta2 ** step
                if wd != 0:
                    grad = grad.add(param, alpha=wd)
                mu = beta1 * (1. - 0.5 * (0.96 ** (step * md)))
                mu_next = beta1 * (1. - 0.5 * (0.96 ** ((step + 1) * md)))
                st["mu_product"] *= mu
                mu_product = st["mu_product"]
                mu_product_next = mu_product * mu_next
                exp_avg.mul_(beta1).add_(grad, alpha=1 - beta1)
                exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
                denom = exp_avg_sq.div(bias_correction2).sqrt().add_(eps)
                param.addcdiv_(grad, denom, value=-lr * (1. - mu) / (1. - mu_product))
                param.addcdiv_(exp_avg, denom, value=-lr * mu_next / (1. - mu_product_next))


def run_torch(method, h, func, dtype, start, steps, lrs):
    grad = GRADS[func]
    negate = method in ("nadam", "radam") and h["maximize"]
    p = torch.tensor(list(start), dtype=DTYPES[dtype], requires_grad=True)
    opt = build_torch(method, h, [p])
    pts = [p.detach().tolist()]
    for k in range(steps):
        if lrs is not None:
            opt.param_groups[0]["lr"] = lrs[k]
        x, y = p.detach().tolist()
        gx, gy = grad(x, y)
        if negate:
            gx, gy = -gx, -gy
        p.grad = torch.tensor([gx, gy], dtype=DTYPES[dtype])
        opt.step()
        pts.append(p.detach().tolist())
    return pts


# ---------------------------------------------------------------------------
# numpy references (no torch class): lion, the study note's momentum form
# with a changing lr, and the study note's own (incorrect) variants.
# All arithmetic happens in the case dtype (np.float32 scalars stay float32;
# Python-float hyperparameters are rounded to the dtype first, like torch
# does with Python scalars applied to a float32 tensor).
# ---------------------------------------------------------------------------


def np_grad(func, w, dt, negate):
    gx, gy = GRADS[func](float(w[0]), float(w[1]))
    g = np.array([gx, gy], dtype=np.float64).astype(dt)
    return -g if negate else g


def run_lion(h, func, dtype, start, steps, lrs):
    # Chen et al. 2023, Algorithm 2 (Lion), with the decoupled weight decay
    # ordered as in lucidrains/lion-pytorch:
    #   c = beta1*m + (1-beta1)*g
    #   w = w * (1 - lr*wd)
    #   w = w - lr*sign(c)
    #   m = beta2*m + (1-beta2)*g
    dt = NPDTYPES[dtype]
    S = lambda v: dt(v)  # noqa: E731  (round a Python float to the dtype)
    w = np.array(start, dtype=np.float64).astype(dt)
    m = np.zeros(2, dtype=dt)
    pts = [[float(v) for v in w]]
    b1, b2, wd = h["beta1"], h["beta2"], h["weight_decay"]
    for k in range(steps):
        lr = lrs[k] if lrs is not None else h["lr"]
        g = np_grad(func, w, dt, h["maximize"])
        c = m * S(b1) + g * S(1.0 - b1)
        if wd != 0:
            w = w * S(1.0 - lr * wd)
        w = w - np.sign(c) * S(lr)
        m = m * S(b2) + g * S(1.0 - b2)
        assert w.dtype == dt and m.dtype == dt
        pts.append([float(v) for v in w])
    return pts


def run_note_momentum(h, func, dtype, start, steps, lrs):
    # study note:  v <- mu*v - lr*g ; w <- w + v   (v starts at 0)
    # g includes weight decay like SGD (g <- g + wd*w) and is negated first
    # when maximizing.
    dt = NPDTYPES[dtype]
    S = lambda v: dt(v)  # noqa: E731
    w = np.array(start, dtype=np.float64).astype(dt)
    v = np.zeros(2, dtype=dt)
    pts = [[float(t) for t in w]]
    for k in range(steps):
        lr = lrs[k] if lrs is not None else h["lr"]
        g = np_grad(func, w, dt, h["maximize"])
        if h["weight_decay"] != 0:
            g = g + w * S(h["weight_decay"])
        v = v * S(h["momentum"]) - g * S(lr)
        w = w + v
        pts.append([float(t) for t in w])
    return pts


def run_note_adam(h, func, dtype, start, steps, lrs):
    # study note (incorrect bias correction: divides by (1-beta) not (1-beta^t),
    # and eps inside the sqrt):
    #   m = b1 m + (1-b1) g ; v = b2 v + (1-b2) g^2
    #   mh = m/(1-b1) ; vh = v/(1-b2) ; w = w - lr*mh/sqrt(vh+eps)
    dt = NPDTYPES[dtype]
    S = lambda v: dt(v)  # noqa: E731
    w = np.array(start, dtype=np.float64).astype(dt)
    m = np.zeros(2, dtype=dt)
    v = np.zeros(2, dtype=dt)
    b1, b2, eps = h["beta1"], h["beta2"], h["eps"]
    pts = [[float(t) for t in w]]
    for k in range(steps):
        lr = lrs[k] if lrs is not None else h["lr"]
        g = np_grad(func, w, dt, h["maximize"])
        m = m * S(b1) + g * S(1.0 - b1)
        v = v * S(b2) + (g * g) * S(1.0 - b2)
        mh = m / S(1.0 - b1)
        vh = v / S(1.0 - b2)
        w = w - S(lr) * mh / np.sqrt(vh + S(eps))
        pts.append([float(t) for t in w])
    return pts


def run_note_adagrad(h, func, dtype, start, steps, lrs):
    # study note:  h = h + g^2 ; w = w - lr*g/(sqrt(h)+eps)   (h starts at 0)
    dt = NPDTYPES[dtype]
    S = lambda v: dt(v)  # noqa: E731
    w = np.array(start, dtype=np.float64).astype(dt)
    acc = np.zeros(2, dtype=dt)
    pts = [[float(t) for t in w]]
    for k in range(steps):
        lr = lrs[k] if lrs is not None else h["lr"]
        g = np_grad(func, w, dt, h["maximize"])
        acc = acc + g * g
        w = w - S(lr) * g / (np.sqrt(acc) + S(h["eps"]))
        pts.append([float(t) for t in w])
    return pts


NOTE_DEFAULTS = {
    "adam": dict(lr=0.001, beta1=0.9, beta2=0.999, eps=1e-08, maximize=False),
    "adagrad": dict(lr=0.01, eps=1e-10, maximize=False),
    "momentum": dict(lr=0.01, momentum=0.9, weight_decay=0.0, maximize=False),
}
NOTE_RUNNERS = {"adam": run_note_adam, "adagrad": run_note_adagrad, "momentum": run_note_momentum}


# ---------------------------------------------------------------------------
# Case construction
# ---------------------------------------------------------------------------


class Case:
    def __init__(self, method, opts, func, dtype, steps=None, lrs=None, impl="torch",
                 note=None, start=None):
        self.method = method
        self.opts = list(opts)
        self.func = func
        self.dtype = dtype
        self.steps = steps if steps is not None else STEPS[dtype]
        if func == "saddle" and steps is None:
            self.steps = self.steps // 2  # saddle is unbounded: keep it short
        self.lrs = lrs
        if lrs is not None:
            assert len(lrs) >= self.steps
            self.lrs = [float(v) for v in lrs[: self.steps]]
        self.impl = impl  # "torch", "lion", "note-momentum", "note"
        self.note = note
        if start is None:
            start = START[func]
            if func == "saddle" and ("maximize", True) in self.opts:
                start = SADDLE_MAXIMIZE_START
        self.start = start
        self.group = None
        self.fallback = False

    @property
    def spec(self):
        return make_spec(self.method, self.opts)

    @property
    def name(self):
        parts = [self.method]
        opt_words = []
        for k, v in self.opts:
            if k == "variant":
                continue
            if isinstance(v, bool):
                opt_words.append(k if v else "no" + k)
            else:
                opt_words.append("%s=%s" % (k, fmt_value(v)))
        if any(k == "variant" for k, _ in self.opts):
            parts.append("note")
        parts.append("+".join(opt_words) if opt_words else "defaults")
        if self.lrs is not None:
            parts.append("lrs-" + self.note_lrs)
        if self.impl == "note-momentum":
            parts.append("numpy")
        parts += [self.func, self.dtype]
        return "/".join(parts)

    note_lrs = ""

    def hyper(self):
        if self.impl == "note":
            h = dict(NOTE_DEFAULTS[self.method])
            for k, v in self.opts:
                if k != "variant":
                    assert k in h, (self.method, k)
                    h[k] = v
            return h
        return resolved(self.method, self.opts)

    def reference(self):
        h = self.hyper()
        if self.impl == "torch":
            cls = "torch.optim." + TORCH_CLASS[self.method]
            if self.method == "nadam":
                cls = ("torch 1.13 _single_tensor_nadam as documented (NAdamDocumented: "
                       "mu_product_next = mu_product*mu_next as in torch >= 2.0, mu_product in float64)")
            if self.method == "momentum":
                cls += " (momentum=mu, dampening=0, nesterov=False)"
            if self.method in ("nadam", "radam") and h["maximize"]:
                cls += " with p.grad = -grad (torch 1.13 has no maximize; maximize = negate the gradient first)"
            return cls
        if self.impl == "lion":
            return ("numpy: lion (Chen et al. 2023 Alg. 2; decoupled wd as lucidrains/lion-pytorch: "
                    "c=b1*m+(1-b1)*g; w=w*(1-lr*wd); w=w-lr*sign(c); m=b2*m+(1-b2)*g), "
                    "in %s arithmetic" % self.dtype)
        if self.impl == "note-momentum":
            return "numpy: note momentum (v=mu*v-lr*g; w=w+v), in %s arithmetic" % self.dtype
        if self.impl == "note":
            return "numpy: study note (%s variant), in %s arithmetic" % (self.method, self.dtype)
        raise ValueError(self.impl)

    def run(self, dtype=None, start=None):
        dtype = dtype or self.dtype
        start = start or self.start
        h = self.hyper()
        if self.impl == "torch":
            return run_torch(self.method, h, self.func, dtype, start, self.steps, self.lrs)
        if self.impl == "lion":
            return run_lion(h, self.func, dtype, start, self.steps, self.lrs)
        if self.impl == "note-momentum":
            return run_note_momentum(h, self.func, dtype, start, self.steps, self.lrs)
        if self.impl == "note":
            return NOTE_RUNNERS[self.method](h, self.func, dtype, start, self.steps, self.lrs)
        raise ValueError(self.impl)


def with_lrs(case, label, lrs):
    case.lrs = [float(v) for v in lrs[: case.steps]]
    case.note_lrs = label
    return case


def step_decay(lr0, every, factor, n):
    return [lr0 * factor ** (k // every) for k in range(n)]


def warmup_cosine(lr0, warm, n):
    out = []
    for k in range(n):
        if k < warm:
            out.append(lr0 * (k + 1) / warm)
        else:
            out.append(lr0 * 0.5 * (1.0 + math.cos(math.pi * (k - warm) / (n - warm))))
    return out


# Non-default option values, one case each (adaptive lrs are step sizes in
# parameter units, so they suit every function; sgd-like lrs come from GD_LR).
OPTIONS = {
    "sgd": [[("momentum", 0.9)],
            [("momentum", 0.9), ("dampening", 0.5)],
            [("momentum", 0.9), ("nesterov", True)],
            [("weight_decay", 0.1)],
            [("maximize", True)],
            [("momentum", 0.5), ("nesterov", True), ("weight_decay", 0.1)],
            [("momentum", 0.9), ("dampening", 0.1), ("weight_decay", 0.05)]],
    "gd": [[("weight_decay", 0.1)],
           [("maximize", True)]],
    "momentum": [[("momentum", 0.5)],
                 [("weight_decay", 0.1)],
                 [("maximize", True)],
                 [("momentum", 0.8), ("weight_decay", 0.05)]],
    "adagrad": [[("lr", 0.1)],
                [("lr", 0.1), ("lr_decay", 0.01)],
                [("lr", 0.1), ("weight_decay", 0.1)],
                [("lr", 0.1), ("initial_accumulator_value", 0.5)],
                [("lr", 0.1), ("eps", 0.001)],
                [("lr", 0.1), ("maximize", True)],
                [("lr", 0.05), ("lr_decay", 0.05), ("weight_decay", 0.05),
                 ("initial_accumulator_value", 0.1)]],
    "rmsprop": [[("lr", 0.001)],
                [("alpha", 0.9)],
                [("eps", 0.001)],
                [("weight_decay", 0.1)],
                [("lr", 0.001), ("momentum", 0.9)],
                [("centered", True)],
                [("maximize", True)],
                [("lr", 0.001), ("momentum", 0.9), ("centered", True)],
                [("lr", 0.001), ("alpha", 0.9), ("momentum", 0.5), ("centered", True),
                 ("weight_decay", 0.05)]],
    "adam": [[("lr", 0.01)],
             [("lr", 0.01), ("beta1", 0.5)],
             [("lr", 0.01), ("beta2", 0.9)],
             [("lr", 0.01), ("eps", 0.001)],
             [("lr", 0.01), ("weight_decay", 0.1)],
             [("lr", 0.01), ("amsgrad", True)],
             [("lr", 0.01), ("maximize", True)],
             [("lr", 0.01), ("amsgrad", True), ("weight_decay", 0.1)],
             [("lr", 0.01), ("amsgrad", True), ("maximize", True)],
             [("lr", 0.05), ("beta1", 0.8), ("beta2", 0.99), ("eps", 1e-06), ("amsgrad", True)]],
    "adamw": [[("lr", 0.01)],
              [("lr", 0.01), ("weight_decay", 0.1)],
              [("lr", 0.01), ("weight_decay", 0.0)],
              [("lr", 0.01), ("beta1", 0.5)],
              [("lr", 0.01), ("beta2", 0.9)],
              [("lr", 0.01), ("eps", 0.001)],
              [("lr", 0.01), ("amsgrad", True)],
              [("lr", 0.01), ("maximize", True)],
              [("lr", 0.01), ("amsgrad", True), ("weight_decay", 0.5)]],
    "nadam": [[("lr", 0.01)],
              [("lr", 0.01), ("beta1", 0.5)],
              [("lr", 0.01), ("beta2", 0.9)],
              [("lr", 0.01), ("eps", 0.001)],
              [("lr", 0.01), ("weight_decay", 0.1)],
              [("lr", 0.01), ("momentum_decay", 0.01)],
              [("lr", 0.01), ("maximize", True)]],
    "radam": [[("lr", 0.01)],
              [("lr", 0.01), ("beta1", 0.5)],
              [("lr", 0.01), ("beta2", 0.9)],
              [("lr", 0.01), ("eps", 0.001)],
              [("lr", 0.01), ("weight_decay", 0.1)],
              [("lr", 0.01), ("maximize", True)]],
    "adamax": [[("lr", 0.01)],
               [("lr", 0.01), ("beta1", 0.5)],
               [("lr", 0.01), ("beta2", 0.9)],
               [("lr", 0.01), ("eps", 0.001)],
               [("lr", 0.01), ("weight_decay", 0.1)],
               [("lr", 0.01), ("maximize", True)]],
    "adadelta": [[("lr", 0.5)],
                 [("rho", 0.5)],
                 [("eps", 0.001)],
                 [("weight_decay", 0.1)],
                 [("maximize", True)],
                 [("lr", 0.1), ("rho", 0.95), ("eps", 1e-05), ("weight_decay", 0.01)]],
    "lion": [[("lr", 0.001)],
             [("lr", 0.001), ("beta1", 0.5)],
             [("lr", 0.001), ("beta2", 0.9)],
             [("lr", 0.001), ("weight_decay", 0.1)],
             [("lr", 0.001), ("maximize", True)],
             [("lr", 0.01), ("beta1", 0.8), ("beta2", 0.95), ("weight_decay", 1.0)]],
}


def impl_of(method):
    return "lion" if method == "lion" else "torch"


def base_opts(method, func):
    """Options every case of `method` on `func` starts from."""
    if method in ("sgd", "gd"):
        return [("lr", GD_LR[func])]
    if method == "momentum":
        return [("lr", GD_LR[func] / 2)]
    return []


def merge(base, extra):
    keys = {k for k, _ in extra}
    return [(k, v) for k, v in base if k not in keys] + list(extra)


def build_cases():
    cases = []
    # 1. defaults: every method on every function (sgd/gd carry a per-function
    #    lr since torch has no default; momentum uses its default lr=0.01 where
    #    that is stable, otherwise a smaller lr case appears in family 2).
    for dtype in ("float64", "float32"):
        for method in METHODS:
            for func in (FUNCS if dtype == "float64" else FUNCS[::2]):
                opts = [("lr", GD_LR[func])] if method in ("sgd", "gd") else []
                cases.append(Case(method, opts, func, dtype, impl=impl_of(method)))
    # 2. options: each option set on three rotating functions in float64 and
    #    two in float32; option sets containing maximize run on saddle (where
    #    maximizing is meaningful) first.  If every one of them is screened
    #    out, the remaining functions are tried in turn (fallback) so that
    #    every option set keeps at least one case per dtype.
    for mi, method in enumerate(METHODS):
        for i, extra in enumerate(OPTIONS[method]):
            f64 = [FUNCS[(mi + i + 2 * j) % len(FUNCS)] for j in range(3)]
            f32 = [FUNCS[(mi + i + 1 + 3 * j) % len(FUNCS)] for j in range(2)]
            if ("maximize", True) in extra:
                f64 = ["saddle"] + [f for f in f64 if f != "saddle"]
                f32 = ["saddle"] + [f for f in f32 if f != "saddle"]
            for dtype, funcs in (("float64", f64), ("float32", f32)):
                group = (method, tuple(extra), dtype)
                for func in funcs + [f for f in FUNCS if f not in funcs]:
                    opts = merge(base_opts(method, func), extra)
                    c = Case(method, opts, func, dtype, impl=impl_of(method))
                    c.group = group
                    c.fallback = func not in funcs
                    cases.append(c)
    # 3. momentum with the lr as an explicit option on every function.
    for dtype in ("float64", "float32"):
        for func in FUNCS:
            cases.append(Case("momentum", base_opts("momentum", func), func, dtype))
    # 4. changing lrs (group lr re-read at each step).
    for dtype in ("float64", "float32"):
        n = STEPS[dtype]
        for func in ("rosenbrock", "booth", "himmelblau"):
            lr = GD_LR[func]
            sd = step_decay(lr, n // 4, 0.5, n)
            # The same lrs through the note's momentum and through torch's SGD
            # with momentum (recorded under the sgd spec): they differ once
            # the lr changes.
            for method, impl in (("sgd", "torch"), ("momentum", "note-momentum")):
                c = Case(method, [("lr", lr), ("momentum", 0.9)], func, dtype, impl=impl)
                cases.append(with_lrs(c, "stepdecay", sd))
                c = Case(method, [("lr", lr), ("momentum", 0.9)], func, dtype, impl=impl)
                cases.append(with_lrs(c, "warmupcos", warmup_cosine(lr, n // 10, n)))
            c = Case("sgd", [("lr", lr), ("momentum", 0.9), ("nesterov", True)], func, dtype)
            cases.append(with_lrs(c, "stepdecay", sd))
            c = Case("adam", [("lr", 0.05)], func, dtype)
            cases.append(with_lrs(c, "stepdecay", step_decay(0.05, n // 4, 0.5, n)))
            c = Case("adam", [("lr", 0.05), ("amsgrad", True)], func, dtype)
            cases.append(with_lrs(c, "warmupcos", warmup_cosine(0.05, n // 10, n)))
            c = Case("adagrad", [("lr", 0.2), ("lr_decay", 0.01)], func, dtype)
            cases.append(with_lrs(c, "stepdecay", step_decay(0.2, n // 4, 0.5, n)))
            c = Case("rmsprop", [("lr", 0.01)], func, dtype)
            cases.append(with_lrs(c, "stepdecay", step_decay(0.01, n // 4, 0.5, n)))
            c = Case("rmsprop", [("lr", 0.002), ("momentum", 0.9), ("centered", True)], func, dtype)
            cases.append(with_lrs(c, "warmupcos", warmup_cosine(0.002, n // 10, n)))
            c = Case("lion", [("lr", 0.01)], func, dtype, impl="lion")
            cases.append(with_lrs(c, "stepdecay", step_decay(0.01, n // 4, 0.5, n)))
    # 5. the study note's own variants (numpy float64).
    for func in FUNCS:
        cases.append(Case("adam", [("lr", 0.05), ("variant", "note")], func, "float64", impl="note"))
        cases.append(Case("adam", [("variant", "note")], func, "float64", impl="note"))
        cases.append(Case("adagrad", [("variant", "note")], func, "float64", impl="note"))
        cases.append(Case("adagrad", [("lr", 0.5), ("variant", "note")], func, "float64", impl="note"))
        lr = GD_LR[func]
        cases.append(Case("momentum", [("variant", "note")], func, "float64", impl="note"))
        cases.append(Case("momentum", [("lr", lr), ("variant", "note")], func, "float64", impl="note"))
    return cases


# ---------------------------------------------------------------------------
# Screening
# ---------------------------------------------------------------------------

BOUND = 1e4


def max_rel(a, b, floor=0.0):
    m = 0.0
    for pa, pb in zip(a, b):
        for u, v in zip(pa, pb):
            d = abs(u - v)
            if d == 0.0:
                continue
            m = max(m, d / max(abs(u), abs(v), floor))
    return m


def screen(case, pts):
    """Return None if the case is usable, else a reason string.

    float64: rerun from a start perturbed by a relative 1e-12; the
    trajectory may move by at most 1e-8 relative (i.e. rounding differences
    of ~1e-16 amplified by < 1e4 stay ~1e3 below the 1e-9 tolerance).
    float32: rerun the same case in float64; the float32 trajectory must stay
    within 4e-6 relative of it.  That difference is the accumulated, amplified
    float32 rounding noise; an independent float32 implementation whose own
    rounding noise is of the same size then differs from torch by < ~8e-6,
    inside the 1e-5 tolerance (in practice far less: most operations are
    bit-identical).  Relative errors are pure (no absolute floor), so points
    crossing zero at the wrong moment disqualify a case."""
    flat = [v for p in pts for v in p]
    if not all(math.isfinite(v) for v in flat):
        return "non-finite"
    if max(abs(v) for v in flat) > BOUND:
        return "exceeds %g" % BOUND
    if case.dtype == "float64":
        s = tuple(v * (1.0 + 1e-12) for v in case.start)
        q = case.run(start=s)
        r = max_rel(pts, q)
        if r > 1e-8:
            return "sensitive: rel %.2e from a 1e-12 start perturbation" % r
    else:
        q = case.run(dtype="float64")
        r = max_rel(pts, q)
        if r > 4e-6:
            return "sensitive: float32 vs float64 rel %.2e" % r
    return None


def main():
    cases = build_cases()
    out = []
    seen = set()
    skipped = []
    groups_kept = set()
    for c in cases:
        name = c.name
        if name in seen:
            continue
        if c.fallback and c.group in groups_kept:
            continue
        seen.add(name)
        m, parsed = parse_spec(c.spec)
        assert m == c.method and make_spec(m, list(parsed.items())) == c.spec, c.spec
        pts = c.run()
        why = screen(c, pts)
        if why is not None:
            skipped.append((name, why))
            continue
        rec = {
            "name": name,
            "spec": c.spec,
            "func": c.func,
            "dtype": c.dtype,
            "start": [float(v) for v in pts[0]],
            "steps": c.steps,
            "lrs": c.lrs,
            "reference": c.reference(),
            "points": pts,
        }
        if c.impl == "torch":
            # an independent implementation (ref_step) must reproduce torch
            # with a 4x margin on the Go tolerance
            r = max_rel(ref_points(rec), pts)
            if r > (1e-9 if c.dtype == "float64" else 1e-5) / 4:
                skipped.append((name, "re-implementation differs by rel %.2e" % r))
                continue
        if c.group is not None:
            groups_kept.add(c.group)
        out.append(rec)
    for g in sorted({c.group for c in cases if c.group is not None} - groups_kept, key=str):
        print("WARNING: option set without any usable case: %r" % (g,), file=sys.stderr)
    for name, why in skipped:
        print("skip %-70s %s" % (name, why), file=sys.stderr)
    print("kept %d cases, skipped %d" % (len(out), len(skipped)), file=sys.stderr)
    doc = {
        "torch_version": "1.13.1",
        "generator": GENERATOR,
        "cases": out,
    }
    with open(OUT, "w") as f:
        f.write(dump(doc))


def dump(doc):
    """JSON with one case per line block and floats as repr(float(v))."""
    def num(v):
        v = float(v)
        assert math.isfinite(v)
        return repr(v)

    lines = ["{", '  "torch_version": %s,' % json.dumps(doc["torch_version"]),
             '  "generator": %s,' % json.dumps(doc["generator"]), '  "cases": [']
    for i, c in enumerate(doc["cases"]):
        lrs = "null" if c["lrs"] is None else "[" + ", ".join(num(v) for v in c["lrs"]) + "]"
        pts = ", ".join("[%s, %s]" % (num(p[0]), num(p[1])) for p in c["points"])
        body = ('    {"name": %s, "spec": %s, "func": %s, "dtype": %s, "start": [%s, %s], '
                '"steps": %d,\n     "lrs": %s,\n     "reference": %s,\n     "points": [%s]}') % (
            json.dumps(c["name"]), json.dumps(c["spec"]), json.dumps(c["func"]),
            json.dumps(c["dtype"]), num(c["start"][0]), num(c["start"][1]), c["steps"],
            lrs, json.dumps(c["reference"]), pts)
        lines.append(body + ("," if i + 1 < len(doc["cases"]) else ""))
    lines += ["  ]", "}"]
    text = "\n".join(lines) + "\n"
    json.loads(text)  # must parse
    return text


# ---------------------------------------------------------------------------
# Cross-check (python3 gen_optim.py --check): an independent re-implementation
# of every torch update rule as written in README.md, in plain numpy with the
# same structure a Go port would have, compared against the recorded torch
# points with the Go tolerances (rel 1e-9 float64, rel 1e-5 float32).
# ---------------------------------------------------------------------------


def ref_step(method, h, st, w, g, lr, dt):
    F = lambda v: dt(v)  # noqa: E731  (Python float -> dtype, as torch does)
    sqrt = np.sqrt
    if method in ("nadam", "radam"):
        maximize = False  # the runner already negated the gradient
    else:
        maximize = h["maximize"]
    if maximize:
        g = -g
    wd = h["weight_decay"]
    if method in ("sgd", "gd", "momentum"):
        damp = 0.0 if method == "momentum" else h["dampening"]
        nesterov = False if method == "momentum" else h["nesterov"]
        if wd != 0:
            g = g + F(wd) * w
        if h["momentum"] != 0:
            if "b" not in st:
                st["b"] = g.copy()
            else:
                st["b"] = st["b"] * F(h["momentum"]) + F(1 - damp) * g
            g = g + F(h["momentum"]) * st["b"] if nesterov else st["b"]
        return w + F(-lr) * g
    if method == "adamw":
        st["t"] = st.get("t", 0) + 1
        w = w * F(1 - lr * wd)
    else:
        st["t"] = st.get("t", 0) + 1
        if wd != 0:
            g = g + F(wd) * w
    t = float(st["t"])
    z = np.zeros(2, dtype=dt)
    if method == "adagrad":
        s = st.get("sum", np.full(2, h["initial_accumulator_value"], dtype=dt))
        clr = lr / (1 + (t - 1) * h["lr_decay"])
        s = s + F(1) * g * g
        st["sum"] = s
        return w + F(-clr) * g / (sqrt(s) + F(h["eps"]))
    if method == "rmsprop":
        a = h["alpha"]
        sa = st.get("sa", z) * F(a) + F(1 - a) * g * g
        st["sa"] = sa
        if h["centered"]:
            ga = st.get("ga", z) * F(a) + F(1 - a) * g
            st["ga"] = ga
            avg = sqrt(sa + F(-1) * ga * ga)
        else:
            avg = sqrt(sa)
        avg = avg + F(h["eps"])
        if h["momentum"] > 0:
            buf = st.get("buf", z) * F(h["momentum"]) + F(1) * g / avg
            st["buf"] = buf
            return w + F(-lr) * buf
        return w + F(-lr) * g / avg
    if method == "adadelta":
        rho, eps = h["rho"], h["eps"]
        sa = st.get("sa", z) * F(rho) + F(1 - rho) * g * g
        std = sqrt(sa + F(eps))
        acc = st.get("acc", z)
        delta = sqrt(acc + F(eps)) / std * g
        st["acc"] = acc * F(rho) + F(1 - rho) * delta * delta
        st["sa"] = sa
        return w + F(-lr) * delta
    b1, b2, eps = h["beta1"], h["beta2"], h["eps"]
    m = st.get("m", z) * F(b1) + F(1 - b1) * g
    st["m"] = m
    if method == "adamax":
        st["u"] = np.maximum(st.get("u", z) * F(b2), np.abs(g) + F(eps))
        clr = lr / (1 - b1 ** t)
        return w + F(-clr) * m / st["u"]
    v = st.get("v", z) * F(b2) + F(1 - b2) * g * g
    st["v"] = v
    bc1 = 1 - b1 ** t
    bc2 = 1 - b2 ** t
    if method in ("adam", "adamw"):
        if h["amsgrad"]:
            st["vmax"] = np.maximum(st.get("vmax", z), v)
            v = st["vmax"]
        denom = sqrt(v) / F(math.sqrt(bc2)) + F(eps)
        return w + F(-(lr / bc1)) * m / denom
    if method == "nadam":
        md = h["momentum_decay"]  # the documented algorithm, mu_product in float64
        mu = b1 * (1.0 - 0.5 * (0.96 ** (t * md)))
        mu_next = b1 * (1.0 - 0.5 * (0.96 ** ((t + 1) * md)))
        mp = st.get("mp", 1.0) * mu
        st["mp"] = mp
        mp_next = mp * mu_next
        denom = sqrt(v / F(bc2)) + F(eps)
        w = w + F(-lr * (1.0 - mu) / (1.0 - float(mp))) * g / denom
        return w + F(-lr * mu_next / (1.0 - float(mp_next))) * m / denom
    if method == "radam":
        bcm = m / F(bc1)
        rho_inf = 2 / (1 - b2) - 1
        rho_t = rho_inf - 2 * t * (b2 ** t) / bc2
        if rho_t > 5.0:
            rect = math.sqrt((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t))
            adaptive = F(1) / (sqrt(v) + F(eps)) * F(math.sqrt(bc2))
            return w - bcm * F(lr) * adaptive * F(rect)
        return w - bcm * F(lr)
    raise ValueError(method)


def ref_points(c):
    """Trajectory of the independent re-implementation for a case dict."""
    method, opts = parse_spec(c["spec"])
    h = resolved(method, list(opts.items()))
    dt = NPDTYPES[c["dtype"]]
    negate = method in ("nadam", "radam") and h["maximize"]
    w = np.array(c["start"], dtype=dt)
    st = {}
    pts = [[float(v) for v in w]]
    for k in range(c["steps"]):
        lr = c["lrs"][k] if c["lrs"] is not None else h["lr"]
        g = np_grad(c["func"], w, dt, negate)
        w = ref_step(method, h, st, w, g, lr, dt)
        assert w.dtype == dt, (c["name"], w.dtype)
        pts.append([float(v) for v in w])
    return pts


def crosscheck():
    with open(OUT) as f:
        doc = json.load(f)
    worst = {}
    bad = 0
    for c in doc["cases"]:
        if not c["reference"].startswith("torch.optim"):
            continue
        method = c["spec"].split(":")[0]
        pts = ref_points(c)
        r = max_rel(pts, c["points"])
        tol = 1e-9 if c["dtype"] == "float64" else 1e-5
        key = (method, c["dtype"])
        if r > worst.get(key, (-1, ""))[0]:
            worst[key] = (r, c["name"])
        if r > tol:
            bad += 1
            print("MISMATCH %-70s rel %.3e" % (c["name"], r))
    for key in sorted(worst):
        print("%-10s %-8s worst rel %.3e  (%s)" % (key[0], key[1], worst[key][0], worst[key][1]))
    print("%d mismatches" % bad)
    return bad == 0


if __name__ == "__main__" and "--check" in sys.argv:
    sys.exit(0 if crosscheck() else 1)

elif __name__ == "__main__":
    main()
