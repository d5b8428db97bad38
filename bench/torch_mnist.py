#!/usr/bin/env python3
"""PyTorch reference for `descent train` on MNIST (see BENCHMARKS.md).

The same setup as

    descent train --data mnist --model mlp:784-100-10 --opt adam:lr=0.001 \
        --batch 100 --epochs 5 --seed 1 -o runs/adam

mlp 784-100-10 with ReLU, nn.Linear's default initialisation (descent's
init=torch), softmax cross-entropy, Adam lr 0.001, batches of 100 drawn from
a fresh random permutation each epoch (the last partial batch kept), pixels
scaled to [0, 1]. The random streams differ from descent's (torch's
generator, not PCG), so the numbers agree statistically, not bit for bit.

It reads the idx .gz files in data/mnist directly (no torchvision) and prints,
per epoch, the training seconds (test evaluation excluded, as descent
counts them) and the test accuracy.

    /usr/bin/python3 bench/torch_mnist.py [--epochs 5] [--threads 2] [--seed 1]
"""
import argparse
import gzip
import os
import struct
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


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--batch", type=int, default=100)
    ap.add_argument("--lr", type=float, default=0.001)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    xtr, ytr = load("train")
    xte, yte = load("t10k")
    model = nn.Sequential(nn.Linear(784, 100), nn.ReLU(), nn.Linear(100, 10))
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    loss_fn = nn.CrossEntropyLoss()
    gen = torch.Generator().manual_seed(args.seed)
    n = len(xtr)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, "
          f"mlp:784-100-10, adam lr {args.lr}, batch {args.batch}, seed {args.seed}")
    total = 0.0
    for epoch in range(1, args.epochs + 1):
        model.train()
        start = time.perf_counter()
        perm = torch.randperm(n, generator=gen)
        running, seen = 0.0, 0
        for lo in range(0, n, args.batch):
            idx = perm[lo:lo + args.batch]
            xb, yb = xtr[idx], ytr[idx]
            opt.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()
            running += loss.item() * len(idx)
            seen += len(idx)
        secs = time.perf_counter() - start
        total += secs
        model.eval()
        with torch.no_grad():
            logits = model(xte)
            test_loss = loss_fn(logits, yte).item()
            acc = (logits.argmax(1) == yte).float().mean().item()
        print(f"epoch {epoch}  seconds {secs:.2f}  train_loss {running / seen:.4f}  "
              f"test_loss {test_loss:.4f}  test_accuracy {acc:.4f}", flush=True)
    print(f"mean seconds/epoch {total / args.epochs:.2f}")


if __name__ == "__main__":
    main()
