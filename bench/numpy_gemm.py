#!/usr/bin/python3
"""Times numpy's float32 matmul (OpenBLAS's sgemm) on the shapes bench/gemmbench
takes, and prints the same JSON lines, for bench/issue10.py.

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=2 \\
        /usr/bin/python3 bench/numpy_gemm.py --threads 2 --shapes 2048x2048x2048/NN

A shape is MxNxK/XY as in gemmbench: C (M×N) = op(A)·op(B); a T operand is
a transposed view of a C-ordered array, which numpy hands to sgemm with the
transpose flag (no copy). --threads is also applied with threadpoolctl, which
then reports the OpenBLAS build, its threads and the kernel (architecture)
it picked; each line carries those. Each shape: calls are repeated until
one repetition lasts --min-ms, and the best of --reps repetitions is kept.
"""
import argparse
import json
import sys
import time

import numpy as np
import threadpoolctl


def parse(spec):
    dims, _, ops = spec.partition("/")
    m, n, k = (int(x) for x in dims.split("x"))
    if len(ops) != 2 or set(ops) - {"N", "T"} or min(m, n, k) < 1:
        raise ValueError(f"shape {spec!r}: want MxNxK/XY, X and Y each N or T")
    return m, n, k, ops[0] == "T", ops[1] == "T"


def operands(m, n, k, ta, tb):
    rng = np.random.default_rng(1)
    a = rng.uniform(-1, 1, (k, m) if ta else (m, k)).astype(np.float32)
    b = rng.uniform(-1, 1, (n, k) if tb else (k, n)).astype(np.float32)
    return (a.T if ta else a), (b.T if tb else b), np.empty((m, n), np.float32)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--shapes", default="100x100x784/NT")
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--min-ms", type=float, default=20)
    args = ap.parse_args()
    try:
        shapes = [(s, parse(s)) for s in args.shapes.split(",")]
    except ValueError as e:
        print(f"numpy_gemm: {e}", file=sys.stderr)
        sys.exit(2)
    with threadpoolctl.threadpool_limits(limits=args.threads, user_api="blas"):
        info = [i for i in threadpoolctl.threadpool_info() if i["user_api"] == "blas"]
        blas = info[0] if info else {}
        for spec, (m, n, k, ta, tb) in shapes:
            a, b, c = operands(m, n, k, ta, tb)
            calls = 1
            while True:
                t0 = time.perf_counter()
                for _ in range(calls):
                    np.matmul(a, b, out=c)
                if time.perf_counter() - t0 >= args.min_ms / 1e3 or calls >= 1 << 20:
                    break
                calls *= 2
            best = float("inf")
            for _ in range(args.reps):
                t0 = time.perf_counter()
                for _ in range(calls):
                    np.matmul(a, b, out=c)
                best = min(best, (time.perf_counter() - t0) / calls)
            print(json.dumps({"impl": "openblas", "shape": spec, "threads": args.threads,
                              "best_ms": best * 1e3, "gflops": 2 * m * n * k / best / 1e9,
                              "calls": calls, "reps": args.reps,
                              "blas": blas.get("internal_api"), "blas_version": blas.get("version"),
                              "blas_threads": blas.get("num_threads"),
                              "architecture": blas.get("architecture")}), flush=True)


if __name__ == "__main__":
    main()
