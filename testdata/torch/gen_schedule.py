#!/usr/bin/env python3
"""Record PyTorch learning-rate schedules as a reference for package schedule.

Run with the system Python that has torch (1.13 was used):

    /usr/bin/python3 testdata/torch/gen_schedule.py

It writes testdata/torch/schedule_reference.json next to this script. For each
case the lr is read from optimizer.param_groups[0]['lr'] *before* each
optimizer step, so lrs[t] is the lr used for the step taken after t steps,
i.e. what schedule.Schedule.LR(t) must return. Floats are written with repr,
which round-trips float64 exactly.

Cases named "closed" record torch's own documented closed form
(scheduler.step(epoch) calls _get_closed_form_lr); the others record the usual
recursive stepping (scheduler.step() with no argument).
"""
import json
import math
import os
import sys
import warnings

import torch
from torch.optim import SGD
from torch.optim import lr_scheduler as S

warnings.filterwarnings("ignore")


def opt(lr):
    p = torch.nn.Parameter(torch.zeros(1))
    return SGD([p], lr=lr, momentum=0.9)


def record(o, sched, n):
    lrs = []
    for _ in range(n):
        lrs.append(o.param_groups[0]["lr"])
        o.step()
        sched.step()
    return lrs


def record_closed(o, sched, n):
    """lr from torch's closed form at each step t (scheduler.step(t))."""
    lrs = []
    for t in range(n):
        sched.step(t)
        lrs.append(o.param_groups[0]["lr"])
    return lrs


cases = []


def add(kind, params, lrs, **extra):
    c = {"kind": kind, "params": params, "lrs": lrs}
    c.update(extra)
    cases.append(c)


N = 300

for lr, step_size, gamma in [(0.1, 30, 0.1), (0.05, 7, 0.5), (1.0, 1, 0.9)]:
    o = opt(lr)
    add("step", {"lr": lr, "step_size": step_size, "gamma": gamma},
        record(o, S.StepLR(o, step_size, gamma), N))

for lr, milestones, gamma in [(0.05, [30, 80], 0.1), (0.1, [1, 2, 50, 51, 200], 0.5)]:
    o = opt(lr)
    add("multistep", {"lr": lr, "milestones": milestones, "gamma": gamma},
        record(o, S.MultiStepLR(o, milestones, gamma), N))

for lr, gamma in [(0.1, 0.95), (0.3, 0.99)]:
    o = opt(lr)
    add("exponential", {"lr": lr, "gamma": gamma},
        record(o, S.ExponentialLR(o, gamma), N))

# Cosine: recursive stepping, only compared for t <= T_max (see the Go test).
for lr, t_max, eta_min in [(0.1, 100, 0.0), (0.1, 299, 1e-3), (0.5, 50, 0.0), (1.0, 1000, 0.0)]:
    o = opt(lr)
    n = max(N, t_max + 1)
    add("cosine", {"lr": lr, "t_max": t_max, "eta_min": eta_min},
        record(o, S.CosineAnnealingLR(o, t_max, eta_min), n))
# Cosine: torch's documented closed form, over several periods.
for lr, t_max, eta_min in [(0.1, 50, 0.0), (0.2, 40, 0.01)]:
    o = opt(lr)
    add("cosine_closed", {"lr": lr, "t_max": t_max, "eta_min": eta_min},
        record_closed(o, S.CosineAnnealingLR(o, t_max, eta_min), N))

for lr, t0, tmult, eta_min in [(0.1, 10, 1, 0.0), (0.1, 10, 2, 1e-4), (0.5, 7, 3, 0.0), (0.05, 1, 2, 0.0)]:
    o = opt(lr)
    add("cosine_restarts", {"lr": lr, "t_0": t0, "t_mult": tmult, "eta_min": eta_min},
        record(o, S.CosineAnnealingWarmRestarts(o, t0, tmult, eta_min), N))

for lr, sf, ef, total in [(0.05, 0.5, 1.0, 4), (0.1, 1.0 / 3, 1.0, 100), (0.2, 1.0, 0.1, 50), (0.1, 0.01, 1.0, 10)]:
    o = opt(lr)
    add("linear", {"lr": lr, "start_factor": sf, "end_factor": ef, "total_iters": total},
        record(o, S.LinearLR(o, sf, ef, total), N))

for max_lr, total, pct, anneal, div, fdiv, three in [
        (0.1, 300, 0.3, "cos", 25.0, 1e4, False),
        (0.1, 300, 0.3, "linear", 25.0, 1e4, False),
        (0.1, 300, 0.3, "cos", 25.0, 1e4, True),
        (1.0, 100, 0.25, "linear", 10.0, 100.0, True),
        (0.01, 57, 0.1, "cos", 5.0, 1e3, False)]:
    o = opt(0.123)  # OneCycleLR ignores the optimizer's lr
    sch = S.OneCycleLR(o, max_lr, total_steps=total, pct_start=pct, anneal_strategy=anneal,
                       div_factor=div, final_div_factor=fdiv, three_phase=three)
    add("onecycle", {"max_lr": max_lr, "total_steps": total, "pct_start": pct, "anneal": anneal,
                     "div_factor": div, "final_div_factor": fdiv, "three_phase": three},
        record(o, sch, total))

# SequentialLR: warm-up then cosine, and a three-stage chain.
o = opt(0.1)
s1 = S.LinearLR(o, 0.1, 1.0, 10)
s2 = S.CosineAnnealingLR(o, 290, 0.0)
add("sequential_warmup_cosine",
    {"lr": 0.1, "start_factor": 0.1, "warmup": 10, "t_max": 290, "eta_min": 0.0},
    record(o, S.SequentialLR(o, [s1, s2], [10]), N))
o = opt(0.1)
s1 = S.LinearLR(o, 0.25, 1.0, 20)
s2 = S.StepLR(o, 15, 0.5)
s3 = S.ExponentialLR(o, 0.98)
add("sequential_linear_step_exp",
    {"lr": 0.1, "start_factor": 0.25, "total_iters": 20, "step_size": 15, "step_gamma": 0.5,
     "exp_gamma": 0.98, "milestones": [20, 100]},
    record(o, S.SequentialLR(o, [s1, s2, s3], [20, 100]), N))


def metrics_for(seed, n):
    """A deterministic loss curve with plateaus, noise and a NaN-free range."""
    out = []
    x = 1.0
    state = seed
    for t in range(n):
        state = (state * 1103515245 + 12345) % (1 << 31)
        noise = (state / float(1 << 31) - 0.5) * 0.02
        if (t // 15) % 2 == 0:
            x *= 0.97  # improving stretch
        out.append(x + noise)
    return out


for params, seed in [
        (dict(mode="min", factor=0.1, patience=10, threshold=1e-4, threshold_mode="rel",
              cooldown=0, min_lr=0.0, eps=1e-8), 1),
        (dict(mode="min", factor=0.5, patience=2, threshold=1e-2, threshold_mode="rel",
              cooldown=3, min_lr=1e-3, eps=1e-8), 2),
        (dict(mode="max", factor=0.3, patience=1, threshold=5e-3, threshold_mode="abs",
              cooldown=1, min_lr=0.0, eps=1e-8), 3),
        (dict(mode="min", factor=0.5, patience=0, threshold=0.0, threshold_mode="abs",
              cooldown=0, min_lr=0.01, eps=1e-3), 4)]:
    lr = 0.1
    o = opt(lr)
    sch = S.ReduceLROnPlateau(o, **params)
    ms = metrics_for(seed, 200)
    if params["mode"] == "max":
        ms = [-m for m in ms]
    lrs = []
    for m in ms:
        sch.step(m)
        lrs.append(o.param_groups[0]["lr"])  # lr after step(metric)
    p = dict(params)
    p["lr"] = lr
    add("plateau", p, lrs, metrics=ms)

out = {
    "generator": "testdata/torch/gen_schedule.py",
    "torch": torch.__version__,
    "python": sys.version.split()[0],
    "cases": cases,
}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "schedule_reference.json")
with open(path, "w") as f:
    json.dump(out, f, indent=1)
    f.write("\n")
print("wrote", path, len(cases), "cases")
