#!/usr/bin/python3
"""Reads the JSON lines of several bench/run.sh runs on stdin and prints the
BENCHMARKS.md table: for each optimizer, the run with the fastest descent
step (its triad and ratio are from the same process) and the fastest torch
step, each a median over its steps."""
import json
import sys

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
    su = f"{t['ms_per_step'] / d['ms_per_step']:.1f}×" if t else "—"
    print(f"| `{o}` | {d['ms_per_step']:.2f} | {d['gbps']:.1f} | {d['triad_gbps']:.1f} | {d['ratio']:.2f} | {tm} | {su} |")
