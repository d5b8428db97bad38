#!/usr/bin/python3
"""Time one torch.optim step on N float32 parameters, as `descent bench` does,
in every setting asked for (bench/issue10.py runs it).

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=1 \\
        /usr/bin/python3 bench/torch_step.py --opt adam --n 10000000 --threads 1,2 --foreach both

For each optimizer, thread count (torch.set_num_threads) and foreach
setting (the multi-tensor path off or on) it takes one untimed step (torch
allocates the state then), times --steps steps and prints one JSON object
per line with the median milliseconds per step and the effective bandwidth,
counting bytes as descent bench does (4 per element for p and g read and p
written, 8 per state buffer).
"""
import argparse
import json
import statistics
import sys
import time

import torch

# descent spec: (constructor, state buffers per parameter)
OPTIMIZERS = {
    "sgd": (lambda p, f: torch.optim.SGD(p, lr=0.01, foreach=f), 0),
    "sgd:momentum=0.9": (lambda p, f: torch.optim.SGD(p, lr=0.01, momentum=0.9, foreach=f), 1),
    "adagrad": (lambda p, f: torch.optim.Adagrad(p, lr=0.01, foreach=f), 1),
    "rmsprop": (lambda p, f: torch.optim.RMSprop(p, lr=0.01, foreach=f), 1),
    "adam": (lambda p, f: torch.optim.Adam(p, lr=0.001, foreach=f), 2),
    "adamw": (lambda p, f: torch.optim.AdamW(p, lr=0.001, foreach=f), 2),
    "nadam": (lambda p, f: torch.optim.NAdam(p, lr=0.002, foreach=f), 2),
    "radam": (lambda p, f: torch.optim.RAdam(p, lr=0.001, foreach=f), 2),
    "adamax": (lambda p, f: torch.optim.Adamax(p, lr=0.002, foreach=f), 2),
    "adadelta": (lambda p, f: torch.optim.Adadelta(p, lr=1.0, foreach=f), 2),
}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10_000_000)
    ap.add_argument("--threads", default="1,2", help="comma-separated thread counts")
    ap.add_argument("--foreach", choices=["off", "on", "both"], default="both")
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--opt", action="append", help="optimizer (default: all); repeat")
    args = ap.parse_args()
    names = args.opt or list(OPTIMIZERS)
    bad = [o for o in names if o not in OPTIMIZERS]
    try:
        threads = [int(t) for t in args.threads.split(",")]
    except ValueError:
        threads = [0]
    if bad or min(threads) < 1 or args.n < 1 or args.steps < 1:
        print(f"torch_step: want --opt in {list(OPTIMIZERS)}, positive --threads, --n and --steps", file=sys.stderr)
        sys.exit(2)
    foreach = {"off": [False], "on": [True], "both": [False, True]}[args.foreach]
    torch.manual_seed(0)
    for name in names:
        make, bufs = OPTIMIZERS[name]
        for th in threads:
            torch.set_num_threads(th)
            for fe in foreach:
                w = torch.nn.Parameter(torch.randn(args.n, dtype=torch.float32))
                w.grad = torch.randn(args.n, dtype=torch.float32) * 1e-2
                opt = make([w], fe)
                opt.step()
                ms = []
                for _ in range(args.steps):
                    t0 = time.perf_counter()
                    opt.step()
                    ms.append((time.perf_counter() - t0) * 1e3)
                med = statistics.median(ms)
                nbytes = 4 * (3 + 2 * bufs)
                print(json.dumps({"opt": name, "torch": torch.__version__, "n": args.n,
                                  "threads": torch.get_num_threads(), "foreach": fe,
                                  "ms_per_step": round(med, 3),
                                  "gbps": round(nbytes * args.n / (med * 1e6), 2)}), flush=True)
                del opt, w


if __name__ == "__main__":
    main()
