#!/usr/bin/python3
"""Reproduces every figure of issue 10's targets in one sitting and prints one
markdown table: descent against PyTorch (and OpenBLAS, through numpy) at its
best on this machine. Run it through bench/issue10.sh; CI never runs it.

    bench/issue10.sh [--rounds 2] [--only gemm,mnist,book,wide,start,optim]

The alternatives run at their best, in the command only (never in tests or
CI): OPENBLAS_NUM_THREADS=1 for torch (Debian's torch calls OpenBLAS's
pthread build, whose threads would fight torch's own), OPENBLAS_CORETYPE and
OPENBLAS_L2_SIZE unset (they pick an older, slower OpenBLAS kernel), torch
threads 1 and 2, and for optimizer steps foreach off and on, and glibc's
malloc left as found or kept from handing large blocks back to the kernel
(MALLOC_MMAP_MAX_=0: torch's optimizers allocate a temporary of the
parameter's size for some operations, and page faults are slow on some
machines). numpy's sgemm gets OPENBLAS_NUM_THREADS set to the thread count
measured. The best setting is reported, and which one won. Runs alternate:
each round runs descent, then each torch setting, then the next round.

Times: best of the rounds for each program and setting (the fastest run is
the one least disturbed by other tenants); ratio = the other's time ÷
descent's (above 1: descent faster); for products, descent's GFLOP/s ÷
OpenBLAS's. Training rows also give the range of the rounds' own ratios
(each round: torch's best setting in that round ÷ descent's run in it), which
shows how far the machine moved within the sitting. The fraction of the practical limit is, for products, descent's
GFLOP/s over OpenBLAS's best (same shape, same threads); for training, the
time the run's matrix products take at OpenBLAS's best rate on the same
shapes (measured in the same sitting, best of 1 and 2 threads) over
descent's training time; for optimizer steps, the step's bandwidth over the
STREAM triad measured in the same process (descent bench).
"""
import argparse
import datetime
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PY = "/usr/bin/python3"
THREADS = (1, 2)

# The products of issue 10, as gemmbench shapes (MxNxK/XY, X and Y: N or T).
GEMM_SHAPES = [
    ("mlp:784-100-10 forward, X·Wᵀ", "100x100x784/NT"),
    ("mlp:784-100-10 backward dW, dYᵀ·X", "100x784x100/TN"),
    ("book net forward, layer 1", "128x100x784/NT"),
    ("book net forward, hidden layers", "128x100x100/NT"),
    ("wide net forward, layer 1", "256x1024x784/NT"),
    ("wide net forward, layer 2", "256x1024x1024/NT"),
    ("wide net backward dW, layer 2", "1024x1024x256/TN"),
    ("square", "2048x2048x2048/NN"),
]

BOOK_OPTS = [  # (name, descent spec, torch_mnist --opt, lr)
    ("SGD", "sgd:lr=0.01", "sgd", 0.01),
    ("Momentum", "sgd:lr=0.01,momentum=0.9", "momentum", 0.01),
    ("AdaGrad", "adagrad:lr=0.01", "adagrad", 0.01),
    ("Adam", "adam:lr=0.001", "adam", 0.001),
]

# Optimizer steps: every method with a torch.optim counterpart; descent's
# triad ratio is also measured for the methods torch lacks.
STEP_OPTS = ["sgd", "sgd:momentum=0.9", "adagrad", "adam"]
STEP_ONLY_DESCENT = ["momentum", "rmsprop", "adamw", "nadam", "radam", "adamax", "adadelta", "lion"]


def best_env(**extra):
    env = dict(os.environ)
    env.pop("OPENBLAS_CORETYPE", None)
    env.pop("OPENBLAS_L2_SIZE", None)
    env["OPENBLAS_NUM_THREADS"] = "1"
    env.update({k: str(v) for k, v in extra.items()})
    return env


KEEP_MALLOC = {"MALLOC_MMAP_MAX_": "0", "MALLOC_TRIM_THRESHOLD_": str(1 << 40)}


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def run(cmd, env=None, timeout=600):
    """Runs cmd; returns (stdout, stderr, seconds), or None on a timeout."""
    t0 = time.perf_counter()
    try:
        p = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        log(f"  timed out after {timeout:.0f} s: {' '.join(cmd)}")
        return None
    secs = time.perf_counter() - t0
    if p.returncode != 0:
        sys.exit(f"issue10: {' '.join(cmd)}: exit {p.returncode}\n{p.stderr[-2000:]}")
    return p.stdout, p.stderr, secs


def jsonl(text):
    return [json.loads(l) for l in text.splitlines() if l.startswith("{")]


class Bench:
    def __init__(self, args, tmp):
        self.args, self.tmp = args, tmp
        self.rows = []
        self.descent = os.path.join(tmp, "descent")
        self.gemmbench = os.path.join(tmp, "gemmbench")
        self.limit = {}  # shape -> best OpenBLAS seconds per call over THREADS

    def row(self, what, command, descent, torch, ratio, limit, reps):
        self.rows.append((what, command, descent, torch, ratio, limit, reps))

    # --- descent train and torch_mnist.py -------------------------------

    def descent_train(self, model, opt, batch, steps=0, epochs=5, rss=False, dense=False):
        out = tempfile.mkdtemp(dir=self.tmp)
        cmd = [self.descent, "train", "--data", "mnist", "--model", model, "--opt", opt,
               "--batch", str(batch), "--epochs", str(epochs), "--seed", "1", "-o", out]
        if steps:
            cmd += ["--max-steps", str(steps)]
        if rss:
            cmd = ["/usr/bin/time", "-v"] + cmd
        env = None
        if dense:
            # The first layer's dense products (nn's sparse first layer
            # off): the same weights, bit for bit.
            env = dict(os.environ, DESCENT_SPARSE="off")
        _, err, wall = run(cmd, env=env)
        with open(os.path.join(out, "summary.json")) as f:
            s = json.load(f)
        shutil.rmtree(out)
        r = {"seconds": s["seconds"], "acc": s["test_accuracy"], "steps": s["steps"], "wall": wall}
        if rss:
            m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", err)
            r["rss_mb"] = int(m.group(1)) / 1024 if m else float("nan")
        return r

    def torch_train(self, sizes, init, opt, lr, batch, threads, steps=0, epochs=5, timeout=600):
        cmd = [PY, "bench/torch_mnist.py", "--model", sizes, "--init", init, "--opt", opt,
               "--lr", str(lr), "--batch", str(batch), "--epochs", str(epochs), "--threads", str(threads),
               "--json"]
        if steps:
            cmd += ["--steps", str(steps)]
        res = run(cmd, env=best_env(), timeout=timeout)
        if res is None:
            return None
        r = jsonl(res[0])[-1]
        return {"seconds": r["seconds"], "acc": r["test_accuracy"], "steps": r["steps"]}

    def pair(self, what, model, init, opt_d, opt_t, lr, batch, steps, rss=False, dense=None):
        """Alternates descent and torch at threads 1 and 2, rounds times;
        with a list dense, also descent with the dense first layer."""
        sizes = model.split(":")[1].split(",")[0]
        ds, ts = [], {t: [] for t in THREADS}
        for rnd in range(self.args.rounds):
            log(f"{what}: round {rnd + 1}")
            ds.append(self.descent_train(model, opt_d, batch, steps, rss=rss))
            if dense is not None:
                dense.append(self.descent_train(model, opt_d, batch, steps, dense=True))
            t1 = None
            for t in THREADS:
                # A setting twice as slow as the first cannot be the best:
                # stop it rather than spend minutes on it (15 s: start-up).
                timeout = 600 if t1 is None else 2 * t1 + 15
                r = self.torch_train(sizes, init, opt_t, lr, batch, t, steps, timeout=timeout)
                ts[t].append(r)
                if r is not None and t1 is None:
                    t1 = r["seconds"]
        return ds, ts

    def train_rows(self, what, command, ds, ts, shapes, steps_per_run, unit_div=1.0, unit="s", sparse=False):
        d = min(r["seconds"] for r in ds)
        best_t, best_s = None, float("inf")
        for t, rs in ts.items():
            ok = [r["seconds"] for r in rs if r is not None]
            if ok and min(ok) < best_s:
                best_t, best_s = t, min(ok)
        timed_out = [t for t, rs in ts.items() if any(r is None for r in rs)]
        note = f"threads {best_t}" + (f"; threads {','.join(map(str, timed_out))} stopped at 2× threads 1's time" if timed_out else "")
        floor = self.floor(shapes) * steps_per_run
        limit = f"{floor / d:.0%} (products at OpenBLAS speed: {floor / unit_div:.3f} {unit})" if floor else "—"
        if sparse and floor:
            # The sparse first layer leaves out the zero inputs' terms: fewer
            # products than the floor counts, so no fraction.
            limit = f"— (dense products at OpenBLAS speed: {floor / unit_div:.3f} {unit}; the sparse first layer does fewer)"
        # Each round's own ratio: runs minutes apart, so the machine's state
        # (which moves descent's and torch's times by tens of percent, not
        # together) shows as their spread.
        per = []
        for i, r in enumerate(ds):
            tt = [rs[i]["seconds"] for rs in ts.values() if i < len(rs) and rs[i] is not None]
            if tt:
                per.append(min(tt) / r["seconds"])
        ratio = f"{best_s / d:.2f}×" + (f" (rounds {min(per):.2f}–{max(per):.2f})" if len(per) > 1 else "")
        self.row(what, command, f"{d / unit_div:.3f} {unit}", f"{best_s / unit_div:.3f} {unit} ({note})",
                 ratio, limit, f"best of {len(ds)}")
        return d, best_s

    # --- products ---------------------------------------------------------

    def train_shapes(self, sizes, batch):
        """The products of one training step of an MLP, as in torch: forward
        X·Wᵀ per layer, backward dW = dYᵀ·X per layer and dX = dY·W for every
        layer but the first."""
        out = []
        for i, (a, b) in enumerate(zip(sizes, sizes[1:])):
            out.append(f"{batch}x{b}x{a}/NT")
            out.append(f"{b}x{a}x{batch}/TN")
            if i > 0:
                out.append(f"{batch}x{a}x{b}/NN")
        return out

    def floor(self, shapes):
        if not shapes or any(s not in self.limit for s in shapes):
            return 0.0
        return sum(self.limit[s] for s in shapes)

    def gemm(self, extra_shapes):
        rounds = self.args.rounds
        shapes = [s for _, s in GEMM_SHAPES]
        np_shapes = shapes + [s for s in extra_shapes if s not in shapes]
        best = {}
        arch = set()
        for rnd in range(rounds):
            for t in THREADS:
                log(f"products: round {rnd + 1}, {t} thread(s)")
                out, _, _ = run([self.gemmbench, "-threads", str(t), "-shapes", ",".join(shapes), "-reps", "5"])
                rs = jsonl(out)
                out, _, _ = run([PY, "bench/numpy_gemm.py", "--threads", str(t), "--shapes", ",".join(np_shapes),
                                 "--reps", "5"], env=best_env(OPENBLAS_NUM_THREADS=t))
                rs += jsonl(out)
                for r in rs:
                    if r["impl"] == "openblas":
                        arch.add(f"OpenBLAS {r['blas_version']} {r['architecture']}, {r['blas_threads']} thr")
                    k = (r["impl"], r["shape"], t)
                    if k not in best or r["best_ms"] < best[k]["best_ms"]:
                        best[k] = r
        for s in np_shapes:
            self.limit[s] = min(best[("openblas", s, t)]["best_ms"] for t in THREADS) / 1e3
        self.blas = "; ".join(sorted(arch))
        for what, s in GEMM_SHAPES:
            for t in THREADS:
                d, o = best[("descent", s, t)], best[("openblas", s, t)]
                ratio = d["gflops"] / o["gflops"]
                self.row(f"product {s}, {what}, {t} thread{'s' if t > 1 else ''}",
                         f"`gemmbench -threads {t}` vs `numpy_gemm.py --threads {t}`",
                         f"{d['gflops']:.0f} GFLOP/s", f"OpenBLAS {o['gflops']:.0f} GFLOP/s",
                         f"{ratio:.2f}", f"{ratio:.0%}", f"best of {rounds}×5")

    # --- the sections -------------------------------------------------------

    def mnist(self):
        dense = []
        ds, ts = self.pair("mlp:784-100-10", "mlp:784-100-10", "torch", "adam:lr=0.001", "adam", 0.001, 100, 0, rss=True,
                           dense=dense)
        shapes = self.train_shapes([784, 100, 10], 100)
        d, t = self.train_rows("mlp:784-100-10, Adam lr 0.001, batch 100, 5 epochs: s/epoch (training only)",
                               "`descent train --model mlp:784-100-10 --opt adam:lr=0.001 --batch 100 --epochs 5`",
                               ds, ts, shapes, 3000, unit_div=5, unit="s/epoch", sparse=True)
        self.train_rows("same, descent's first layer dense (`DESCENT_SPARSE=off`: the same weights, bit for bit)",
                        "`DESCENT_SPARSE=off descent train …` (as above)",
                        dense, ts, shapes, 3000, unit_div=5, unit="s/epoch")
        da = ds[0]["acc"] * 100
        tas = [r["acc"] * 100 for rs in ts.values() for r in rs if r is not None]
        ta = statistics.median(tas)
        self.row("same run: test accuracy after 5 epochs", "(as above)", f"{da:.2f}%",
                 f"{ta:.2f}% (median of {len(tas)} runs, {min(tas):.2f}–{max(tas):.2f})",
                 f"{da - ta:+.2f} points", "—", f"{len(ds)} runs")
        rss = [r["rss_mb"] for r in ds]
        self.row("same run: peak RSS of descent train (5 epochs)", "`/usr/bin/time -v descent train …`",
                 f"{max(rss):.0f} MB (runs: {', '.join(f'{x:.0f}' for x in rss)})", "—", "—",
                 "target ≤ 150 MB", f"{len(ds)} runs")

    def book(self):
        sizes = [784, 100, 100, 100, 100, 10]
        shapes = self.train_shapes(sizes, 128)
        for name, spec, topt, lr in BOOK_OPTS:
            dense = []
            ds, ts = self.pair(f"book {name}", "mlp:784-100-100-100-100-10,init=he", "he", spec, topt, lr, 128, 2000,
                               dense=dense)
            self.train_rows(f"book §6.1.8, mlp:784-100-100-100-100-10 He, batch 128, 2000 steps, {name}",
                            f"`descent train --model mlp:784-100-100-100-100-10,init=he --opt {spec} --batch 128 --max-steps 2000`",
                            ds, ts, shapes, 2000, sparse=True)
            self.train_rows(f"same, {name}, descent's first layer dense (`DESCENT_SPARSE=off`)",
                            "`DESCENT_SPARSE=off descent train …` (as above)", dense, ts, shapes, 2000)

    def wide(self):
        ds, ts = self.pair("wide", "mlp:784-1024-1024-10", "torch", "adam:lr=0.001", "adam", 0.001, 256, 150)
        self.train_rows("mlp:784-1024-1024-10, Adam lr 0.001, batch 256, 150 steps",
                        "`descent train --model mlp:784-1024-1024-10 --opt adam:lr=0.001 --batch 256 --max-steps 150`",
                        ds, ts, self.train_shapes([784, 1024, 1024, 10], 256), 150)

    def start(self):
        walls = []
        for rnd in range(max(3, self.args.rounds)):
            log(f"start-up: run {rnd + 1}")
            out = tempfile.mkdtemp(dir=self.tmp)
            _, _, w = run([self.descent, "train", "--data", "mnist", "--model", "mlp:784-100-10",
                           "--max-steps", "1", "-o", out])
            shutil.rmtree(out)
            walls.append(w)
        self.row("`descent train --max-steps 1`: whole command, wall",
                 "`descent train --data mnist --model mlp:784-100-10 --max-steps 1 -o DIR`",
                 f"{min(walls):.2f} s (median {statistics.median(walls):.2f})", "—", "—", "target ≤ 0.5 s",
                 f"{len(walls)} runs")
        log("MNIST ready (go test -bench LoadMNIST)")
        out, _, _ = run(["go", "test", "-run", "XXX", "-bench", "LoadMNIST", "-benchtime", "10x", "./data"])
        ready = {m.group(1): int(m.group(2)) / 1e9
                 for m in re.finditer(r"BenchmarkLoadMNIST/(\w+)(?:-\d+)?\s+\d+\s+(\d+) ns/op", out)}
        self.row("MNIST ready to train (data.LoadMNIST, both sets)",
                 "`go test -run XXX -bench LoadMNIST -benchtime 10x ./data`",
                 f"{ready['cached']:.3f} s from the decoded cache, {ready['decode']:.3f} s decoding the .gz files",
                 "—", "—", "target ≤ 0.2 s", "mean of 10 loads")

    def optim(self):
        n = self.args.n

        def dbench(spec, t):
            out, _, _ = run([self.descent, "bench", "--opt", spec, "--n", str(n), "--threads", str(t),
                             "--steps", "20", "--json"])
            return jsonl(out)[-1]

        for spec in STEP_OPTS:
            # Rounds alternate descent and torch, as the training rows do;
            # each side's best run is reported (the triad ratio is that
            # run's own), with each round's own ratio.
            d, settings, per_round = {}, [], []
            for rnd in range(self.args.rounds):
                log(f"optimizer step {spec}: round {rnd + 1}")
                dr = {t: dbench(spec, t) for t in (2, 1)}
                for t, r in dr.items():
                    if t not in d or r["ms_per_step"] < d[t]["ms_per_step"]:
                        d[t] = r
                tr = []
                for malloc, env, steps in (("malloc as found", best_env(), 5), ("MALLOC_MMAP_MAX_=0", best_env(**KEEP_MALLOC), 20)):
                    out, _, _ = run([PY, "bench/torch_step.py", "--opt", spec, "--n", str(n), "--threads", "1,2",
                                     "--foreach", "both", "--steps", str(steps)], env=env)
                    for r in jsonl(out):
                        r["malloc"] = malloc
                        tr.append(r)
                settings += tr
                per_round.append(min(r["ms_per_step"] for r in tr) / min(r["ms_per_step"] for r in dr.values()))
            tb = min(settings, key=lambda r: r["ms_per_step"])
            won = f"threads {tb['threads']}, foreach {'on' if tb['foreach'] else 'off'}, {tb['malloc']}"
            db = min(THREADS, key=lambda t: d[t]["ms_per_step"])
            self.row(f"optimizer step `{spec}`, N = {n:,}",
                     f"`descent bench --opt {spec} --n {n} --threads T --steps 20`, T = 2, 1",
                     f"{d[db]['ms_per_step']:.2f} ms ({db} thread{'s' if db > 1 else ''}; "
                     f"other {d[3 - db]['ms_per_step']:.2f})",
                     f"{tb['ms_per_step']:.2f} ms ({won})",
                     f"{tb['ms_per_step'] / d[db]['ms_per_step']:.2f}× (rounds {min(per_round):.2f}–{max(per_round):.2f})",
                     "; ".join(f"{t} thr {d[t]['ratio']:.2f}× triad ({d[t]['gbps']:.0f} of {d[t]['triad_gbps']:.0f} GB/s)"
                               for t in (2, 1)),
                     f"best of {self.args.rounds} rounds, each the median of 20 (torch as found: 5)")
        for spec in STEP_ONLY_DESCENT:
            log(f"optimizer step {spec}")
            r = dbench(spec, 2)
            self.row(f"optimizer step `{spec}`, N = {n:,} (torch not timed)",
                     f"`descent bench --opt {spec} --n {n} --threads 2 --steps 20`",
                     f"{r['ms_per_step']:.2f} ms ({r['gbps']:.0f} GB/s)", "—", "—",
                     f"2 thr {r['ratio']:.2f}× triad ({r['gbps']:.0f} of {r['triad_gbps']:.0f} GB/s)", "median of 20")
        log("optimizer step allocations (go test -bench Step)")
        out, _, _ = run(["go", "test", "-run", "XXX", "-bench", "BenchmarkStep$/.*/^n=10M$/^threads", "-benchtime", "3x",
                         "./optim"])
        allocs = [int(m) for m in re.findall(r"(\d+) allocs/op", out)]
        self.row("optimizer step allocations, every method in BenchmarkStep, n = 10M",
                 "`go test -run XXX -bench 'BenchmarkStep$/.*/^n=10M$/^threads' -benchtime 3x ./optim`",
                 f"max {max(allocs) if allocs else 'none found'} allocs/op over {len(allocs)} benchmarks",
                 "—", "—", "target 0", "3 steps each")

    def table(self, header, machine, date, commit):
        lines = [header, "",
                 "| what | command | descent | torch / OpenBLAS best (setting that won) | ratio | fraction of the limit"
                 " | reps | machine | date | commit |",
                 "|---|---|---:|---:|---:|---:|---|---|---|---|"]
        for r in self.rows:
            lines.append("| " + " | ".join(str(x) for x in r + (machine, date, commit)) + " |")
        return "\n".join(lines)


def xcore(binary):
    """The cross-core state of the machine now, as one phrase: bench/xcore's
    update of 313 KB after the other core read it, and after this core did
    (the first is 2–3× the second in the machine's fast state, 6–13× in its
    slow one; docs/speed-log.md)."""
    p = subprocess.run([binary, "-reps", "200"], capture_output=True, text=True)
    if p.returncode != 0:
        return "not measured (" + (p.stderr.strip().splitlines() or ["?"])[-1] + ")"
    got = {}
    for line in p.stdout.splitlines():
        m = re.match(r"(update, last read (?:here|by the other))\s+([0-9.]+) µs", line)
        if m:
            got[m.group(1)] = float(m.group(2))
    other, own = got.get("update, last read by the other"), got.get("update, last read here")
    if other is None or own is None:
        return "not measured (unexpected output)"
    return f"{other:.1f} µs against {own:.1f} µs ({other / own:.1f}×)"


def sh(*cmd):
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True).stdout.strip()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=2, help="alternating rounds per comparison")
    ap.add_argument("--only", default="gemm,mnist,book,wide,start,optim", help="sections to run")
    ap.add_argument("--n", type=int, default=10_000_000, help="parameters for the optimizer steps")
    args = ap.parse_args()
    only = set(args.only.split(","))
    if args.rounds < 1 or only - {"gemm", "mnist", "book", "wide", "start", "optim"} or args.n < 1:
        sys.exit("issue10: want --rounds ≥ 1, --n ≥ 1 and --only from gemm,mnist,book,wide,start,optim")
    t0 = time.time()
    # The commit measured is the one built now, whatever is committed later.
    dirty = sh("git", "status", "--porcelain", "--untracked-files=no")
    commit = sh("git", "rev-parse", "--short", "HEAD") + (" (with uncommitted changes)" if dirty else "")
    tmp = tempfile.mkdtemp(prefix="issue10-")
    try:
        b = Bench(args, tmp)
        run(["go", "build", "-o", b.descent, "./cmd/descent"])
        run(["go", "build", "-o", b.gemmbench, "./bench/gemmbench"])
        xcore_bin = os.path.join(tmp, "xcore")
        run(["go", "build", "-o", xcore_bin, "./bench/xcore"])
        states = [xcore(xcore_bin)]
        b.blas = ""
        if only & {"gemm", "mnist", "book", "wide"}:
            extra = (b.train_shapes([784, 100, 10], 100) + b.train_shapes([784, 100, 100, 100, 100, 10], 128)
                     + b.train_shapes([784, 1024, 1024, 10], 256))
            b.gemm(extra)
            if "gemm" not in only:
                b.rows.clear()
        for name in ("mnist", "book", "wide", "start", "optim"):
            if name in only:
                getattr(b, name)()
        states.append(xcore(xcore_bin))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    cpu = re.search(r"model name\s*:\s*(.*)", open("/proc/cpuinfo").read())
    torch_v = sh(PY, "-c", "import torch; print(torch.__version__)")
    machine = f"{cpu.group(1) if cpu else '?'}, {os.cpu_count()} CPUs"
    date = f"{datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC"
    header = (f"Machine: {machine}; date {date}; commit {commit}; "
              f"{sh('go', 'version')}; torch {torch_v}; {b.blas or 'OpenBLAS not measured'}; "
              f"load average at the end {os.getloadavg()[0]:.1f}; {time.time() - t0:.0f} s in all. "
              f"The machine's cross-core state (bench/xcore, an update of 313 KB that the other core "
              f"read last, against one this core read last): {states[0]} at the start, {states[1]} at the end.")
    print(b.table(header, machine, date, commit.split()[0] + ('+' if dirty else '')))


if __name__ == "__main__":
    main()
