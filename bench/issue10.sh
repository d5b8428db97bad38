#!/bin/sh
# Reproduces every figure of issue 10 (descent against PyTorch and OpenBLAS at
# their best, alternating, one sitting) and prints the markdown table that
# BENCHMARKS.md opens with. Progress goes to stderr. Not for CI: it needs
# Debian's python3-torch, numpy and python3-threadpoolctl, OpenBLAS
# (libopenblas0-pthread) and about 10 minutes of an otherwise idle machine.
#
#   bench/issue10.sh [--rounds 2] [--only gemm,mnist,book,wide,start,optim] > table.md
set -e
cd "$(dirname "$0")/.."
exec /usr/bin/python3 bench/issue10.py "$@"
