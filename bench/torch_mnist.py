#!/usr/bin/python3
"""PyTorch reference for `descent train` on MNIST (bench/issue10.py runs it).

    /usr/bin/python3 bench/torch_mnist.py --model 784-100-10 --opt adam --lr 0.001 \\
        --batch 100 --epochs 5 --threads 1 [--steps N] [--init torch|he] [--foreach] [--json]

does what

    descent train --data mnist --model mlp:784-100-10 --opt adam:lr=0.001 \\
        --batch 100 --epochs 5 --seed 1 [--max-steps N] -o DIR

does: an MLP with ReLU, nn.Linear's default initialisation (descent's
init=torch) or He's N(0, 2/fan_in) weights with zero biases (init=he),
softmax cross-entropy, batches drawn from a fresh random permutation each
epoch (the last partial batch kept), pixels scaled to [0, 1]. --opt is sgd,
momentum (SGD with momentum 0.9), adagrad or adam, at --lr. The random
streams differ from descent's (torch's generator, not PCG), so the numbers
agree statistically, not bit for bit.

The seconds are counted as descent counts them (train/trainer.go): each
step from drawing its batch to the end of the optimizer step, including the
loss it reads back; the test evaluation at the end of each epoch (and of the
run, after --steps) is not counted. It reads the idx .gz files in data/mnist
itself (no torchvision). Run it with OPENBLAS_NUM_THREADS=1 (Debian's torch
calls OpenBLAS's pthread build, whose threads would fight torch's own).
"""
import argparse
import gzip
import json
import os
import struct
import sys
import time

import numpy as np
import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
MNIST = os.path.join(HERE, "..", "data", "mnist")


def read_idx(path):
    with gzip.open(path, "rb") as f:
        raw = f.read()
    magic, = struct.unpack(">I", raw[:4])
    if magic >> 8 != 0x08:
        raise ValueError(f"{path}: not an idx file of unsigned bytes (magic {magic:#010x})")
    ndim = magic & 0xFF
    dims = struct.unpack(">" + "I" * ndim, raw[4:4 + 4 * ndim])
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def load(kind):
    x = read_idx(os.path.join(MNIST, f"{kind}-images-idx3-ubyte.gz"))
    y = read_idx(os.path.join(MNIST, f"{kind}-labels-idx1-ubyte.gz"))
    x = torch.from_numpy(x.reshape(len(x), -1).astype(np.float32) / 255.0)
    return x, torch.from_numpy(y.astype(np.int64))


def build(sizes, init):
    layers = []
    for i, (a, b) in enumerate(zip(sizes, sizes[1:])):
        lin = nn.Linear(a, b)
        if init == "he":
            nn.init.normal_(lin.weight, 0.0, (2.0 / a) ** 0.5)
            nn.init.zeros_(lin.bias)
        layers.append(lin)
        if i < len(sizes) - 2:
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)


def optimizer(name, params, lr, foreach):
    if name == "sgd":
        return torch.optim.SGD(params, lr=lr, foreach=foreach)
    if name == "momentum":
        return torch.optim.SGD(params, lr=lr, momentum=0.9, foreach=foreach)
    if name == "adagrad":
        return torch.optim.Adagrad(params, lr=lr, foreach=foreach)
    return torch.optim.Adam(params, lr=lr, foreach=foreach)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", default="784-100-10", help="layer sizes IN-H1-…-OUT")
    ap.add_argument("--init", choices=["torch", "he"], default="torch")
    ap.add_argument("--opt", choices=["sgd", "momentum", "adagrad", "adam"], default="adam")
    ap.add_argument("--lr", type=float, default=0.001)
    ap.add_argument("--batch", type=int, default=100)
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--steps", type=int, default=0, help="stop after N steps (0: no limit)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--foreach", action="store_true", help="the optimizer's multi-tensor path")
    ap.add_argument("--json", action="store_true", help="print one JSON object at the end only")
    args = ap.parse_args()
    try:
        sizes = [int(s) for s in args.model.split("-")]
    except ValueError:
        sizes = []
    if len(sizes) < 2 or sizes[0] != 784 or sizes[-1] != 10 or min(sizes) < 1:
        print(f"torch_mnist: --model {args.model!r}: want 784-H1-…-10 with positive sizes", file=sys.stderr)
        sys.exit(2)
    if args.batch < 1 or args.epochs < 1 or args.steps < 0 or args.threads < 1 or not args.lr > 0:
        print("torch_mnist: --batch, --epochs, --threads and --lr must be positive, --steps ≥ 0", file=sys.stderr)
        sys.exit(2)

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    xtr, ytr = load("train")
    xte, yte = load("t10k")
    model = build(sizes, args.init)
    opt = optimizer(args.opt, model.parameters(), args.lr, args.foreach)
    loss_fn = nn.CrossEntropyLoss()
    gen = torch.Generator().manual_seed(args.seed)
    n = len(xtr)
    if not args.json:
        print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, mlp:{args.model}, init {args.init}, "
              f"{args.opt} lr {args.lr}, batch {args.batch}, seed {args.seed}, foreach {args.foreach}")
    total, steps, acc, epochs = 0.0, 0, float("nan"), []
    for epoch in range(1, args.epochs + 1):
        model.train()
        secs, running, seen = 0.0, 0.0, 0
        start = time.perf_counter()
        perm = torch.randperm(n, generator=gen)
        secs += time.perf_counter() - start
        for lo in range(0, n, args.batch):
            start = time.perf_counter()
            idx = perm[lo:lo + args.batch]
            xb, yb = xtr[idx], ytr[idx]
            opt.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()
            running += loss.item() * len(idx)
            secs += time.perf_counter() - start
            seen += len(idx)
            steps += 1
            if steps == args.steps:
                break
        total += secs
        model.eval()
        with torch.no_grad():
            logits = model(xte)
            test_loss = loss_fn(logits, yte).item()
            acc = (logits.argmax(1) == yte).float().mean().item()
        epochs.append(secs)
        if not args.json:
            print(f"epoch {epoch}  seconds {secs:.3f}  train_loss {running / seen:.4f}  "
                  f"test_loss {test_loss:.4f}  test_accuracy {acc:.4f}", flush=True)
        if steps == args.steps:
            break
    if args.json:
        print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "foreach": args.foreach,
                          "seconds": total, "steps": steps, "epoch_seconds": epochs, "test_accuracy": acc}))
    else:
        print(f"seconds {total:.3f} over {steps} steps, {total / len(epochs):.3f} per epoch")


if __name__ == "__main__":
    main()
