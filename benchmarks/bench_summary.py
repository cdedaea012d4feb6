"""customer_summary + rfm_scores + pyramid on 10^7 / 10^8 transactions vs a pandas baseline.

Usage:  .venv/bin/python benchmarks/bench_summary.py [--sizes 1e6,1e7] [--memory-limit 2GB]
        .venv/bin/python benchmarks/bench_summary.py --engine spark [--sizes 1e7]
        .venv/bin/python benchmarks/bench_summary.py --score 1e8 [--score-chunk 1e6]

Synthetic transactions (one customer per 50 rows, three years of days, gamma amounts, 2% returns,
0.5% free orders) are written once, in chunks, to ``.bench-cache/tx_<n>.parquet`` (git-ignored).
Every case runs in a child process that reports its wall time and peak RSS (ru_maxrss):

- ``kamreport``: DuckDB through an ibis connection with ``memory_limit``/``threads`` set, spilling
  to ``.bench-cache/duckdb-tmp``; only the per-customer result becomes pandas;
- ``pandas``: ``pd.read_parquet`` + groupby computing the same columns under the same rules, then
  the same ``rfm_scores`` and ``pyramid``; run under an address-space cap (``--pandas-cap-gb``) so
  a run that needs more fails instead of pushing the shared machine into swap or the OOM killer;
- ``spark`` (with ``--engine spark``, instead of pandas): the same ``customer_summary`` on a local
  Spark (``local[<threads>]``, ``--spark-memory`` driver heap) reading the same Parquet file
  through ibis' PySpark backend. Session start-up is timed apart; peak memory is the largest sum
  of the resident memory of the Python driver and its JVM, sampled every 0.1 s.

Both print check sums (customers, sum of frequency, of total_revenue, of monetary_value) so the
two results are seen to agree.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CHUNK = 5_000_000
ROWS_PER_CUSTOMER = 50
BYTES_PER_ROW = 9.0  # measured: 10^7 rows -> ~81 MB of Parquet


def generate(path: Path, n: int, seed: int = 20240601) -> None:
    """Write n synthetic transactions to Parquet in chunks (atomic: temp file, then rename)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng(seed)
    customers = max(n // ROWS_PER_CUSTOMER, 1)
    schema = pa.schema([("customer_id", pa.int64()), ("date", pa.date32()),
                        ("amount", pa.float64())])
    tmp = path.with_suffix(".part")
    start = np.datetime64("2021-01-01", "D")
    with pq.ParquetWriter(tmp, schema, compression="snappy") as writer:
        for lo in range(0, n, CHUNK):
            m = min(CHUNK, n - lo)
            amount = np.round(rng.gamma(2.0, 30.0, m), 2)
            amount[rng.random(m) < 0.02] *= -1
            amount[rng.random(m) < 0.005] = 0.0
            writer.write_table(pa.table({
                "customer_id": rng.integers(0, customers, m),
                "date": start + rng.integers(0, 3 * 365, m).astype("timedelta64[D]"),
                "amount": amount}, schema=schema))
    tmp.rename(path)


def checks(summary) -> dict[str, float]:
    return {"customers": int(len(summary)), "sum_frequency": float(summary["frequency"].sum()),
            "sum_total_revenue": float(summary["total_revenue"].sum()),
            "sum_monetary_value": float(summary["monetary_value"].sum())}


def run_kamreport(path: Path, args: argparse.Namespace) -> dict[str, float]:
    import ibis

    from kamreport.value import customer_summary, pyramid, rfm_scores

    spill = Path(args.cache) / "duckdb-tmp"
    spill.mkdir(parents=True, exist_ok=True)
    con = ibis.duckdb.connect(memory_limit=args.memory_limit, threads=args.threads,
                              temp_directory=str(spill), preserve_insertion_order=False)
    con.raw_sql("SET enable_progress_bar = false")
    t0 = time.perf_counter()
    summary = customer_summary(path, con=con, freq="W")
    t1 = time.perf_counter()
    rfm_scores(summary)
    pyramid(summary)
    t2 = time.perf_counter()
    return {"summary_s": t1 - t0, "total_s": t2 - t0, **checks(summary)}


def run_pandas(path: Path, args: argparse.Namespace) -> dict[str, float]:
    import numpy as np
    import pandas as pd

    from kamreport.value import pyramid, rfm_scores

    t0 = time.perf_counter()
    df = pd.read_parquet(path, to_pandas_kwargs={"date_as_object": False})
    df["sale"] = df["amount"] >= 0
    daily = (df.groupby(["customer_id", "date"], sort=False)
             .agg(value=("amount", "sum"), sales=("sale", "sum")).reset_index())
    orders = df.groupby("customer_id")["sale"].sum()
    del df
    end = daily["date"].max()
    buy = daily[daily["sales"] > 0]
    g = buy.groupby("customer_id")
    first, last = g["date"].min(), g["date"].max()
    frequency = g.size() - 1
    first_value = buy.loc[g["date"].idxmin()].set_index("customer_id")["value"]
    repeat = g["value"].sum() - first_value
    tenure = (end - first).dt.days
    summary = pd.DataFrame({
        "frequency": frequency, "recency": (last - first).dt.days / 7.0, "T": tenure / 7.0,
        "monetary_value": np.where(frequency > 0, repeat / frequency.clip(lower=1), 0.0),
        "total_revenue": daily.groupby("customer_id")["value"].sum().reindex(first.index),
        "n_orders": orders.reindex(first.index), "first_date": first, "last_date": last,
        "tenure": tenure}).sort_index()
    t1 = time.perf_counter()
    rfm_scores(summary)
    pyramid(summary)
    t2 = time.perf_counter()
    return {"summary_s": t1 - t0, "total_s": t2 - t0, **checks(summary)}


class PeakRss:
    """Largest RSS sum of this process and its descendants (the JVM), sampled in a thread."""

    def __init__(self, every: float = 0.1) -> None:
        import threading

        import psutil

        self.proc, self.peak, self.every = psutil.Process(), 0, every
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.sample, daemon=True)
        self.thread.start()

    def sample(self) -> None:
        import psutil

        while not self.stop.is_set():
            total = 0
            for p in [self.proc, *self.proc.children(recursive=True)]:
                try:
                    total += p.memory_info().rss
                except psutil.Error:
                    pass
            self.peak = max(self.peak, total)
            self.stop.wait(self.every)

    def gb(self) -> float:
        self.stop.set()
        self.thread.join()
        return self.peak / 2**30


def run_spark(path: Path, args: argparse.Namespace) -> dict[str, float]:
    import ibis
    from pyspark.sql import SparkSession

    from kamreport.value import customer_summary, pyramid, rfm_scores

    peak = PeakRss()
    t0 = time.perf_counter()
    spark = (SparkSession.builder.master(f"local[{args.threads}]").appName("bench_summary")
             .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
             .config("spark.driver.memory", args.spark_memory)
             .config("spark.sql.shuffle.partitions", str(4 * args.threads))
             .config("spark.sql.session.timeZone", "UTC")
             .config("spark.local.dir", str(Path(args.cache) / "spark-tmp"))
             .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
             .getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    con = ibis.pyspark.connect(spark)
    t1 = time.perf_counter()
    try:
        summary = customer_summary(path, con=con, freq="W")
        t2 = time.perf_counter()
        rfm_scores(summary)
        pyramid(summary)
        t3 = time.perf_counter()
    finally:
        spark.stop()
    return {"startup_s": t1 - t0, "summary_s": t2 - t1, "total_s": t3 - t1, **checks(summary),
            "peak_rss_gb": peak.gb()}


def run_scoring(n: int, chunk: int) -> dict[str, float]:
    """CLV + P(alive) of n synthetic customers (weeks over three years), chunk by chunk.

    The models are fitted on the first chunk; every chunk is drawn, scored by score_chunks and
    reduced to sums (as a caller writing each scored batch back to the engine would drop it).
    """
    import numpy as np
    import pandas as pd

    from kamreport.value import fit_bgnbd, fit_gamma_gamma
    from kamreport.value.scoring import score_chunks

    rng = np.random.default_rng(11)

    def batch(m: int) -> pd.DataFrame:
        big_t = rng.integers(1, 157, m).astype(np.float64)
        x = np.minimum(rng.poisson(0.1 * big_t), big_t).astype(np.float64)
        recency = np.where(x > 0, np.floor(rng.uniform(0, 1, m) * big_t), 0.0)
        spend = np.where(x > 0, np.round(rng.gamma(4.0, 10.0, m), 2), 0.0)
        return pd.DataFrame({"frequency": x, "recency": recency, "T": big_t, "monetary_value": spend})

    first = batch(min(chunk, n))
    bg, gg = fit_bgnbd(first, penalizer=0.001), fit_gamma_gamma(first)  # no dropout drawn: penalized
    t0 = time.perf_counter()
    sizes = [min(chunk, n - lo) for lo in range(0, n, chunk)]
    total_clv, alive, done = 0.0, 0.0, 0
    for scored in score_chunks(bg, gg, (first if i == 0 else batch(m) for i, m in enumerate(sizes))):
        total_clv += float(scored["clv"].sum())
        alive += float(scored["p_alive"].sum())
        done += len(scored)
    return {"customers": done, "chunk": chunk, "total_s": time.perf_counter() - t0,
            "sum_clv": total_clv, "mean_p_alive": alive / done}


def child(args: argparse.Namespace) -> None:
    if args.child == "score":
        out = run_scoring(int(float(args.score)), int(float(args.score_chunk)))
        out["status"] = "ok"
        out["peak_rss_gb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
        print("RESULT " + json.dumps(out))
        return
    if args.child == "pandas" and args.pandas_cap_gb > 0:
        cap = int(args.pandas_cap_gb * 2**30)
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    runner = {"kamreport": run_kamreport, "pandas": run_pandas, "spark": run_spark}[args.child]
    try:
        out = runner(Path(args.file), args)
        out["status"] = "ok"
    except MemoryError:
        out = {"status": f"MemoryError under a {args.pandas_cap_gb:g} GB address-space cap"}
    out.setdefault("peak_rss_gb", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20)
    print("RESULT " + json.dumps(out))


def run_case(kind: str, path: Path, args: argparse.Namespace) -> dict:
    cmd = [sys.executable, __file__, "--child", kind, "--file", str(path), "--cache", args.cache,
           "--memory-limit", args.memory_limit, "--threads", str(args.threads),
           "--pandas-cap-gb", str(args.pandas_cap_gb), "--spark-memory", args.spark_memory]
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", PYTHONWARNINGS="ignore")
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=REPO)
    for line in proc.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[7:])
    tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
    return {"status": f"failed (exit {proc.returncode}): {tail[:120]}"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1e7,1e8", help="comma-separated row counts")
    parser.add_argument("--cache", default=str(REPO / ".bench-cache"))
    parser.add_argument("--memory-limit", default="auto",
                        help="DuckDB memory_limit; auto: 1GB up to 2e7 rows, else 3GB")
    parser.add_argument("--threads", type=int, default=2, help="DuckDB threads")
    parser.add_argument("--pandas-cap-gb", type=float, default=10.0,
                        help="RLIMIT_AS of the pandas child (0 = none)")
    parser.add_argument("--engine", choices=["pandas", "spark"], default="pandas",
                        help="what runs next to kamreport on DuckDB: the pandas baseline or local Spark")
    parser.add_argument("--spark-memory", default="4g", help="Spark driver heap (local mode)")
    parser.add_argument("--score", help="instead: score CLV/P(alive) of this many customers in chunks")
    parser.add_argument("--score-chunk", default="1e6", help="customers per chunk with --score")
    parser.add_argument("--child", choices=["kamreport", "pandas", "spark", "score"], help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    if args.score:
        cmd = [sys.executable, __file__, "--child", "score", "--score", args.score,
               "--score-chunk", args.score_chunk]
        proc = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO,
                              env=dict(os.environ, OPENBLAS_NUM_THREADS="1", PYTHONWARNINGS="ignore"))
        lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")]
        if not lines:
            sys.exit(f"scoring failed (exit {proc.returncode}): {proc.stderr.strip()[-300:]}")
        r = json.loads(lines[-1][7:])
        print(f"scored {r['customers']:,} customers in chunks of {r['chunk']:,}: {r['total_s']:.1f} s, "
              f"peak RSS {r['peak_rss_gb']:.2f} GB (sum CLV {r['sum_clv']:.4g}, mean P(alive) "
              f"{r['mean_p_alive']:.4f})")
        return
    cache = Path(args.cache)
    cache.mkdir(parents=True, exist_ok=True)
    sizes = [int(float(s)) for s in args.sizes.split(",") if s.strip()]
    free = shutil.disk_usage(cache).free
    need = sum(BYTES_PER_ROW * n * 3 for n in sizes)  # file + DuckDB spill headroom
    print(f"cache {cache}: {free / 2**30:.1f} GB free, about {need / 2**30:.1f} GB needed")
    if free < need:
        sys.exit(f"not enough disk space in {cache}; fix: free space or pass smaller --sizes")
    print(f"DuckDB memory_limit={args.memory_limit} threads={args.threads}; "
          f"pandas cap {args.pandas_cap_gb:g} GB; {os.cpu_count()} CPUs"
          + (f"; Spark local[{args.threads}], driver memory {args.spark_memory}" if args.engine == "spark" else ""))
    auto = args.memory_limit == "auto"
    for n in sizes:
        if auto:  # measured: 3GB keeps 10^8 rows under 4 GB peak RSS at a third of 1GB's time
            args.memory_limit = "1GB" if n <= 2 * 10**7 else "3GB"
        path = cache / f"tx_{n}.parquet"
        if not path.exists():
            t0 = time.perf_counter()
            generate(path, n)
            print(f"generated {path.name} ({path.stat().st_size / 2**20:.0f} MB) "
                  f"in {time.perf_counter() - t0:.1f} s")
        other = args.engine
        res = {kind: run_case(kind, path, args) for kind in ("kamreport", other)}
        print(f"\n== {n:.0e} transactions, {n // ROWS_PER_CUSTOMER} customer ids, "
              f"DuckDB memory_limit {args.memory_limit} ==")
        print(f"{'case':<10}{'status':<10}{'summary s':>11}{'total s':>9}{'peak RSS GB':>13}")
        for kind, r in res.items():
            ok = r.get("status") == "ok"
            print(f"{kind:<10}{'ok' if ok else 'FAILED':<10}"
                  f"{r.get('summary_s', float('nan')):>11.2f}{r.get('total_s', float('nan')):>9.2f}"
                  f"{r.get('peak_rss_gb', float('nan')):>13.2f}" + ("" if ok else f"  {r['status']}")
                  + (f"  (+{r['startup_s']:.1f} s session start-up)" if "startup_s" in r else ""))
        k, p = res["kamreport"], res[other]
        if k.get("status") == p.get("status") == "ok":
            print(f"ratio kamreport/{other}: time {k['total_s'] / p['total_s']:.2f}, "
                  f"peak memory {k['peak_rss_gb'] / p['peak_rss_gb']:.2f}")
            same = all(abs(k[c] - p[c]) <= 1e-9 * max(1.0, abs(p[c])) for c in
                       ("customers", "sum_frequency", "sum_total_revenue", "sum_monetary_value"))
            print(f"check sums agree: {same}  ({k['customers']} customers, "
                  f"sum frequency {k['sum_frequency']:.0f})")


if __name__ == "__main__":
    main()
