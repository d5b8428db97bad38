#!/bin/sh
# Alternates descent bench and torch.optim on one optimizer, ROUNDS times,
# so that each descent run has a torch run of the same minute beside it:
# on a shared machine the speed of both drifts by 2x over minutes, and the
# ratio of neighbours is steadier than either. bench/table.py --pairs reads
# the output. Usage: bench/pairs.sh [OPT] [ROUNDS] [N] [THREADS] [STEPS]
set -e
OPT=${1:-sgd}
R=${2:-8}
N=${3:-10000000}
T=${4:-2}
S=${5:-100}
go build -o /tmp/descent-bench ./cmd/descent
i=0
while [ "$i" -lt "$R" ]; do
	/tmp/descent-bench bench --opt "$OPT" --n "$N" --threads "$T" --steps "$S" --json
	/usr/bin/python3 bench/torch_step.py --opt "$OPT" --n "$N" --threads "$T" --steps "$S"
	i=$((i + 1))
done
