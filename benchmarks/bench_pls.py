"""Benchmark: kamreport's PLS-SEM against the seminr PyPI package (and plspm) on mobi + ECSI.

Run:  .venv/bin/python benchmarks/bench_pls.py [--boot 5000] [--seminr-boot 1000]

Prints, in one run on the same machine: single-fit times (median of many), the bootstrap time
for 5000 resamples (ours, all cores) next to seminr's (1000 resamples, best of sequential and
its 2-process pool, extrapolated linearly to 5000), the speed ratios, our peak traced memory,
and the largest absolute differences between the two packages' estimates (point estimates, and
bootstrap standard errors computed on the very same resamples). Then the PLSc bootstrap
(consistent=True; seminr: reflective() constructs) on both, and our cluster bootstrap
(50 synthetic accounts of 5 respondents; seminr has none) next to our row bootstrap.
"""

from __future__ import annotations

import os

os.environ["OPENBLAS_NUM_THREADS"] = "1"  # before numpy loads: one BLAS thread per worker

import argparse  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from kamreport.satisfaction import bootstrap as boot  # noqa: E402
from kamreport.satisfaction.pls import fit_pls  # noqa: E402
from kamreport.satisfaction.presets import ecsi  # noqa: E402

MOBI = Path(__file__).resolve().parents[2] / "shared" / "reference" / "mobi" / "mobi.csv"


def median_time(fn, repeat: int) -> float:  # noqa: ANN001
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def seminr_model(data: pd.DataFrame, consistent: bool = False):  # noqa: ANN201
    import seminr

    spec = ecsi()
    block = seminr.reflective if consistent else seminr.composite
    mm = seminr.constructs(*[block(c.name, list(c.items)) for c in spec.constructs])
    sm = seminr.relationships(*[seminr.paths(s, t) for s, t in spec.paths])
    return seminr.estimate_pls(data, mm, sm)


def max_point_difference(ours, theirs) -> float:  # noqa: ANN001
    diffs = [abs(r.estimate - theirs.path_coef.get(r.source, r.target))
             for r in ours.paths.itertuples()]
    diffs += [abs(r.weight - theirs.outer_weights.get(r.item, r.construct))
              for r in ours.weights.itertuples()]
    diffs += [abs(r.loading - theirs.outer_loadings.get(r.item, r.construct))
              for r in ours.loadings.itertuples()]
    return max(diffs)


def max_se_difference(ours, theirs) -> float:  # noqa: ANN001
    diffs = [abs(r.std_error - theirs.paths_descriptives.get(r.source, f"{r.target} Boot SD"))
             for r in ours.paths.itertuples()]
    diffs += [abs(r.std_error - theirs.loadings_descriptives.get(r.item, f"{r.construct} Boot SD"))
              for r in ours.loadings.itertuples()]
    diffs += [abs(r.std_error - theirs.weights_descriptives.get(r.item, f"{r.construct} Boot SD"))
              for r in ours.weights.itertuples()]
    return max(diffs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--boot", type=int, default=5000)
    parser.add_argument("--seminr-boot", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    data = pd.read_csv(MOBI)
    spec = ecsi()
    cores = boot.resolve_jobs(-1)
    print(f"mobi: {len(data)} respondents x {len(spec.items)} items, ECSI "
          f"({len(spec.paths)} paths); {cores} cores; OPENBLAS_NUM_THREADS=1; "
          f"python {sys.version.split()[0]}")

    # -- single fit ---------------------------------------------------------------------------
    fit_pls(data, spec)
    ours_fit = median_time(lambda: fit_pls(data, spec), 200)
    print(f"\nsingle fit      kamreport {ours_fit * 1e3:8.2f} ms (median of 200)")
    try:
        import seminr  # noqa: F401

        seminr_model(data)
        theirs_fit = median_time(lambda: seminr_model(data), 100)
        print(f"                seminr    {theirs_fit * 1e3:8.2f} ms (median of 100)   "
              f"ratio {theirs_fit / ours_fit:6.1f}x")
        point = max_point_difference(fit_pls(data, spec), seminr_model(data))
        print(f"                max |difference| paths/weights/loadings: {point:.2e}")
    except ImportError:
        seminr = None
        print("                seminr not installed: pip install seminr")

    # -- bootstrap ----------------------------------------------------------------------------
    fit_pls(data, spec, bootstrap=1000, seed=args.seed)  # warm-up
    ours_time = median_time(lambda: fit_pls(data, spec, bootstrap=args.boot, seed=args.seed,
                                            n_jobs=-1), 5)
    one_job = median_time(lambda: fit_pls(data, spec, bootstrap=args.boot, seed=args.seed,
                                          n_jobs=1), 5)
    tracemalloc.start()  # a separate run: tracing slows allocation-heavy code
    fit_pls(data, spec, bootstrap=args.boot, seed=args.seed, n_jobs=-1)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(f"\nbootstrap {args.boot}  kamreport {ours_time:8.3f} s on {cores} threads, "
          f"{one_job:.3f} s on 1 (medians of 5; peak traced memory {peak / 2**20:.0f} MiB)")
    if seminr is not None:
        import seminr as sm_pkg

        model = seminr_model(data)
        small = fit_pls(data, spec, bootstrap=args.seminr_boot, seed=args.seed)
        idx = small.bootstrap.indices.astype(np.intp)  # the first resamples of our big run
        start = time.perf_counter()
        sequential = sm_pkg.bootstrap_model(model, args.seminr_boot, indices=idx)
        t_seq = time.perf_counter() - start
        start = time.perf_counter()
        sm_pkg.bootstrap_model(model, args.seminr_boot, indices=idx, cores=cores)
        t_par = time.perf_counter() - start
        best = min(t_seq, t_par)
        scaled = best * args.boot / args.seminr_boot
        print(f"                seminr    {args.seminr_boot} resamples: {t_seq:.2f} s sequential, "
              f"{t_par:.2f} s with cores={cores}; best extrapolated to {args.boot}: {scaled:.1f} s")
        ours_best = min(ours_time, one_job)  # best configuration of each package, as for seminr
        print(f"                ratio (seminr / kamreport, {args.boot} resamples, best of each): "
              f"{scaled / ours_best:6.1f}x")
        print(f"                max |difference| of bootstrap SEs on the same {args.seminr_boot} "
              f"resamples: {max_se_difference(small, sequential):.2e}")

    # -- PLSc bootstrap and cluster bootstrap -------------------------------------------------
    plsc_time = median_time(lambda: fit_pls(data, spec, bootstrap=args.boot, seed=args.seed,
                                            consistent=True), 3)
    print(f"\nPLSc bootstrap {args.boot}  kamreport {plsc_time:8.3f} s (median of 3)")
    if seminr is not None:
        import seminr as sm_pkg

        model = seminr_model(data, consistent=True)
        small = fit_pls(data, spec, bootstrap=args.seminr_boot, seed=args.seed, consistent=True)
        idx = small.bootstrap.indices.astype(np.intp)
        best = float("inf")
        for cores_used in (1, cores):
            start = time.perf_counter()
            theirs = sm_pkg.bootstrap_model(model, args.seminr_boot, indices=idx, cores=cores_used)
            best = min(best, time.perf_counter() - start)
        scaled = best * args.boot / args.seminr_boot
        worst = max(abs(r.std_error - theirs.loadings_descriptives.get(r.item, f"{r.construct} Boot SD"))
                    for r in small.loadings.itertuples())
        print(f"                seminr    {args.seminr_boot} resamples: best {best:.2f} s; extrapolated "
              f"to {args.boot}: {scaled:.1f} s")
        print(f"                ratio (seminr / kamreport, PLSc, {args.boot} resamples): "
              f"{scaled / plsc_time:6.1f}x; max |difference| of loading SEs: {worst:.2e}")
    accounts = data.assign(account=np.arange(len(data)) // 5)
    cluster_time = median_time(lambda: fit_pls(accounts, spec, bootstrap=args.boot, seed=args.seed,
                                               cluster="account"), 3)
    clustered = fit_pls(accounts, spec, bootstrap=args.boot, seed=args.seed, cluster="account")
    rows = fit_pls(accounts, spec, bootstrap=args.boot, seed=args.seed)
    widths = ((clustered.paths.ci_high - clustered.paths.ci_low)
              / (rows.paths.ci_high - rows.paths.ci_low))
    print(f"cluster bootstrap {args.boot} (50 accounts x 5)  kamreport {cluster_time:8.3f} s "
          f"(median of 3; the row bootstrap: {min(ours_time, one_job):.3f} s); seminr: none")
    print(f"                path interval width, cluster / row: {widths.min():.2f} .. "
          f"{widths.max():.2f} (synthetic accounts carry no shared effect: ~1 expected)")

    # -- plspm ----------------------------------------------------------------------------------
    try:
        import plspm.config as pc
        from plspm.mode import Mode
        from plspm.plspm import Plspm
        from plspm.scheme import Scheme

        structure = pc.Structure()
        for s, t in spec.paths:
            structure.add_path([s], [t])
        config = pc.Config(structure.path(), scaled=True)
        for c in spec.constructs:
            config.add_lv(c.name, Mode.A, *[pc.MV(i) for i in c.items])
        start = time.perf_counter()
        Plspm(data, config, Scheme.PATH)
        print(f"\nplspm single fit {time.perf_counter() - start:.3f} s")
    except ImportError:
        print("\nplspm: not installed (pip install plspm)")
    except Exception as exc:  # noqa: BLE001 - report whatever the third-party package raises
        print(f"\nplspm: installs (pip install plspm) but fails on this stack "
              f"(pandas {pd.__version__}): {type(exc).__name__}: {str(exc)[:80]}")


if __name__ == "__main__":
    main()
