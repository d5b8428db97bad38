#!/usr/bin/env python3
"""Record PyTorch learning-rate schedulers over several parameter groups, as a
reference for schedule.Driver.

Run with the system Python that has torch (1.13 was used):

    /usr/bin/python3 testdata/torch/gen_schedule_groups.py

It writes testdata/torch/schedule_groups_reference.json next to this script.
One optimizer has three parameter groups with different lrs; torch's
LRScheduler schedules each group from its own initial lr (base_lrs). For each
case lrs[g][t] is param_groups[g]['lr'] read before optimizer step t, i.e. what
the Driver must have set after t steps. "spec" is the same schedule as a
schedule.Parse spec, given each group's base lr and total steps "n". Floats
are written with repr, which round-trips float64 exactly.
"""
import json
import os
import warnings

import torch
from torch.optim import SGD
from torch.optim import lr_scheduler as S

warnings.filterwarnings("ignore")

GROUP_LRS = [0.1, 0.01, 0.003]
N = 30


def optimizer():
    groups = [{"params": [torch.nn.Parameter(torch.zeros(1))], "lr": lr} for lr in GROUP_LRS]
    return SGD(groups, lr=GROUP_LRS[0], momentum=0.9)


CASES = [
    ("cosine:t_max=20,eta_min=0.001", lambda o: S.CosineAnnealingLR(o, T_max=20, eta_min=0.001)),
    ("step:step_size=7,gamma=0.5", lambda o: S.StepLR(o, step_size=7, gamma=0.5)),
    ("exponential:gamma=0.9", lambda o: S.ExponentialLR(o, gamma=0.9)),
    ("linear:start_factor=0.25,end_factor=1,total_iters=8", lambda o: S.LinearLR(o, start_factor=0.25, end_factor=1.0, total_iters=8)),
    ("multistep:milestones=4/11,gamma=0.3", lambda o: S.MultiStepLR(o, milestones=[4, 11], gamma=0.3)),
    ("warmup_cosine:warmup=5,start_factor=0.1,t_max=25",
     lambda o: S.SequentialLR(o, [S.LinearLR(o, start_factor=0.1, end_factor=1.0, total_iters=5),
                                  S.CosineAnnealingLR(o, T_max=25)], milestones=[5])),
]


def main():
    out = {"group_lrs": GROUP_LRS, "n": N, "torch": torch.__version__, "cases": []}
    for spec, make in CASES:
        o = optimizer()
        sched = make(o)
        lrs = [[] for _ in GROUP_LRS]
        for _ in range(N):
            for g, pg in enumerate(o.param_groups):
                lrs[g].append(pg["lr"])
            o.step()
            sched.step()
        out["cases"].append({"spec": spec, "lrs": lrs})
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "schedule_groups_reference.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
