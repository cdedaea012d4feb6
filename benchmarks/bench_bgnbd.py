"""fit_bgnbd on 10^6 / 10^7 synthetic customers vs lifetimes' BetaGeoFitter, same run.

Usage:  .venv/bin/python benchmarks/bench_bgnbd.py [--sizes 1e6,1e7] [--baseline-max 1e7]

Customers are simulated once from the BG/NBD model at the published CDNOW estimates (r 0.243,
alpha 4.414, a 0.793, b 2.426; Fader, Hardie & Lee 2005): first purchases spread over 13 weeks,
observed to week 39, purchase times kept at day resolution as in real data, so many customers
share an (x, t_x, T) pattern. They are cached as .npy files under ``.bench-cache/bgnbd_<n>/``
(git-ignored). Every case runs in its own child process, which reports the fit time (summary
frame in memory -> fitted model) and the process's peak RSS (``os.wait4`` ru_maxrss, data and
imports included) and what the fit adds to the RSS it started from (imports + loaded table):

- ``kamreport``: ``kamreport.value.fit_bgnbd`` (patterns collapsed, analytic gradient, L-BFGS-B);
- ``lifetimes``: ``BetaGeoFitter().fit(frequency, recency, T)`` of lifetimes 0.11.3 as documented
  (autograd gradient, BFGS, one row per customer), in a separate venv created on the first run
  at ``.bench-cache/venv-lifetimes`` (lifetimes needs pandas<3 and setuptools<82; it is never a
  dependency of kamreport). ``--baseline-max`` skips it above a size (10^7 takes minutes).

Printed: per case time, peak RSS, fit increment, parameters; then speed and memory ratios and
the largest relative parameter difference (targets: >= 10x faster, <= 1/4 memory, parameters
within 1e-4). At 10^6 the imports (~140 MB for pandas + scipy, either side) dominate the peak, so
the ratio of the increments is the one that shows the fit's own memory.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CACHE = REPO / ".bench-cache"
VENV = CACHE / "venv-lifetimes"
TRUE = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
CHUNK = 1_000_000


def generate(folder: Path, n: int, seed: int = 20050401) -> None:
    """Simulate n BG/NBD customers in chunks and save frequency/recency/T as .npy (weeks)."""
    import numpy as np

    xs, txs, ts = [], [], []
    for i, lo in enumerate(range(0, n, CHUNK)):
        m = min(CHUNK, n - lo)
        rng = np.random.default_rng([seed, i])
        t_days = rng.integers(182, 274, m)                 # first purchase in a 13-week window
        big_t = t_days / 7.0
        lam = rng.gamma(TRUE["r"], 1.0 / TRUE["alpha"], m)
        p = rng.beta(TRUE["a"], TRUE["b"], m)
        events = rng.poisson(lam * big_t)
        x = np.minimum(events, rng.geometric(p))           # dies right after the J-th repeat
        tx = np.where(x > 0, big_t * rng.beta(np.maximum(x, 1), np.maximum(events - x + 1, 1)), 0.0)
        xs.append(x.astype(np.int64))
        txs.append(np.floor(tx * 7.0) / 7.0)               # day resolution
        ts.append(big_t)
    tmp = folder.with_name(folder.name + ".part")
    tmp.mkdir(parents=True, exist_ok=True)
    for name, parts in (("frequency", xs), ("recency", txs), ("T", ts)):
        np.save(tmp / f"{name}.npy", np.concatenate(parts))
    tmp.rename(folder)


def child(kind: str, folder: Path) -> None:
    """Runs in the child process: load, fit, print one JSON line."""
    import warnings

    import numpy as np
    import pandas as pd

    warnings.simplefilter("ignore")
    if kind == "kamreport":
        from kamreport.value import fit_bgnbd

        def fit(frame: pd.DataFrame) -> tuple[dict, dict]:
            result = fit_bgnbd(frame)
            return result.params, {"patterns": result.n_patterns, "iterations": result.iterations}
    else:
        from lifetimes import BetaGeoFitter

        def fit(frame: pd.DataFrame) -> tuple[dict, dict]:
            bgf = BetaGeoFitter().fit(frame["frequency"], frame["recency"], frame["T"])
            return {k: float(v) for k, v in bgf.params_.items()}, {}

    data = pd.DataFrame({c: np.load(folder / f"{c}.npy") for c in ("frequency", "recency", "T")})
    loaded_mb = _current_rss_mb()
    t0 = time.perf_counter()
    params, extra = fit(data)
    seconds = time.perf_counter() - t0
    print(json.dumps({"seconds": seconds, "params": params, "loaded_mb": loaded_mb, **extra}))


def _current_rss_mb() -> float:
    """Resident set size now (Linux /proc), after imports and the loaded customer table."""
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def ensure_venv() -> Path:
    python = VENV / "bin" / "python"
    if not python.exists():
        print(f"creating {VENV} (lifetimes, pandas<3, setuptools<82) ...", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "lifetimes", "pandas<3",
                        "setuptools<82", "numpy", "scipy"], check=True)
    return python


def run_case(python: Path, kind: str, folder: Path) -> dict:
    """One case in a child process; its own rusage (os.wait4) gives the peak RSS."""
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", PYTHONPATH=str(REPO))
    with tempfile.TemporaryFile(mode="w+") as err:
        proc = subprocess.Popen([str(python), __file__, "--child", kind, "--data", str(folder)],
                                stdout=subprocess.PIPE, stderr=err, text=True, env=env)
        out = proc.stdout.read() if proc.stdout else ""
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            err.seek(0)
            raise RuntimeError(f"{kind} child failed:\n{err.read()[-2000:]}")
    result = json.loads(out.strip().splitlines()[-1])
    result["peak_mb"] = usage.ru_maxrss / 1024
    return result


def _fit_mb(case: dict) -> float:
    return max(case["peak_mb"] - case["loaded_mb"], 1.0)


def _figures(case: dict) -> str:
    params = " ".join(f"{k}={v:.5f}" for k, v in case["params"].items())
    return (f"fit {case['seconds']:7.2f} s  peak RSS {case['peak_mb']:6.0f} MB (fit adds "
            f"{_fit_mb(case):5.0f} MB to the {case['loaded_mb']:.0f} MB of imports + data)  {params}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1e6,1e7", help="customers per case, comma separated")
    parser.add_argument("--baseline-max", type=float, default=1e7,
                        help="run lifetimes only up to this many customers")
    parser.add_argument("--child", choices=["kamreport", "lifetimes"], help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.data)
        return
    sizes = [int(float(s)) for s in args.sizes.split(",")]
    lifetimes_python = ensure_venv() if any(n <= args.baseline_max for n in sizes) else None
    for n in sizes:
        folder = CACHE / f"bgnbd_{n}"
        if not folder.exists():
            t0 = time.perf_counter()
            generate(folder, n)
            print(f"simulated {n:,} customers in {time.perf_counter() - t0:.1f} s -> {folder}")
        ours = run_case(Path(sys.executable), "kamreport", folder)
        print(f"n={n:>11,}  kamreport  {_figures(ours)}  ({ours['patterns']:,} patterns, "
              f"{ours['iterations']} iterations)", flush=True)
        if lifetimes_python is None or n > args.baseline_max:
            print(f"n={n:>11,}  lifetimes  skipped (--baseline-max {args.baseline_max:g})")
            continue
        base = run_case(lifetimes_python, "lifetimes", folder)
        print(f"n={n:>11,}  lifetimes  {_figures(base)}", flush=True)
        diff = max(abs(ours["params"][k] - base["params"][k]) / abs(base["params"][k]) for k in TRUE)
        print(f"n={n:>11,}  ratios     speed {base['seconds'] / ours['seconds']:.1f}x (target >= 10); "
              f"memory {ours['peak_mb'] / base['peak_mb']:.2f} of lifetimes' peak, "
              f"{_fit_mb(ours) / _fit_mb(base):.2f} of what its fit adds (target <= 0.25); "
              f"max relative parameter difference {diff:.1e} (target <= 1e-4)", flush=True)


if __name__ == "__main__":
    main()
