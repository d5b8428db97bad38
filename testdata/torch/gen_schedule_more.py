#!/usr/bin/env python3
"""Record the PyTorch learning-rate schedulers added by issue 12 as a
reference for package schedule, with the protocol of gen_schedule.py: lrs[t]
is optimizer.param_groups[0]['lr'] before the optimizer step taken after t
steps (what schedule.Schedule.LR(t) must return), recorded over 300 steps
from Debian's torch 1.13.1 by the usual recursive stepping
(scheduler.step()). torch 2.x computes these schedulers with the same
operations (PolynomialLR, ConstantLR, LinearLR, CyclicLR, ChainedScheduler,
LambdaLR, MultiplicativeLR in torch/optim/lr_scheduler.py); see README.md.

    /usr/bin/python3 testdata/torch/gen_schedule_more.py

writes testdata/torch/schedule_more_reference.json. The lambda and
multiplicative cases name their function ("fn"); schedule's test defines
the same functions in Go.
"""
import json
import os
import sys
import warnings

import torch
from torch.optim import SGD
from torch.optim import lr_scheduler as S

warnings.filterwarnings("ignore")
N = 300


def opt(lr):
    p = torch.nn.Parameter(torch.zeros(1))
    return SGD([p], lr=lr, momentum=0.9)


def record(o, sched, n=N):
    lrs = []
    for _ in range(n):
        lrs.append(o.param_groups[0]["lr"])
        o.step()
        sched.step()
    return lrs


# The functions of the lambda and multiplicative cases (same in the Go test).
FNS = {
    "exp095": lambda t: 0.95 ** t,
    "inverse": lambda t: 1.0 / (1.0 + 0.1 * t),
    "warmup_halving": lambda t: min(1.0, (t + 1) / 10.0) * 0.5 ** (t // 100),
    "const099": lambda t: 0.99,
    "sawtooth": lambda t: 0.5 if t % 50 == 0 else 1.01,
}

cases = []


def add(kind, params, lrs):
    cases.append({"kind": kind, "params": params, "lrs": lrs})


for lr, total, power in [(0.1, 5, 1.0), (0.1, 100, 2.0), (0.05, 250, 0.9), (1.0, 299, 0.5), (0.1, 300, 3.0)]:
    o = opt(lr)
    add("polynomial", {"lr": lr, "total_iters": total, "power": power},
        record(o, S.PolynomialLR(o, total_iters=total, power=power)))

for lr, factor, total in [(0.1, 1.0 / 3, 5), (0.05, 0.5, 40), (0.2, 0.1, 1), (0.3, 1.0, 10)]:
    o = opt(lr)
    add("constant_factor", {"lr": lr, "factor": factor, "total_iters": total},
        record(o, S.ConstantLR(o, factor=factor, total_iters=total)))

for lr, sf, ef, total in [(0.05, 1.0 / 3, 1.0, 5), (0.1, 0.05, 1.0, 40), (0.1, 1.0, 0.0, 300)]:
    o = opt(lr)
    add("linear", {"lr": lr, "start_factor": sf, "end_factor": ef, "total_iters": total},
        record(o, S.LinearLR(o, start_factor=sf, end_factor=ef, total_iters=total)))

for base, mx, up, down, mode, gamma in [
        (0.001, 0.1, 20, None, "triangular", 1.0),
        (0.001, 0.1, 15, 35, "triangular2", 1.0),
        (0.01, 0.5, 25, None, "exp_range", 0.99),
        (0.02, 0.2, 7, 3, "triangular2", 1.0),
        (0.05, 0.3, 13, 0, "triangular", 1.0),
        (0.01, 0.1, 2000, None, "triangular", 1.0),
        (0.2, 0.05, 30, 10, "exp_range", 0.995)]:
    o = opt(0.123)  # CyclicLR sets the optimizer's lr to base_lr
    sch = S.CyclicLR(o, base_lr=base, max_lr=mx, step_size_up=up, step_size_down=down, mode=mode,
                     gamma=gamma, cycle_momentum=False)
    add("cyclic", {"base_lr": base, "max_lr": mx, "step_size_up": up,
                   "step_size_down": up if down is None else down, "mode": mode, "gamma": gamma},
        record(o, sch))


def chain(lr, parts):
    o = opt(lr)
    scheds = []
    for kind, p in parts:
        if kind == "constant_factor":
            scheds.append(S.ConstantLR(o, factor=p["factor"], total_iters=p["total_iters"]))
        elif kind == "exponential":
            scheds.append(S.ExponentialLR(o, gamma=p["gamma"]))
        elif kind == "linear":
            scheds.append(S.LinearLR(o, start_factor=p["start_factor"], end_factor=p["end_factor"],
                                     total_iters=p["total_iters"]))
        elif kind == "step":
            scheds.append(S.StepLR(o, step_size=p["step_size"], gamma=p["gamma"]))
        elif kind == "multistep":
            scheds.append(S.MultiStepLR(o, milestones=p["milestones"], gamma=p["gamma"]))
        elif kind == "polynomial":
            scheds.append(S.PolynomialLR(o, total_iters=p["total_iters"], power=p["power"]))
        else:
            raise ValueError(kind)
    add("chained", {"lr": lr, "parts": [{"kind": k, **p} for k, p in parts]},
        record(o, S.ChainedScheduler(scheds)))


chain(1.0, [("constant_factor", {"factor": 0.1, "total_iters": 2}), ("exponential", {"gamma": 0.9})])
chain(0.1, [("constant_factor", {"factor": 0.5, "total_iters": 20}), ("exponential", {"gamma": 0.99})])
chain(0.1, [("linear", {"start_factor": 0.25, "end_factor": 1.0, "total_iters": 40}),
            ("step", {"step_size": 50, "gamma": 0.5})])
chain(0.05, [("polynomial", {"total_iters": 250, "power": 2.0}),
             ("multistep", {"milestones": [100, 200], "gamma": 0.5})])
chain(0.2, [("constant_factor", {"factor": 0.2, "total_iters": 10}),
            ("linear", {"start_factor": 1.0, "end_factor": 0.1, "total_iters": 200}),
            ("exponential", {"gamma": 0.995})])

for lr, fn in [(0.1, "exp095"), (0.05, "inverse"), (0.2, "warmup_halving")]:
    o = opt(lr)
    add("lambda", {"lr": lr, "fn": fn}, record(o, S.LambdaLR(o, FNS[fn])))
for lr, fn in [(0.1, "const099"), (0.05, "sawtooth"), (0.3, "exp095")]:
    o = opt(lr)
    add("multiplicative", {"lr": lr, "fn": fn}, record(o, S.MultiplicativeLR(o, FNS[fn])))

from torch.optim.swa_utils import SWALR  # noqa: E402

for lr, swa_lr, epochs, strategy in [(0.1, 0.05, 10, "cos"), (0.1, 0.01, 100, "linear"), (0.05, 0.2, 30, "cos"),
                                     (0.1, 0.02, 0, "cos"), (0.3, 0.0, 299, "cos")]:
    o = opt(lr)
    add("swalr", {"lr": lr, "swa_lr": swa_lr, "anneal_epochs": epochs, "anneal": strategy},
        record(o, SWALR(o, swa_lr, anneal_epochs=epochs, anneal_strategy=strategy)))

out = {
    "generator": "testdata/torch/gen_schedule_more.py",
    "torch": torch.__version__,
    "python": sys.version.split()[0],
    "cases": cases,
}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "schedule_more_reference.json")
with open(path, "w") as f:
    json.dump(out, f, indent=1)
    f.write("\n")
print("wrote", path, len(cases), "cases")
