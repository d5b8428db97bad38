#!/usr/bin/python3
"""Reads the JSON lines of several bench/run.sh runs on stdin and prints the
BENCHMARKS.md table: for each optimizer, the run with the fastest descent
step (its triad and ratio are from the same process) and the fastest torch
step, each a median over its steps.

With --pairs it reads bench/pairs.sh instead (descent and torch lines
alternating) and prints, per optimizer, each pair's times and torch's time
over descent's, then the range and median of those ratios."""
import json
import statistics
import sys


def pairs():
    rows = [json.loads(l) for l in sys.stdin if l.startswith("{")]
    by_opt = {}
    pending = {}
    for r in rows:
        if "torch" in r:
            d = pending.pop(r["opt"], None)
            if d is not None:
                by_opt.setdefault(r["opt"], []).append((d["ms_per_step"], r["ms_per_step"]))
        else:
            pending[r["opt"]] = r
    for opt, ps in by_opt.items():
        ratios = [t / d for d, t in ps]
        print(f"`{opt}`: " + ", ".join(f"{d:.2f}/{t:.2f}" for d, t in ps) + " ms (descent/torch)")
        print(f"torch/descent over {len(ps)} pairs: {min(ratios):.2f}–{max(ratios):.2f}, median {statistics.median(ratios):.2f}"
              f"; descent faster in {sum(x > 1 for x in ratios)} of {len(ps)}")


if sys.argv[1:] == ["--pairs"]:
    pairs()
    sys.exit(0)

best_d, best_t, order = {}, {}, []
for line in sys.stdin:
    if not line.startswith("{"):
        continue
    r = json.loads(line)
    table = best_t if "torch" in r else best_d
    if r["opt"] not in order:
        order.append(r["opt"])
    if r["opt"] not in table or r["ms_per_step"] < table[r["opt"]]["ms_per_step"]:
        table[r["opt"]] = r
print("| opt | descent ms/step | descent GB/s | triad GB/s (same run) | ratio to triad | torch 1.13 ms/step | speed-up over torch |")
print("|---|---:|---:|---:|---:|---:|---:|")
for o in order:
    d, t = best_d.get(o), best_t.get(o)
    if d is None:
        continue
    tm = f"{t['ms_per_step']:.2f}" if t else "—"
    su = f"{t['ms_per_step'] / d['ms_per_step']:.2f}×" if t else "—"
    print(f"| `{o}` | {d['ms_per_step']:.2f} | {d['gbps']:.1f} | {d['triad_gbps']:.1f} | {d['ratio']:.2f} | {tm} | {su} |")
