#!/usr/bin/python3
"""Generate testdata/torch/optim_rest_reference.json: reference trajectories
of the last methods of issue 12, written in torch 1.13 tensor operations
step for step (Debian's torch 1.13.1 has none of them):

  * muon: torch >= 2.9's torch.optim.Muon (torch/optim/_muon.py,
    _single_tensor_muon and _zeropower_via_newtonschulz, use_addmm=False).
    Its Newton-Schulz iteration runs in bfloat16. Muon29 below emulates
    torch 2.x's bfloat16 arithmetic with float32 operations: every
    element-wise op is computed in float32 and rounded to bfloat16 (a Python
    scalar stays a float32, as 2.x's CPU kernels keep it in opmath), a
    matrix product sums the (exact) float32 products in index order and
    rounds once, a norm sums the squares in index order in float32. torch
    1.13's own bfloat16 ops differ: its CPU matmul accumulates in bfloat16
    and its scalar ops round the scalar to bfloat16 first (measured in
    main(), printed to stderr). ns_dtype=param is descent's option to run the
    iteration in the parameter's type instead (torch ops in float32/float64).
  * lamb: You et al. 2020 ("Large Batch Optimization for Deep Learning:
    Training BERT in 76 minutes"), Algorithm 2, with the choices of
    cybertronai/pytorch-lamb where the paper leaves them open: eps 1e-6,
    the decay added to the Adam ratio inside the trust ratio,
    phi(z) = min(z, clamp_value) with clamp_value 10, trust ratio 1 when either norm is
    0; bias correction on (the paper's Algorithm 2; pytorch-lamb leaves it
    out, bias_correction=false here).
  * lookahead pullback_momentum: michaelrzhang/lookahead's
    lookahead_pytorch.py around torch 1.13.1's SGD with momentum, "reset"
    and "pullback". For "pullback" the reference keeps a COPY of the
    interpolated momentum buffer (param_state["cached_mom"] =
    buf.clone()): the authors' code stores the buffer itself, so from the
    second synchronisation on its interpolation reads the buffer it has
    just scaled (buf <- buf*alpha*(2-alpha)); the copy is what the
    interpolation means, and what descent does.

Protocol: matrix cases start at cos(0.7*i) (row-major) and take the
gradient (w - sin(i + 2j + k/10)) * (1 + (i*cols + j) % 3) at step k
(float64 from the current values, cast to the dtype, as
gen_optim_more.matrix_grad); function cases are gen_optim.py's protocol
with the parameter a 1x2 matrix for muon (torch refuses other shapes) and
a vector of 2 for lamb and lookahead. Regenerate:

    /usr/bin/python3 testdata/torch/gen_optim_rest.py
"""

import json
import math
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True
import gen_optim as G  # noqa: E402
from gen_optim_more import matrix_grad  # noqa: E402  (the matrix cases' gradient)

torch.set_num_threads(1)

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "optim_rest_reference.json")
GENERATOR = "testdata/torch/gen_optim_rest.py"

MUON_DEFAULTS = dict(lr=1e-3, weight_decay=0.1, momentum=0.95, nesterov=True, ns_a=3.4445, ns_b=-4.7750,
                     ns_c=2.0315, eps=1e-7, ns_steps=5, adjust_lr_fn="original", ns_dtype="bfloat16")
LAMB_DEFAULTS = dict(lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-6, weight_decay=0.0, clamp_value=10.0,
                     bias_correction=True)


# --- bfloat16 arithmetic of torch 2.x, in float32 operations ---------------

def bf(t):
    """Round a float32/float64 tensor to bfloat16 (nearest even; float64
    goes through float32 first, as c10::BFloat16's constructor does) and
    return it as float32 values."""
    return t.to(torch.bfloat16).to(torch.float32)


def bf_mm(a, b, native=False):
    """a @ b of bfloat16 values (float32 tensors holding them): the float32
    products (exact) summed in index order, rounded once. native=True uses
    torch's float32 matmul (its own summation order) instead."""
    if native:
        return bf(a @ b)
    m, k = a.shape
    acc = torch.zeros((m, b.shape[1]), dtype=torch.float32)
    for i in range(k):
        acc = acc + a[:, i:i + 1] * b[i:i + 1, :]
    return bf(acc)


def bf_norm(x, native=False):
    if native:
        return bf(x.norm())
    acc = torch.zeros((), dtype=torch.float32)
    for v in x.reshape(-1):
        acc = acc + v * v
    return bf(acc.sqrt())


def ns_bf16(g, a, b, c, steps, eps, native=False):
    x = bf(g.to(torch.float32))
    if g.shape[0] > g.shape[1]:
        x = x.t().contiguous()
    n = bf(torch.clamp(bf_norm(x, native), min=eps))
    x = bf(x / n)
    for _ in range(steps):
        gram = bf_mm(x, x.t().contiguous(), native)
        upd = bf(bf(b * gram) + bf_mm(bf(c * gram), gram, native))
        x = bf(bf(a * x) + bf_mm(upd, x, native))
    if g.shape[0] > g.shape[1]:
        x = x.t().contiguous()
    return x


def ns_torch113_bf16(g, a, b, c, steps, eps):
    """torch 2.9's _zeropower_via_newtonschulz run as is on torch 1.13's
    bfloat16 tensors (for the measurement only)."""
    x = g.bfloat16()
    if g.shape[0] > g.shape[1]:
        x = x.T
    x.div_(x.norm().clamp(min=eps))
    for _ in range(steps):
        gram = x @ x.T
        upd = b * gram + c * gram @ gram
        x = a * x + upd @ x
    if g.shape[0] > g.shape[1]:
        x = x.T
    return x.float()


def ns_param(g, a, b, c, steps, eps):
    """The iteration in the parameter's own dtype (descent's ns_dtype=param)."""
    x = g.clone()
    if g.shape[0] > g.shape[1]:
        x = x.t()
    x = x / x.norm().clamp(min=eps)
    for _ in range(steps):
        gram = x @ x.t()
        upd = b * gram + (c * gram) @ gram
        x = a * x + upd @ x
    if g.shape[0] > g.shape[1]:
        x = x.t()
    return x


def lerp(a, b, w):
    """torch's lerp a + w(b - a) (|w| < 0.5) or b - (b - a)(1 - w), one
    rounded op at a time; the weight is first rounded to the dtype, and
    1 - w computed in it, as torch's kernel does."""
    w = torch.tensor(w, dtype=a.dtype)
    if abs(float(w)) < 0.5:
        return a + float(w) * (b - a)
    return b - (b - a) * float(1 - w)


class Muon29:
    """torch 2.9's _single_tensor_muon, one parameter (a matrix)."""

    def __init__(self, p, h, ns="emulated"):
        self.p, self.h, self.ns = p, h, ns
        self.buf = torch.zeros_like(p)

    def step(self, grad):
        h, p = self.h, self.p
        self.buf = lerp(self.buf, grad, 1 - h["momentum"])
        upd = lerp(grad, self.buf, h["momentum"]) if h["nesterov"] else self.buf
        coef = (h["ns_a"], h["ns_b"], h["ns_c"], h["ns_steps"], h["eps"])
        if h["ns_dtype"] == "param":
            o = ns_param(upd, *coef)
        elif self.ns == "emulated":
            o = ns_bf16(upd, *coef)
        elif self.ns == "native-f32":
            o = ns_bf16(upd, *coef, native=True)
        else:
            o = ns_torch113_bf16(upd, *coef)
        A, B = p.shape
        if h["adjust_lr_fn"] == "original":
            ratio = math.sqrt(max(1, A / B))
        else:
            ratio = 0.2 * math.sqrt(max(A, B))
        adjusted = h["lr"] * ratio
        p.mul_(1 - h["lr"] * h["weight_decay"])
        p.add_(o.to(p.dtype), alpha=-adjusted)


class Lamb:
    """LAMB (You et al. 2020, Algorithm 2), one parameter; see the docstring."""

    def __init__(self, p, h):
        self.p, self.h = p, h
        self.m, self.v, self.t = torch.zeros_like(p), torch.zeros_like(p), 0

    def step(self, g):
        h, w = self.h, self.p
        self.t += 1
        b1, b2 = h["beta1"], h["beta2"]
        self.m = self.m * b1 + g * (1 - b1)
        self.v = self.v * b2 + g * g * (1 - b2)
        m, v = self.m, self.v
        if h["bias_correction"]:
            m = m / (1 - b1 ** self.t)
            v = v / (1 - b2 ** self.t)
        r = m / (v.sqrt() + h["eps"])
        if h["weight_decay"] != 0:
            r = r + w * h["weight_decay"]
        wn = float(w.norm())
        rn = float(r.norm())
        phi = min(wn, h["clamp_value"])
        trust = 1.0 if wn == 0 or rn == 0 else float(torch.tensor(phi, dtype=w.dtype) / torch.tensor(rn, dtype=w.dtype))
        w.add_(r, alpha=-h["lr"] * trust)


def fmt(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return v
    if isinstance(v, int):
        return str(v)
    return repr(float(v))


def spec_of(method, opts):
    return method if not opts else method + ":" + ",".join("%s=%s" % (k, fmt(v)) for k, v in opts)


def run(method, opts, dtype, rows, cols, steps, func=None, ns="emulated", nudge=False):
    dt = G.DTYPES[dtype]
    if func is None:
        start = [math.cos(0.7 * i) for i in range(rows * cols)]
    else:
        start = list(G.START[func])
    if nudge:  # the next value of the dtype after start[0], for screening
        x = torch.tensor([start[0]], dtype=dt)
        start[0] = float(torch.nextafter(x, x + 1)[0])
    p = torch.tensor(start, dtype=dt).reshape(rows, cols)
    if method == "muon":
        h = dict(MUON_DEFAULTS, **dict(opts))
        opt = Muon29(p, h, ns)
    else:
        h = dict(LAMB_DEFAULTS, **dict(opts))
        p = p.reshape(-1)
        opt = Lamb(p, h)
    pts = [p.reshape(-1).tolist()]
    for k in range(steps):
        w = p.reshape(-1).tolist()
        g = matrix_grad(w, rows, cols, k) if func is None else list(G.GRADS[func](*w))
        opt.step(torch.tensor(g, dtype=dt).reshape(p.shape))
        pts.append(p.reshape(-1).tolist())
    return pts


MUON_OPTS = [[], [("lr", 0.02)], [("lr", 0.02), ("momentum", 0.9), ("nesterov", False)],
             [("lr", 0.02), ("weight_decay", 0.0)], [("lr", 0.05), ("weight_decay", 0.5)],
             [("lr", 0.02), ("ns_steps", 3)], [("lr", 0.02), ("ns_a", 1.5), ("ns_b", -0.5), ("ns_c", 0.0), ("ns_steps", 8)],
             [("lr", 0.02), ("eps", 0.5)], [("lr", 0.02), ("adjust_lr_fn", "match_rms_adamw")],
             [("lr", 0.02), ("momentum", 0.0)],
             [("lr", 0.02), ("ns_dtype", "param")], [("lr", 0.02), ("ns_dtype", "param"), ("nesterov", False), ("weight_decay", 0.0)],
             [("lr", 0.02), ("ns_dtype", "param"), ("adjust_lr_fn", "match_rms_adamw"), ("ns_steps", 3)]]
SHAPES = [(3, 4), (5, 2), (4, 4), (1, 6), (6, 1), (8, 16)]

LAMB_OPTS = [[], [("lr", 0.01)], [("lr", 0.01), ("weight_decay", 0.01)], [("lr", 0.01), ("bias_correction", False)],
             [("lr", 0.01), ("clamp_value", 0.5)], [("lr", 0.02), ("beta1", 0.8), ("beta2", 0.99), ("eps", 1e-3)],
             [("lr", 0.05), ("weight_decay", 0.1), ("clamp_value", 2.0)]]


def lookahead_run(k, alpha, mode, func, dtype, steps):
    dt = G.DTYPES[dtype]
    p = torch.tensor(list(G.START[func]), dtype=dt, requires_grad=True)
    opt = torch.optim.SGD([p], lr=G.GD_LR[func], momentum=0.9, foreach=False)
    cached = p.detach().clone()
    cached_mom = torch.zeros_like(cached)
    count = 0
    pts = [p.detach().tolist()]
    for _ in range(steps):
        x, y = p.detach().tolist()
        p.grad = torch.tensor(G.GRADS[func](x, y), dtype=dt)
        opt.step()
        count += 1
        if count >= k:
            count = 0
            with torch.no_grad():
                p.mul_(alpha).add_(cached, alpha=1.0 - alpha)
            cached.copy_(p.detach())
            if mode == "pullback":
                buf = opt.state[p]["momentum_buffer"]
                buf.mul_(alpha).add_(cached_mom, alpha=1.0 - alpha)
                cached_mom = buf.clone()
            elif mode == "reset":
                opt.state[p]["momentum_buffer"] = torch.zeros_like(p.detach())
        pts.append(p.detach().tolist())
    return pts


def bf16_samples():
    """float32 values and torch 1.13's rounding of them to bfloat16 (the
    conversion did not change in 2.x): random magnitudes, exact ties
    (the low 16 bits 0x8000, both parities), subnormals, near-max values."""
    import random
    rnd = random.Random(12)
    bits = [rnd.getrandbits(32) & 0x7F7FFFFF | (rnd.getrandbits(1) << 31) for _ in range(400)]
    bits += [(rnd.getrandbits(15) << 16) | 0x8000 for _ in range(100)]  # ties
    bits += [0x00000001, 0x00008000, 0x00018000, 0x007FFFFF, 0x80000001, 0x7F7F0000, 0x7F7F7FFF, 0xFF7F7FFF, 0, 0x80000000]
    x = torch.tensor(bits, dtype=torch.int64).to(torch.int32).view(torch.float32)
    y = x.bfloat16().float()
    return [[float(a), float(b)] for a, b in zip(x.tolist(), y.tolist()) if math.isfinite(a) and math.isfinite(b)]


def sensitive(method, opts, dtype, rows, cols, steps, func, pts):
    """Whether the case's trajectory moves by more than a tenth of the test
    tolerance when its start moves by one unit in the last place (LAMB's
    normalised steps make rastrigin chaotic, as gen_optim.py's screen)."""
    other = run(method, opts, dtype, rows, cols, steps, func=func, nudge=True)
    d = max(abs(a - b) / max(abs(b), 1) for pa, pb in zip(other, pts) for a, b in zip(pa, pb))
    return d > (1e-10 if dtype == "float64" else 1e-6)


def finite(pts):
    return all(math.isfinite(v) and abs(v) < 1e6 for pt in pts for v in pt)


def main():
    cases, worst = [], {"native-f32": 0.0, "torch113-bf16": 0.0}
    differ = {"native-f32": 0, "torch113-bf16": 0}
    for i, opts in enumerate(MUON_OPTS):
        for j, dtype in enumerate(("float64", "float32")):
            rows, cols = SHAPES[(i + j) % len(SHAPES)]
            for shape in ((rows, cols), SHAPES[(i + j + 3) % len(SHAPES)]):
                pts = run("muon", opts, dtype, shape[0], shape[1], 30)
                assert finite(pts), (opts, dtype, shape)
                cases.append({"spec": spec_of("muon", opts), "dtype": dtype, "rows": shape[0], "cols": shape[1],
                              "func": None, "steps": 30, "points": pts})
                if dict(opts).get("ns_dtype") != "param":
                    for ns in worst:
                        other = run("muon", opts, dtype, shape[0], shape[1], 30, ns=ns)
                        d = max(abs(a - b) / max(abs(b), 1) for pa, pb in zip(other, pts) for a, b in zip(pa, pb))
                        worst[ns] = max(worst[ns], d)
                        differ[ns] += d > 0
        func = G.FUNCS[i % len(G.FUNCS)]
        if func == "saddle":
            func = "booth"
        for dtype in ("float64", "float32"):
            pts = run("muon", opts, dtype, 1, 2, 60, func=func)
            if finite(pts):
                cases.append({"spec": spec_of("muon", opts), "dtype": dtype, "rows": 1, "cols": 2,
                              "func": func, "steps": 60, "points": pts})
    for i, opts in enumerate(LAMB_OPTS):
        for dtype in ("float64", "float32"):
            rows, cols = SHAPES[i % len(SHAPES)]
            cases.append({"spec": spec_of("lamb", opts), "dtype": dtype, "rows": rows, "cols": cols, "func": None,
                          "steps": 30, "points": run("lamb", opts, dtype, rows, cols, 30)})
            funcs = [f for f in G.FUNCS[i:] + G.FUNCS[:i] if f != "saddle"]
            for func in funcs:
                pts = run("lamb", opts, dtype, 1, 2, 100, func=func)
                if finite(pts) and not sensitive("lamb", opts, dtype, 1, 2, 100, func, pts):
                    cases.append({"spec": spec_of("lamb", opts), "dtype": dtype, "rows": 0, "cols": 0, "func": func,
                                  "steps": 100, "points": pts})
                    break
                print("skip lamb %s %s %s: not finite or sensitive to rounding" % (opts, dtype, func), file=sys.stderr)
    for k, alpha, mode, func in [(5, 0.5, "reset", "booth"), (5, 0.8, "pullback", "booth"),
                                 (3, 0.5, "pullback", "himmelblau"), (4, 0.6, "reset", "elliptic"),
                                 (2, 0.3, "pullback", "elliptic")]:
        for dtype in ("float64", "float32"):
            spec = "lookahead:k=%d,alpha=%s,pullback_momentum=%s/sgd:lr=%s,momentum=0.9" % (
                k, fmt(alpha), mode, fmt(G.GD_LR[func]))
            cases.append({"spec": spec, "dtype": dtype, "rows": 0, "cols": 0, "func": func, "steps": 60,
                          "points": lookahead_run(k, alpha, mode, func, dtype, 60)})
    for ns in worst:
        print("muon bf16 cases, %s against the emulation: %d of the trajectories differ, worst relative difference %.3g"
              % (ns, differ[ns], worst[ns]), file=sys.stderr)
    doc_bf16 = bf16_samples()
    doc = {"torch_version": "1.13.1 ops; muon: torch 2.9's algorithm, lamb: You et al. 2020, lookahead: the authors' code",
           "generator": GENERATOR, "gradient": "matrix cases (func null): (w - sin(i + 2j + k/10)) * (1 + (i*cols + j) % 3)",
           "measured": {"muon_native_f32_matmul_worst_rel": worst["native-f32"],
                        "muon_native_f32_matmul_trajectories_differ": differ["native-f32"],
                        "muon_torch113_bf16_worst_rel": worst["torch113-bf16"],
                        "muon_torch113_bf16_trajectories_differ": differ["torch113-bf16"]},
           "bf16_samples": doc_bf16, "cases": cases}
    with open(OUT, "w") as f:
        json.dump(doc, f, indent=None, separators=(",", ":"))
        f.write("\n")
    print("wrote %d cases" % len(cases), file=sys.stderr)


if __name__ == "__main__":
    main()
