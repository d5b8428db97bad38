#!/bin/sh
# Measures every optimizer step with descent bench and torch.optim, in one
# sitting, for BENCHMARKS.md. Usage: bench/run.sh [N] [THREADS] [STEPS]
set -e
N=${1:-10000000}
T=${2:-2}
S=${3:-20}
go build -o /tmp/descent-bench ./cmd/descent
for opt in sgd sgd:momentum=0.9 momentum adagrad rmsprop adam adamw adam:variant=note nadam radam adamax adadelta lion; do
	/tmp/descent-bench bench --opt "$opt" --n "$N" --threads "$T" --steps "$S" --json
done
/usr/bin/python3 bench/torch_step.py --n "$N" --threads "$T" --steps "$S"
