#!/usr/bin/python3
"""Time one torch.optim step on N float32 parameters, as `descent bench` does.

Run with Debian's python3-torch (PyTorch 1.13):

    /usr/bin/python3 bench/torch_step.py --n 10000000 --threads 2 --steps 20

For each optimizer it takes one untimed step (torch allocates the state
then), times --steps steps and prints one JSON object per line with the
median milliseconds per step and the effective bandwidth, counting bytes
as descent bench does (4 per element for p and g read and p written, 8 per
state buffer). torch uses one thread unless told: --threads sets
torch.set_num_threads.
"""
import argparse
import json
import statistics
import time

import torch

# name: (constructor, state buffers per parameter, descent spec it matches)
OPTIMIZERS = {
    "sgd": (lambda p: torch.optim.SGD(p, lr=0.01), 0, "sgd"),
    "sgd:momentum=0.9": (lambda p: torch.optim.SGD(p, lr=0.01, momentum=0.9), 1, "sgd:momentum=0.9"),
    "adagrad": (lambda p: torch.optim.Adagrad(p, lr=0.01), 1, "adagrad"),
    "rmsprop": (lambda p: torch.optim.RMSprop(p, lr=0.01), 1, "rmsprop"),
    "adam": (lambda p: torch.optim.Adam(p, lr=0.001), 2, "adam"),
    "adamw": (lambda p: torch.optim.AdamW(p, lr=0.001), 2, "adamw"),
    "nadam": (lambda p: torch.optim.NAdam(p, lr=0.002), 2, "nadam"),
    "radam": (lambda p: torch.optim.RAdam(p, lr=0.001), 2, "radam"),
    "adamax": (lambda p: torch.optim.Adamax(p, lr=0.002), 2, "adamax"),
    "adadelta": (lambda p: torch.optim.Adadelta(p, lr=1.0), 2, "adadelta"),
}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10_000_000)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--opt", action="append", help="optimizer (default: all); repeat")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    for name in args.opt or list(OPTIMIZERS):
        make, bufs, spec = OPTIMIZERS[name]
        w = torch.nn.Parameter(torch.randn(args.n, dtype=torch.float32))
        w.grad = torch.randn(args.n, dtype=torch.float32) * 1e-2
        opt = make([w])
        opt.step()
        ms = []
        for _ in range(args.steps):
            t0 = time.perf_counter()
            opt.step()
            ms.append((time.perf_counter() - t0) * 1e3)
        med = statistics.median(ms)
        nbytes = 4 * (3 + 2 * bufs)
        print(json.dumps({"opt": spec, "torch": torch.__version__, "n": args.n, "threads": torch.get_num_threads(),
                          "ms_per_step": round(med, 3), "gbps": round(nbytes * args.n / (med * 1e6), 2)}), flush=True)
        del opt, w


if __name__ == "__main__":
    main()
