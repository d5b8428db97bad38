#!/usr/bin/python3
"""Generate testdata/torch/optim_more_trajectories.json: trajectories of the
methods and switches added after the first reference file (issue 12), with
the protocol of gen_optim.py (same test functions, gradients, screening and
JSON layout; see its docstring and README.md).

Regenerate (from the repository root):

    /usr/bin/python3 testdata/torch/gen_optim_more.py

Which torch each case stands for is in its "reference" string:
  * rprop, asgd: recorded from Debian's torch 1.13.1 (torch.optim.Rprop and
    torch.optim.ASGD, foreach=False). torch 2.x's _single_tensor_rprop and
    _single_tensor_asgd run the same operations.
  * adam/nadam/radam with decoupled_weight_decay=true: torch >= 2.x only
    (the switch came after 1.13). Written here from torch 2.x's
    _single_tensor_adam/_nadam/_radam in torch 1.13 tensor operations, step
    for step (Adam2x, NAdam2x, RAdam2x below). One difference from 2.x is
    kept on purpose: 2.x updates the first moment with exp_avg.lerp_(grad,
    1-beta1), 1.13 (and descent) with exp_avg.mul_(beta1).add_(grad,
    alpha=1-beta1); the two differ by rounding only.
  * adafactor: torch >= 2.5 only. Adafactor25 below is 2.5's
    _single_tensor_adafactor written in torch 1.13 operations (vector_norm,
    lerp_, rsqrt_, the same order). It also writes
    adafactor_matrix_reference.json: matrix parameters, where the second
    moment is factored (see matrix_cases()).
  * lookahead:k=K,alpha=A/INNER: the authors' lookahead_pytorch.py
    (michaelrzhang/lookahead, pullback_momentum="none") around torch 1.13.1's
    INNER optimizer: every K steps p = p*alpha + (1-alpha)*cached, cached = p.
  * sf_adamw: facebookresearch/schedule_free's
    adamw_schedulefree_reference.py (AdamWScheduleFreeReference), its step
    copied op for op below (SFAdamWReference; torch 1.13 operations); the
    points are y (the parameter in train mode), "ax" holds x, the
    evaluation point, after every step. sf_sgd: sgd_schedulefree_reference.py
    likewise (SFSGDReference).
  * lbfgs: recorded from torch 1.13.1's torch.optim.LBFGS; one step is one
    opt.step(closure), the closure setting p.grad to the analytic gradient
    (cast to the dtype) and returning the loss, in Python float64, at the
    current point. torch 2.x's lbfgs.py runs the same algorithm.
ASGD cases also record "ax", the running average of the parameters (state
buffer "ax") after every step.
"""

import json
import math
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True  # no __pycache__ in testdata
import gen_optim as G  # noqa: E402  (the shared protocol)

torch.set_num_threads(1)

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "optim_more_trajectories.json")
GENERATOR = "testdata/torch/gen_optim_more.py"

DEFAULTS = {
    "rprop": dict(lr=0.01, etaminus=0.5, etaplus=1.2, step_size_min=1e-6, step_size_max=50.0,
                  maximize=False),
    "asgd": dict(lr=0.01, lambd=1e-4, alpha=0.75, t0=1e6, weight_decay=0.0, maximize=False),
    "adam": dict(G.DEFAULTS["adam"], decoupled_weight_decay=False),
    "nadam": dict(G.DEFAULTS["nadam"], decoupled_weight_decay=False),
    "radam": dict(G.DEFAULTS["radam"], decoupled_weight_decay=False),
    "adafactor": dict(lr=0.01, beta2_decay=-0.8, eps1=0.0, eps1_dtype=True, eps2=1e-3, d=1.0,
                      weight_decay=0.0, maximize=False),
    "sf_adamw": dict(lr=0.0025, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0, warmup_steps=0,
                               r=0.0, weight_lr_power=2.0, decay_at_z=False),
    "sf_sgd": dict(lr=1.0, momentum=0.9, weight_decay=0.0, warmup_steps=0, r=0.0, weight_lr_power=2.0),
    "lbfgs": dict(lr=1.0, max_iter=20, max_eval=None, tolerance_grad=1e-7, tolerance_change=1e-9,
                  history_size=100, line_search_fn="none"),
}

# Loss values, in the expression order of package testfunc.
VALUES = {
    "rosenbrock": lambda x, y: (1 - x) * (1 - x) + 100 * (y - x * x) * (y - x * x),
    "beale": lambda x, y: ((1.5 - x + x * y) * (1.5 - x + x * y)
                           + (2.25 - x + x * y * y) * (2.25 - x + x * y * y)
                           + (2.625 - x + x * y * y * y) * (2.625 - x + x * y * y * y)),
    "himmelblau": lambda x, y: (x * x + y - 11) * (x * x + y - 11) + (x + y * y - 7) * (x + y * y - 7),
    "booth": lambda x, y: (x + 2 * y - 7) * (x + 2 * y - 7) + (2 * x + y - 5) * (2 * x + y - 5),
    "elliptic": lambda x, y: x * x / 20 + y * y,
    "rastrigin": lambda x, y: (20 + x * x - 10 * math.cos(2 * math.pi * x) + y * y
                               - 10 * math.cos(2 * math.pi * y)),
}
G.BOOL_KEYS.add("decoupled_weight_decay")
G.BOOL_KEYS.add("eps1_dtype")
G.BOOL_KEYS.add("decay_at_z")


class SFAdamWReference(torch.optim.Optimizer):
    """adamw_schedulefree_reference.py's AdamWScheduleFreeReference.step,
    op for op (train mode only; x is state["x"])."""

    def __init__(self, params, lr, betas, eps, weight_decay, warmup_steps, r, weight_lr_power, decay_at_z):
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, r=r, k=0, warmup_steps=warmup_steps,
                                      weight_sum=0.0, lr_max=-1.0, weight_lr_power=weight_lr_power,
                                      decay_at_z=decay_at_z, weight_decay=weight_decay))

    @torch.no_grad()
    def step(self):
        for group in self.param_groups:
            eps = group['eps']
            decay = group['weight_decay']
            beta1, beta2 = group['betas']
            k = group['k']
            r = group['r']
            warmup_steps = group['warmup_steps']
            weight_lr_power = group['weight_lr_power']
            decay_at_z = group['decay_at_z']
            if k < warmup_steps:
                sched = (k + 1) / warmup_steps
            else:
                sched = 1.0
            bias_correction2 = 1 - beta2 ** (k + 1)
            lr = group['lr'] * sched * math.sqrt(bias_correction2)
            lr_max = group['lr_max'] = max(lr, group['lr_max'])
            weight = ((k + 1) ** r) * (lr_max ** weight_lr_power)
            weight_sum = group['weight_sum'] = group['weight_sum'] + weight
            try:
                ckp1 = weight / weight_sum
            except ZeroDivisionError:
                ckp1 = 0
            for p in group['params']:
                grad = p.grad.data
                state = self.state[p]
                if 'z' not in state:
                    state['z'] = torch.clone(p.data)
                    state['exp_avg_sq'] = torch.zeros_like(p.data)
                    state['x'] = torch.clone(p.data)
                    state['y'] = torch.clone(p.data)
                exp_avg_sq, z, x, y = state['exp_avg_sq'], state['z'], state['x'], state['y']
                if decay != 0:
                    decay_point = z if decay_at_z else y
                    z.data.sub_(decay_point, alpha=lr * decay)
                exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
                denom = exp_avg_sq.sqrt().add_(eps)
                z.data.addcdiv_(grad, denom, value=-lr)
                x.mul_(1 - ckp1).add_(z, alpha=ckp1)
                y.copy_(x.mul(beta1).add_(z, alpha=1 - beta1))
                p.data.copy_(y)
            group['k'] = k + 1


class Adafactor25(torch.optim.Optimizer):
    """torch 2.5's Adafactor (_single_tensor_adafactor) in torch 1.13
    operations, line for line."""

    def __init__(self, params, lr, beta2_decay, eps1, eps2, d, weight_decay, maximize):
        super().__init__(params, dict(lr=lr, beta2_decay=beta2_decay, eps=(eps1, eps2), d=d,
                                      weight_decay=weight_decay, maximize=maximize))

    @torch.no_grad()
    def step(self):
        for group in self.param_groups:
            lr, beta2_decay, d, weight_decay = group["lr"], group["beta2_decay"], group["d"], group["weight_decay"]
            eps1, eps2 = group["eps"]
            for param in group["params"]:
                grad = param.grad if not group["maximize"] else -param.grad
                state = self.state[param]
                if len(state) == 0:
                    state["step"] = torch.tensor(0.0)
                    if grad.dim() > 1:
                        row_shape = list(grad.shape)
                        row_shape[-1] = 1
                        state["row_var"] = grad.new_zeros(row_shape)
                        col_shape = list(grad.shape)
                        col_shape[-2] = 1
                        state["col_var"] = grad.new_zeros(col_shape)
                    else:
                        state["variance"] = torch.zeros_like(grad)
                if eps1 is None:
                    eps1 = torch.finfo(param.dtype).eps
                step_t = state["step"]
                step_t += 1
                step_float = step_t.item()
                one_minus_beta2_t = step_float ** beta2_decay
                rho_t = min(lr, 1 / (step_float ** 0.5))
                alpha = max(eps2, param.norm(2).item() / (param.numel() ** 0.5)) * rho_t
                if weight_decay != 0:
                    param.mul_(1 - lr * weight_decay)
                if grad.dim() > 1:
                    row_var, col_var = state["row_var"], state["col_var"]
                    row_mean = torch.linalg.vector_norm(grad, dim=-1, keepdim=True).square_().div_(grad.size(-1))
                    row_var.lerp_(row_mean, one_minus_beta2_t)
                    col_mean = torch.linalg.vector_norm(grad, dim=-2, keepdim=True).square_().div_(grad.size(-2))
                    col_var.lerp_(col_mean, one_minus_beta2_t)
                    var_estimate = row_var @ col_var
                    var_estimate.div_(row_var.mean(dim=-2, keepdim=True).clamp_(min=eps1))
                else:
                    variance = state["variance"]
                    grad_squared = grad * grad
                    variance.lerp_(grad_squared, one_minus_beta2_t)
                    var_estimate = variance.clone()
                update = var_estimate.clamp_(min=eps1 * eps1).rsqrt_()
                update.mul_(grad)
                denom = max(1.0, update.norm(2).item() / ((update.numel() ** 0.5) * d))
                param.add_(update, alpha=-alpha / denom)


class Adam2x(torch.optim.Optimizer):
    """torch 2.x _single_tensor_adam (no amsgrad capturable paths) in torch
    1.13 operations, with decoupled_weight_decay."""

    def __init__(self, params, lr, betas, eps, weight_decay, amsgrad, maximize, decoupled):
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                                      amsgrad=amsgrad, maximize=maximize, decoupled=decoupled))

    @torch.no_grad()
    def step(self):
        for group in self.param_groups:
            beta1, beta2 = group["betas"]
            lr, eps, wd = group["lr"], group["eps"], group["weight_decay"]
            for param in group["params"]:
                grad = param.grad if not group["maximize"] else -param.grad
                st = self.state[param]
                if not st:
                    st["step"] = 0.0
                    st["exp_avg"] = torch.zeros_like(param)
                    st["exp_avg_sq"] = torch.zeros_like(param)
                    st["max_exp_avg_sq"] = torch.zeros_like(param)
                st["step"] += 1
                step = st["step"]
                if wd != 0:
                    if group["decoupled"]:
                        param.mul_(1 - lr * wd)
                    else:
                        grad = grad.add(param, alpha=wd)
                exp_avg, exp_avg_sq = st["exp_avg"], st["exp_avg_sq"]
                exp_avg.mul_(beta1).add_(grad, alpha=1 - beta1)
                exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
                bias_correction1 = 1 - beta1 ** step
                bias_correction2 = 1 - beta2 ** step
                step_size = lr / bias_correction1
                bias_correction2_sqrt = math.sqrt(bias_correction2)
                if group["amsgrad"]:
                    torch.maximum(st["max_exp_avg_sq"], exp_avg_sq, out=st["max_exp_avg_sq"])
                    denom = (st["max_exp_avg_sq"].sqrt() / bias_correction2_sqrt).add_(eps)
                else:
                    denom = (exp_avg_sq.sqrt() / bias_correction2_sqrt).add_(eps)
                param.addcdiv_(exp_avg, denom, value=-step_size)


class NAdam2x(torch.optim.Optimizer):
    """torch 2.x _single_tensor_nadam in torch 1.13 operations (the
    documented algorithm, mu_product in float64), with
    decoupled_weight_decay and maximize."""

    def __init__(self, params, lr, betas, eps, weight_decay, momentum_decay, maximize, decoupled):
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                                      momentum_decay=momentum_decay, maximize=maximize,
                                      decoupled=decoupled))

    @torch.no_grad()
    def step(self):
        for group in self.param_groups:
            beta1, beta2 = group["betas"]
            lr, eps, wd, md = group["lr"], group["eps"], group["weight_decay"], group["momentum_decay"]
            for param in group["params"]:
                grad = param.grad if not group["maximize"] else -param.grad
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
                    if group["decoupled"]:
                        param.mul_(1 - lr * wd)
                    else:
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


class RAdam2x(torch.optim.Optimizer):
    """torch 2.x _single_tensor_radam in torch 1.13 operations (those of
    1.13's _single_tensor_radam), with decoupled_weight_decay and maximize."""

    def __init__(self, params, lr, betas, eps, weight_decay, maximize, decoupled):
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                                      maximize=maximize, decoupled=decoupled))

    @torch.no_grad()
    def step(self):
        for group in self.param_groups:
            beta1, beta2 = group["betas"]
            lr, eps, wd = group["lr"], group["eps"], group["weight_decay"]
            for param in group["params"]:
                grad = param.grad if not group["maximize"] else -param.grad
                st = self.state[param]
                if not st:
                    st["step"] = 0.0
                    st["exp_avg"] = torch.zeros_like(param)
                    st["exp_avg_sq"] = torch.zeros_like(param)
                exp_avg, exp_avg_sq = st["exp_avg"], st["exp_avg_sq"]
                st["step"] += 1
                step = st["step"]
                if wd != 0:
                    if group["decoupled"]:
                        param.mul_(1 - lr * wd)
                    else:
                        grad = grad.add(param, alpha=wd)
                exp_avg.mul_(beta1).add_(grad, alpha=1 - beta1)
                exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
                bias_correction1 = 1 - beta1 ** step
                bias_correction2 = 1 - beta2 ** step
                bias_corrected_exp_avg = exp_avg / bias_correction1
                rho_inf = 2 / (1 - beta2) - 1
                rho_t = rho_inf - 2 * step * (beta2 ** step) / bias_correction2
                if rho_t > 5.:
                    rect = math.sqrt((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t))
                    adaptive_lr = math.sqrt(bias_correction2) / exp_avg_sq.sqrt().add_(eps)
                    param.add_(bias_corrected_exp_avg * lr * adaptive_lr * rect, alpha=-1.0)
                else:
                    param.add_(bias_corrected_exp_avg * lr, alpha=-1.0)


class SFSGDReference(torch.optim.Optimizer):
    """sgd_schedulefree_reference.py's SGDScheduleFreeReference.step, op
    for op (train mode only)."""

    def __init__(self, params, lr, momentum, weight_decay, warmup_steps, r, weight_lr_power):
        super().__init__(params, dict(lr=lr, momentum=momentum, r=r, k=0, warmup_steps=warmup_steps,
                                      weight_sum=0.0, lr_max=-1.0, weight_lr_power=weight_lr_power,
                                      weight_decay=weight_decay))

    @torch.no_grad()
    def step(self):
        for group in self.param_groups:
            momentum = group['momentum']
            weight_decay = group['weight_decay']
            k = group['k']
            warmup_steps = group['warmup_steps']
            if k < warmup_steps:
                sched = (k + 1) / warmup_steps
            else:
                sched = 1.0
            lr = group['lr'] * sched
            weight_lr_power = group['weight_lr_power']
            r = group['r']
            lr_max = group['lr_max'] = max(lr, group['lr_max'])
            weight = ((k + 1) ** r) * (lr_max ** weight_lr_power)
            weight_sum = group['weight_sum'] = group['weight_sum'] + weight
            try:
                ckp1 = weight / weight_sum
            except ZeroDivisionError:
                ckp1 = 0
            for p in group['params']:
                grad = p.grad
                state = self.state[p]
                if 'z' not in state:
                    state['z'] = torch.clone(p)
                    state['x'] = torch.clone(p)
                    state['y'] = torch.clone(p)
                z, x, y = state['z'], state['x'], state['y']
                if weight_decay != 0:
                    grad.add_(y, alpha=weight_decay)
                z.sub_(grad, alpha=lr)
                x.mul_(1 - ckp1).add_(z, alpha=ckp1)
                y.copy_(x.mul(momentum).add_(z, alpha=1 - momentum))
                p.copy_(y)
            group['k'] = k + 1


def build(method, h, params):
    betas = (h.get("beta1"), h.get("beta2"))
    if method == "rprop":
        return torch.optim.Rprop(params, lr=h["lr"], etas=(h["etaminus"], h["etaplus"]),
                                 step_sizes=(h["step_size_min"], h["step_size_max"]),
                                 foreach=False, maximize=h["maximize"])
    if method == "asgd":
        return torch.optim.ASGD(params, lr=h["lr"], lambd=h["lambd"], alpha=h["alpha"], t0=h["t0"],
                                weight_decay=h["weight_decay"], foreach=False, maximize=h["maximize"])
    if method == "adam":
        return Adam2x(params, h["lr"], betas, h["eps"], h["weight_decay"], h["amsgrad"],
                      h["maximize"], h["decoupled_weight_decay"])
    if method == "nadam":
        return NAdam2x(params, h["lr"], betas, h["eps"], h["weight_decay"], h["momentum_decay"],
                       h["maximize"], h["decoupled_weight_decay"])
    if method == "adafactor":
        return Adafactor25(params, h["lr"], h["beta2_decay"], None if h["eps1_dtype"] else h["eps1"],
                           h["eps2"], h["d"], h["weight_decay"], h["maximize"])
    if method == "sf_adamw":
        return SFAdamWReference(params, h["lr"], (h["beta1"], h["beta2"]), h["eps"], h["weight_decay"],
                                int(h["warmup_steps"]), h["r"], h["weight_lr_power"], h["decay_at_z"])
    if method == "sf_sgd":
        return SFSGDReference(params, h["lr"], h["momentum"], h["weight_decay"], int(h["warmup_steps"]),
                              h["r"], h["weight_lr_power"])
    if method == "lbfgs":
        me = h["max_eval"]
        return torch.optim.LBFGS(params, lr=h["lr"], max_iter=int(h["max_iter"]),
                                 max_eval=None if me is None else int(me),
                                 tolerance_grad=h["tolerance_grad"],
                                 tolerance_change=h["tolerance_change"],
                                 history_size=int(h["history_size"]),
                                 line_search_fn=None if h["line_search_fn"] == "none" else h["line_search_fn"])
    if method == "radam":
        return RAdam2x(params, h["lr"], betas, h["eps"], h["weight_decay"], h["maximize"],
                       h["decoupled_weight_decay"])
    raise ValueError(method)


REFERENCE = {
    "rprop": "torch.optim.Rprop (torch 1.13.1, foreach=False; torch 2.x runs the same operations)",
    "asgd": "torch.optim.ASGD (torch 1.13.1, foreach=False; torch 2.x single-tensor runs the same "
            "operations; eta and mu are float32 tensors in both)",
    "adam": "torch >= 2.0 Adam(decoupled_weight_decay=True) written in torch 1.13 ops (Adam2x)",
    "nadam": "torch >= 2.0 NAdam(decoupled_weight_decay=True) written in torch 1.13 ops (NAdam2x)",
    "radam": "torch >= 2.0 RAdam(decoupled_weight_decay=True) written in torch 1.13 ops (RAdam2x)",
    "adafactor": "torch >= 2.5 Adafactor written in torch 1.13 ops (Adafactor25)",
    "lookahead": "michaelrzhang/lookahead lookahead_pytorch.py around torch 1.13.1's inner optimizer",
    "sf_adamw": ("facebookresearch/schedule_free adamw_schedulefree_reference.py (SFAdamWReference) "
                           "in torch 1.13.1; points are y, ax is x"),
    "sf_sgd": ("facebookresearch/schedule_free sgd_schedulefree_reference.py (SFSGDReference) "
               "in torch 1.13.1; points are y, ax is x"),
    "lbfgs": "torch.optim.LBFGS (torch 1.13.1; one point per step(closure); torch 2.x runs the same algorithm)",
}


def fmt_value(v):
    """gen_optim's fmt_value, with integers (lbfgs's max_iter, ...) written as integers."""
    if isinstance(v, int) and not isinstance(v, bool):
        return str(v)
    return G.fmt_value(v)


def make_spec(method, opts):
    if not opts:
        return method
    return method + ":" + ",".join("%s=%s" % (k, fmt_value(v)) for k, v in opts)


class LookaheadCase:
    """lookahead:k=K,alpha=A/INNER around a gen_optim method."""

    def __init__(self, k, alpha, inner, inner_opts, func, dtype):
        self.k, self.alpha, self.inner, self.inner_opts = k, alpha, inner, list(inner_opts)
        self.method, self.func, self.dtype = "lookahead", func, dtype
        self.steps = G.STEPS[dtype] // 2
        self.lrs = None
        self.start = G.START[func]

    @property
    def spec(self):
        return "lookahead:k=%d,alpha=%s/%s" % (self.k, G.fmt_value(self.alpha), G.make_spec(self.inner, self.inner_opts))

    @property
    def name(self):
        return "/".join([self.spec, self.func, self.dtype])

    def run(self, dtype=None, start=None, with_ax=False):
        dtype = dtype or self.dtype
        start = start or self.start
        grad = G.GRADS[self.func]
        p = torch.tensor(list(start), dtype=G.DTYPES[dtype], requires_grad=True)
        opt = G.build_torch(self.inner, G.resolved(self.inner, self.inner_opts), [p])
        cached = p.detach().clone()
        la_step = 0
        pts = [p.detach().tolist()]
        for _ in range(self.steps):
            x, y = p.detach().tolist()
            p.grad = torch.tensor(grad(x, y), dtype=G.DTYPES[dtype])
            opt.step()
            la_step += 1
            if la_step >= self.k:
                la_step = 0
                with torch.no_grad():
                    p.mul_(self.alpha).add_(cached, alpha=1.0 - self.alpha)
                cached.copy_(p.detach())
            pts.append(p.detach().tolist())
        return (pts, [[0.0, 0.0]] * len(pts)) if with_ax else pts


class Case:
    def __init__(self, method, opts, func, dtype, lrs=None, label=""):
        self.method, self.opts, self.func, self.dtype = method, list(opts), func, dtype
        self.steps = G.STEPS[dtype]
        if method == "lbfgs":
            self.steps = 12
        if func == "saddle":
            self.steps //= 2
        self.lrs = None if lrs is None else [float(v) for v in lrs[: self.steps]]
        self.label = label
        self.start = G.START[func]
        if func == "saddle" and ("maximize", True) in self.opts:
            self.start = G.SADDLE_MAXIMIZE_START

    @property
    def spec(self):
        return make_spec(self.method, self.opts)

    @property
    def name(self):
        words = []
        for k, v in self.opts:
            words.append((k if v else "no" + k) if isinstance(v, bool) else "%s=%s" % (k, fmt_value(v)))
        parts = [self.method, "+".join(words) if words else "defaults"]
        if self.lrs is not None:
            parts.append("lrs-" + self.label)
        return "/".join(parts + [self.func, self.dtype])

    def hyper(self):
        h = dict(DEFAULTS[self.method])
        for k, v in self.opts:
            assert k in h, (self.method, k)
            h[k] = v
        return h

    def run(self, dtype=None, start=None, with_ax=False):
        dtype = dtype or self.dtype
        start = start or self.start
        grad = G.GRADS[self.func]
        p = torch.tensor(list(start), dtype=G.DTYPES[dtype], requires_grad=True)
        opt = build(self.method, self.hyper(), [p])
        pts = [p.detach().tolist()]
        ax = [[0.0, 0.0]] if self.method not in ("sf_adamw", "sf_sgd") else [p.detach().tolist()]
        for k in range(self.steps):
            if self.lrs is not None:
                opt.param_groups[0]["lr"] = self.lrs[k]
            x, y = p.detach().tolist()
            gx, gy = grad(x, y)
            p.grad = torch.tensor([gx, gy], dtype=G.DTYPES[dtype])
            if self.method == "lbfgs":
                def closure():
                    x, y = p.detach().tolist()
                    p.grad = torch.tensor(grad(x, y), dtype=G.DTYPES[dtype])
                    return VALUES[self.func](x, y)
                opt.step(closure)
            else:
                opt.step()
            pts.append(p.detach().tolist())
            if self.method == "asgd":
                ax.append(opt.state[p]["ax"].tolist())
            if self.method in ("sf_adamw", "sf_sgd"):
                ax.append(opt.state[p]["x"].tolist())
        return (pts, ax) if with_ax else pts


def self_check():
    """The 2.x classes without decoupling must be the recorded 1.13 rules."""
    for func in ("himmelblau", "booth"):
        for dtype in ("float64", "float32"):
            for method, cls in (("radam", "RAdam"), ("adam", "Adam")):
                h = dict(DEFAULTS[method], lr=0.05, weight_decay=0.1)
                ps = []
                for make in (lambda p: build(method, h, p),
                             lambda p: getattr(torch.optim, cls)(p, lr=0.05, weight_decay=0.1, foreach=False)):
                    p = torch.tensor(list(G.START[func]), dtype=G.DTYPES[dtype], requires_grad=True)
                    o = make([p])
                    for _ in range(50):
                        x, y = p.detach().tolist()
                        p.grad = torch.tensor(G.GRADS[func](x, y), dtype=G.DTYPES[dtype])
                        o.step()
                    ps.append(p.detach().tolist())
                assert ps[0] == ps[1], (method, func, dtype, ps)
            # NAdam2x is gen_optim's NAdamDocumented when not decoupled
            ps = []
            for make in (lambda p: build("nadam", dict(DEFAULTS["nadam"], lr=0.05, weight_decay=0.1), p),
                         lambda p: G.NAdamDocumented(p, 0.05, (0.9, 0.999), 1e-8, 0.1, 0.004)):
                p = torch.tensor(list(G.START[func]), dtype=G.DTYPES[dtype], requires_grad=True)
                o = make([p])
                for _ in range(50):
                    x, y = p.detach().tolist()
                    p.grad = torch.tensor(G.GRADS[func](x, y), dtype=G.DTYPES[dtype])
                    o.step()
                ps.append(p.detach().tolist())
            assert ps[0] == ps[1], ("nadam", func, dtype, ps)


RPROP_OPTS = [[], [("lr", 0.001)], [("etaminus", 0.3), ("etaplus", 1.5)],
              [("step_size_min", 0.001), ("step_size_max", 0.05)], [("lr", 0.1), ("maximize", True)]]
ASGD_OPTS = [[("lambd", 0.01)], [("alpha", 0.5), ("lambd", 0.05)], [("t0", 20.0)],
             [("t0", 0.0), ("lambd", 0.001)], [("weight_decay", 0.1), ("t0", 50.0)], [("maximize", True)]]
DECOUPLED = {
    "adam": [[("lr", 0.05), ("weight_decay", 0.1), ("decoupled_weight_decay", True)],
             [("lr", 0.05), ("weight_decay", 0.5), ("amsgrad", True), ("decoupled_weight_decay", True)],
             [("lr", 0.05), ("weight_decay", 0.1), ("maximize", True), ("decoupled_weight_decay", True)]],
    "nadam": [[("lr", 0.05), ("weight_decay", 0.1), ("decoupled_weight_decay", True)],
              [("weight_decay", 1.0), ("decoupled_weight_decay", True)],
              [("lr", 0.05), ("weight_decay", 0.1), ("maximize", True), ("decoupled_weight_decay", True)]],
    "radam": [[("lr", 0.05), ("weight_decay", 0.1), ("decoupled_weight_decay", True)],
              [("weight_decay", 1.0), ("decoupled_weight_decay", True)],
              [("lr", 0.05), ("weight_decay", 0.1), ("maximize", True), ("decoupled_weight_decay", True)]],
}


LBFGS_OPTS = [[], [("line_search_fn", "strong_wolfe")],
              [("history_size", 3), ("line_search_fn", "strong_wolfe")],
              [("lr", 0.5), ("max_iter", 5)], [("lr", 0.1), ("history_size", 2)],
              [("max_iter", 10), ("max_eval", 12), ("line_search_fn", "strong_wolfe")],
              [("tolerance_grad", 1e-3), ("tolerance_change", 1e-6), ("line_search_fn", "strong_wolfe")],
              [("lr", 0.3), ("max_iter", 4), ("history_size", 5), ("line_search_fn", "strong_wolfe")]]


ADAFACTOR_OPTS = [[], [("lr", 0.1)], [("lr", 0.5), ("beta2_decay", -0.5)], [("lr", 0.1), ("d", 2.0)],
                  [("lr", 0.1), ("eps1", 1e-3), ("eps2", 0.01)], [("lr", 0.1), ("weight_decay", 0.1)],
                  [("lr", 0.1), ("maximize", True)]]


SF_OPTS = [[("lr", 0.05)], [("lr", 0.1), ("beta1", 0.95)], [("lr", 0.05), ("warmup_steps", 20)],
           [("lr", 0.05), ("weight_decay", 0.1)], [("lr", 0.05), ("weight_decay", 0.1), ("decay_at_z", True)],
           [("lr", 0.05), ("r", 1.0), ("weight_lr_power", 0.0)]]


def build_cases():
    """Candidates per option set, in order of preference: each option set
    keeps its first two usable float64 cases and first usable float32 case."""
    groups = []
    funcs = G.FUNCS
    for i, opts in enumerate(RPROP_OPTS):
        groups.append(("rprop", opts, None))
    for i, opts in enumerate(ASGD_OPTS):
        groups.append(("asgd", opts, "gd"))
    for m, sets in DECOUPLED.items():
        for opts in sets:
            groups.append((m, opts, None))
    for opts in LBFGS_OPTS:
        groups.append(("lbfgs", opts, None))
    for opts in ADAFACTOR_OPTS:
        groups.append(("adafactor", opts, None))
    for opts in SF_OPTS:
        groups.append(("sf_adamw", opts, None))
    for opts in [[], [("momentum", 0.5)], [("warmup_steps", 10)], [("weight_decay", 0.1)],
                 [("r", 1.0), ("weight_lr_power", 1.0)]]:
        groups.append(("sf_sgd", opts, "gd"))
    out = []
    for gi, (method, opts, lrkind) in enumerate(groups):
        order = funcs[gi % len(funcs):] + funcs[:gi % len(funcs)]
        if ("maximize", True) in opts:
            order = ["saddle"] + [f for f in order if f != "saddle"]
        for dtype, keep in (("float64", 2), ("float32", 1)):
            cands = []
            for func in order:
                if method == "lbfgs" and func not in VALUES:
                    continue
                o = list(opts)
                if lrkind == "gd" and not any(k == "lr" for k, _ in o):
                    o = [("lr", G.GD_LR[func])] + o
                cands.append(Case(method, o, func, dtype))
            out.append((keep, cands))
    for k, alpha, inner, iopts in [(5, 0.5, "adam", [("lr", 0.05)]), (5, 0.8, "sgd", [("lr", 0.002), ("momentum", 0.9)]),
                                   (3, 0.5, "rmsprop", [("lr", 0.01)]), (10, 0.3, "adam", [("lr", 0.1), ("amsgrad", True)]),
                                   (2, 1.0, "adagrad", [("lr", 0.3)])]:
        for dtype, keep in (("float64", 2), ("float32", 1)):
            fs = ["rosenbrock", "booth", "himmelblau", "beale", "elliptic", "rastrigin"]
            if inner == "sgd":
                fs = ["booth", "himmelblau", "elliptic"]
            out.append((keep, [LookaheadCase(k, alpha, inner, iopts if inner != "sgd" else [("lr", G.GD_LR[f]), ("momentum", 0.9)], f, dtype) for f in fs]))
    # changing lrs: torch re-reads the group lr (rprop only at its first step)
    for dtype in ("float64", "float32"):
        n = G.STEPS[dtype]
        for func in ("rosenbrock", "booth", "himmelblau"):
            lr = G.GD_LR[func]
            out.append((1, [Case("asgd", [("lr", lr), ("lambd", 0.01)], func, dtype,
                                 G.step_decay(lr, n // 4, 0.5, n), "stepdecay")]))
            out.append((1, [Case("rprop", [], func, dtype, G.warmup_cosine(0.01, n // 10, n), "warmupcos")]))
            out.append((1, [Case("radam", [("lr", 0.05), ("weight_decay", 0.1), ("decoupled_weight_decay", True)],
                                 func, dtype, G.step_decay(0.05, n // 4, 0.5, n), "stepdecay")]))
            out.append((1, [Case("nadam", [("lr", 0.05), ("weight_decay", 0.1), ("decoupled_weight_decay", True)],
                                 func, dtype, G.warmup_cosine(0.05, n // 10, n), "warmupcos")]))
    return out


MATRIX_OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "adafactor_matrix_reference.json")


def matrix_grad(w, rows, cols, k):
    """The gradient of the matrix cases at step k, in float64 from the
    current values (then cast to the dtype): (w - t) * s with targets
    t = sin(i + 2j + k/10) and scales s = 1 + (i*cols + j) % 3."""
    g = []
    for i in range(rows):
        for j in range(cols):
            t = math.sin(i + 2 * j + k / 10)
            g.append((w[i * cols + j] - t) * (1 + (i * cols + j) % 3))
    return g


def matrix_cases():
    out = []
    for rows, cols, opts, dtype in [(3, 4, [], "float64"), (3, 4, [("lr", 0.1)], "float32"),
                                    (5, 2, [("lr", 0.1), ("weight_decay", 0.1), ("d", 2.0)], "float64"),
                                    (1, 6, [("lr", 0.1), ("beta2_decay", -0.5)], "float64"),
                                    (4, 3, [("lr", 0.1), ("eps1", 1e-3), ("maximize", True)], "float64"),
                                    (4, 3, [("lr", 0.1), ("eps1", 1e-3), ("maximize", True)], "float32")]:
        h = dict(DEFAULTS["adafactor"])
        h.update(opts)
        if any(k == "eps1" for k, _ in opts):
            h["eps1_dtype"] = False
        start = [math.cos(0.7 * i) for i in range(rows * cols)]
        p = torch.tensor(start, dtype=G.DTYPES[dtype]).reshape(rows, cols).requires_grad_(True)
        opt = build("adafactor", h, [p])
        pts = [p.detach().reshape(-1).tolist()]
        for k in range(30):
            w = p.detach().reshape(-1).tolist()
            g = matrix_grad(w, rows, cols, k)
            if h["maximize"]:
                g = [-v for v in g]  # maximize the negated objective: the same descent
            p.grad = torch.tensor(g, dtype=G.DTYPES[dtype]).reshape(rows, cols)
            opt.step()
            pts.append(p.detach().reshape(-1).tolist())
        out.append({"spec": make_spec("adafactor", opts), "dtype": dtype, "rows": rows, "cols": cols,
                    "steps": 30, "points": pts})
    doc = {"torch_version": "1.13.1 ops, torch 2.5 algorithm", "generator": GENERATOR,
           "gradient": "(w - sin(i + 2j + k/10)) * (1 + (i*cols + j) % 3), negated when maximize",
           "cases": out}
    with open(MATRIX_OUT, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")


AVERAGE_OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "average_reference.json")


def average_cases():
    """torch 1.13.1's swa_utils.AveragedModel over an SGD-with-momentum run:
    SWA (its default avg_fn) and EMA (torch 2.x's get_ema_avg_fn(decay),
    decay*ema + (1 - decay)*current, passed as avg_fn), updated after every
    step from step `start` on. Records the parameter after every step and
    the average after every update."""
    from torch.optim.swa_utils import AveragedModel
    out = []
    for func, fn, decay, start, dtype in [("booth", "swa", 0.0, 10, "float64"), ("himmelblau", "swa", 0.0, 0, "float64"),
                                          ("booth", "ema", 0.9, 5, "float64"), ("himmelblau", "ema", 0.99, 0, "float32"),
                                          ("booth", "swa", 0.0, 20, "float32")]:
        m = torch.nn.Module()
        m.w = torch.nn.Parameter(torch.tensor(list(G.START[func]), dtype=G.DTYPES[dtype]))
        avg_fn = None
        if fn == "ema":
            def avg_fn(ema_param, current_param, num_averaged, decay=decay):
                return decay * ema_param + (1 - decay) * current_param
        am = AveragedModel(m, avg_fn=avg_fn)
        opt = torch.optim.SGD(m.parameters(), lr=G.GD_LR[func], momentum=0.9, foreach=False)
        pts, avgs = [], []
        for k in range(60):
            x, y = m.w.detach().tolist()
            m.w.grad = torch.tensor(G.GRADS[func](x, y), dtype=G.DTYPES[dtype])
            opt.step()
            pts.append(m.w.detach().tolist())
            if k >= start:
                am.update_parameters(m)
                avgs.append(am.module.w.detach().tolist())
        out.append({"func": func, "fn": fn, "decay": decay, "start": start, "dtype": dtype,
                    "points": pts, "averages": avgs})
    with open(AVERAGE_OUT, "w") as f:
        json.dump({"generator": GENERATOR, "torch_version": "1.13.1", "cases": out}, f, indent=1)
        f.write("\n")


def main():
    self_check()
    matrix_cases()
    average_cases()
    out, skipped = [], []
    for keep, cands in build_cases():
        kept = 0
        for c in cands:
            if kept == keep:
                break
            pts, ax = c.run(with_ax=True)
            why = G.screen(c, pts)
            if why is not None:
                skipped.append((c.name, why))
                continue
            rec = {"name": c.name, "spec": c.spec, "func": c.func, "dtype": c.dtype,
                   "start": [float(v) for v in pts[0]], "steps": c.steps, "lrs": c.lrs,
                   "reference": REFERENCE[c.method], "points": pts}
            if c.method in ("asgd", "sf_adamw", "sf_sgd"):
                rec["ax"] = ax
            out.append(rec)
            kept += 1
        if kept < keep:
            print("WARNING: %s kept %d of %d cases" % (cands[0].name, kept, keep), file=sys.stderr)
    for name, why in skipped:
        print("skip %-70s %s" % (name, why), file=sys.stderr)
    print("kept %d cases, skipped %d" % (len(out), len(skipped)), file=sys.stderr)
    text = G.dump({"torch_version": "1.13.1", "generator": GENERATOR, "cases": out})
    # dump() writes the shared fields; add each ASGD case's "ax" after its points.
    doc = json.loads(text)
    for c, rec in zip(doc["cases"], out):
        if "ax" in rec:
            c["ax"] = rec["ax"]
    lines = text.split("\n")
    i = 0
    res = []
    for line in lines:
        if line.startswith("     \"points\": ") and "ax" in out[i]:
            end = "," if line.endswith(",") else ""
            body = line[: len(line) - len(end)]
            assert body.endswith("}")
            ax = ", ".join("[%r, %r]" % (float(a), float(b)) for a, b in out[i]["ax"])
            line = body[:-1] + ',\n     "ax": [%s]}' % ax + end
        if line.startswith("     \"points\": "):
            i += 1
        res.append(line)
    text = "\n".join(res)
    assert json.loads(text)["cases"] == doc["cases"]
    with open(OUT, "w") as f:
        f.write(text)


if __name__ == "__main__":
    main()
