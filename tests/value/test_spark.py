"""customer_summary on a real local Spark equals the in-process DuckDB summary, row for row.

References: the CDNOW 1/10th sample (Fader, Hardie & Lee 2005, Marketing Science 24(2);
../shared/reference/cdnow/README.md) with its calibration period to 1997-09-30 and holdout to
1998-06-30, and the kamreport demo transactions. The oracle is the same ibis expression run by
DuckDB (tested against a plain-pandas reference and the CDNOW counts in test_summary.py); Spark
is Apache Spark (pyspark 3.5-4.0, ``local[2]``) through ibis' PySpark backend. pyspark and a Java
runtime are installed by ``make test``: without them these tests fail, they are never skipped.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator
from pathlib import Path

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from pyspark.sql import SparkSession

from kamreport.data.demo import make_demo_data
from kamreport.errors import InputError
from kamreport.inputs import check_inputs, load_inputs
from kamreport.params import Params
from kamreport.value import customer_summary
from kamreport.value import clv, fit_bgnbd, fit_gamma_gamma
from kamreport.value.analysis import RemoteTransactions, analyse_value
from kamreport.value.patterns import collapse
from kamreport.value.lifecycle import (LifecycleThresholds, active_period_share, lifecycle_stage, purchase_windows,
                                      stage_transitions)
from kamreport.value.scoring import customer_patterns, fit_bgnbd_patterns, remote_clv, score_chunks

# pyspark 4.0 converts its results with pandas' deprecated copy= keyword (pandas 3)
pytestmark = pytest.mark.filterwarnings("ignore:The copy keyword is deprecated")
OBS, HOLD = "1997-09-30", "1998-06-30"
_names = itertools.count()


@pytest.fixture(scope="session")
def spark() -> Iterator[SparkSession]:
    """One local Spark for every test here: 2 threads, no UI, UTC, bound to the loopback."""
    session = (SparkSession.builder.master("local[2]").appName("kamreport-tests")
               .config("spark.ui.enabled", "false")
               .config("spark.ui.showConsoleProgress", "false")
               .config("spark.sql.shuffle.partitions", "2")
               .config("spark.default.parallelism", "2")
               .config("spark.sql.session.timeZone", "UTC")
               # Arrow collection hung once here (JVM parked in SocketAuthServer.getResult after the
               # batches were read, no task running): rows come back pickled instead
               .config("spark.sql.execution.arrow.pyspark.enabled", "false")
               .config("spark.driver.host", "127.0.0.1")
               .config("spark.driver.bindAddress", "127.0.0.1")
               .getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="session")
def spark_con(spark: SparkSession):
    """The ibis PySpark backend over the session."""
    return ibis.pyspark.connect(spark)


def to_spark(spark: SparkSession, con, df: pd.DataFrame) -> ir.Table:
    """The frame as a Spark temporary view, seen as an ibis table of the PySpark backend."""
    name = f"kamreport_test_{next(_names)}"
    spark.createDataFrame(pa.Table.from_pandas(df, preserve_index=False)).createOrReplaceTempView(name)
    return con.table(name)


def assert_same(on_spark: pd.DataFrame, on_duckdb: pd.DataFrame) -> None:
    assert on_spark.attrs["engine"] == "pyspark"
    assert on_duckdb.attrs["engine"] == "duckdb"
    pd.testing.assert_frame_equal(on_spark, on_duckdb, check_exact=False, rtol=1e-12, atol=1e-9)
    assert on_spark.attrs["diagnostics"] == on_duckdb.attrs["diagnostics"]
    for key in ("observation_end", "holdout_end", "freq", "returns"):
        assert on_spark.attrs[key] == on_duckdb.attrs[key]


@pytest.fixture(scope="module")
def cdnow_spark(spark: SparkSession, spark_con, cdnow: pd.DataFrame) -> ir.Table:
    return to_spark(spark, spark_con, cdnow)


@pytest.mark.parametrize("freq", ["D", "W", "M"])
def test_cdnow_with_holdout_equals_duckdb(cdnow_spark: ir.Table, cdnow: pd.DataFrame,
                                          freq: str) -> None:
    """CDNOW: the published calibration counts (2,357 customers, 946 repeaters) from Spark too."""
    kw = dict(observation_end=OBS, holdout_end=HOLD, freq=freq)
    s = customer_summary(cdnow_spark, **kw)
    assert_same(s, customer_summary(cdnow, **kw))
    assert len(s) == 2357
    assert int((s["frequency"] > 0).sum()) == 946
    assert s.attrs["diagnostics"]["rows_zero_amount"] > 0  # CDNOW's free first orders
    assert s.attrs["diagnostics"]["rows_after_observation_end"] > 0


def test_cdnow_default_observation_end(cdnow_spark: ir.Table, cdnow: pd.DataFrame) -> None:
    """Without observation_end the last date is found by Spark, as by DuckDB."""
    s = customer_summary(cdnow_spark)
    assert_same(s, customer_summary(cdnow))
    assert s.attrs["observation_end"] == pd.Timestamp("1998-06-30").date()


def demo_with_edge_rows() -> pd.DataFrame:
    """Demo transactions plus returns, $0 orders, exact duplicates and null rows."""
    tx = make_demo_data(1, n_accounts=40, n_respondents=200, n_transactions_target=5000).transactions
    tx = tx[["order_id", "account_id", "order_date", "amount"]].reset_index(drop=True)
    rng = np.random.default_rng(7)
    pick = lambda k: tx.iloc[rng.choice(len(tx), k, replace=False)].copy()  # noqa: E731
    returns = pick(60).assign(amount=lambda d: -0.5 * d["amount"],
                              order_id=lambda d: "R" + d["order_id"])
    late = pick(40).assign(amount=lambda d: -d["amount"],  # returns on days without an order
                           order_date=lambda d: d["order_date"] + pd.Timedelta(days=1),
                           order_id=lambda d: "L" + d["order_id"])
    zero = pick(30).assign(amount=0.0, order_id=lambda d: "Z" + d["order_id"])
    lines = pick(50).assign(amount=lambda d: d["amount"] / 3)  # second line of the same order
    dupes = pick(80)
    nulls = pick(5).assign(amount=np.nan)
    return pd.concat([tx, returns, late, zero, lines, dupes, nulls], ignore_index=True)


@pytest.fixture(scope="module")
def demo_tx() -> pd.DataFrame:
    return demo_with_edge_rows()


@pytest.fixture(scope="module")
def demo_spark(spark: SparkSession, spark_con, demo_tx: pd.DataFrame) -> ir.Table:
    return to_spark(spark, spark_con, demo_tx)


@pytest.mark.parametrize(("freq", "returns", "order_id"),
                         [("M", "net", "order_id"), ("W", "drop", "order_id"), ("D", "net", None)])
def test_demo_edge_rows_equal_duckdb(demo_spark: ir.Table, demo_tx: pd.DataFrame, freq: str,
                                     returns: str, order_id: str | None) -> None:
    """Demo data with returns, $0 orders, duplicate order ids, nulls and a holdout year."""
    kw = dict(customer="account_id", date="order_date", observation_end="2024-12-31",
              holdout_end="2025-12-31", freq=freq, returns=returns, order_id=order_id)
    s = customer_summary(demo_spark, **kw)
    assert_same(s, customer_summary(demo_tx, **kw))
    diag = s.attrs["diagnostics"]
    assert diag["rows_negative"] > 0 and diag["rows_zero_amount"] > 0
    assert diag["rows_null_dropped"] == 5
    if order_id is not None:
        assert diag["duplicate_rows_dropped"] == 80
    if returns == "net":
        assert diag["days_return_only"] > 0
    assert s["holdout_frequency"].sum() > 0


def test_returns_error_is_raised_by_spark(demo_spark: ir.Table) -> None:
    """returns='error' names the first negative rows fetched from Spark."""
    with pytest.raises(InputError, match="negative amounts in 'amount'"):
        customer_summary(demo_spark, customer="account_id", date="order_date", returns="error")


def test_only_aggregates_leave_spark(cdnow_spark: ir.Table) -> None:
    """Every query sent to Spark is an aggregate: no transaction row comes back to the driver."""
    s = customer_summary(cdnow_spark, observation_end=OBS)
    assert s.attrs["sql"] and all("GROUP BY" in q or "COUNT(" in q.upper() for q in s.attrs["sql"])


@pytest.mark.parametrize("kind", ["frame", "parquet", "parquet folder", "csv with ;", "file:// folder"])
def test_frames_and_files_scanned_by_spark_con(spark_con, cdnow: pd.DataFrame, kind: str,
                                               tmp_path) -> None:
    """con=ibis.pyspark.connect(spark): Spark itself reads the frame, Parquet or CSV given."""
    if kind == "frame":
        src = cdnow
    elif kind == "parquet":
        src = tmp_path / "cdnow.parquet"
        cdnow.to_parquet(src)
    elif kind in ("parquet folder", "file:// folder"):  # the URL as for hdfs:// or s3a://
        src = tmp_path / "parts"
        src.mkdir()
        cdnow.iloc[:3000].to_parquet(src / "part-0.parquet")
        cdnow.iloc[3000:].to_parquet(src / "part-1.parquet")
        src = src.as_uri() if kind == "file:// folder" else src
    else:
        src = tmp_path / "cdnow.csv"
        cdnow.to_csv(src, sep=";", index=False)
    s = customer_summary(src, observation_end=OBS, con=spark_con)
    expected = customer_summary(cdnow, observation_end=OBS)
    assert s.attrs["engine"] == "pyspark"
    # Spark infers a CSV's integer ids as int (32 bit), DuckDB as bigint: the ids themselves agree
    pd.testing.assert_frame_equal(s, expected, check_index_type=kind != "csv with ;")
    assert s.attrs["diagnostics"] == expected.attrs["diagnostics"]
    if kind == "frame":  # the temporary view of the frame is dropped afterwards
        assert not [t for t in spark_con.list_tables() if t.startswith("kamreport_tx_")]


# --- the parameter path: data.transactions.engine: spark -----------------------------------------


@pytest.fixture(scope="module")
def demo_folder(tmp_path_factory) -> Path:
    from kamreport.data.demo import write_demo_data

    folder = tmp_path_factory.mktemp("demo")
    write_demo_data(folder, 2026, n_accounts=120, n_respondents=200, n_transactions_target=10_000)
    return folder


def demo_params(folder: Path, **transactions) -> Params:
    return Params.model_validate({
        "title": "t", "notebooks": ["02_customer_value"], "base_dir": str(folder),
        "data": {"accounts": "accounts.csv", "transactions": {
            "path": "transactions.csv", "customer": "account_id", "date": "order_date",
            "order_id": "order_id", **transactions}},
        "value": {"observation_end": "2025-06-29", "holdout_end": "2025-12-28"}})


SECRET = "s3cr3t-token-value"


@pytest.mark.parametrize("options", [{}, {"filter": {"region": "华东"}}, {"pseudonymize": True}])
def test_params_engine_spark_value_analysis_equals_duckdb(spark: SparkSession, demo_folder: Path,
                                                          options: dict, monkeypatch) -> None:
    """engine: spark runs the whole value analysis (both summaries in Spark) equal to DuckDB's,
    with a filter through the account master and with pseudonyms; the conf's token leaks nowhere."""
    monkeypatch.setenv("KAMREPORT_PSEUDONYM_KEY", "k" * 32)
    local = demo_params(demo_folder).model_copy(update=options)
    remote = demo_params(demo_folder, engine="spark", spark={
        "master": "local[2]", "conf": {"spark.hadoop.fs.s3a.secret.key": SECRET}}).model_copy(update=options)
    v = local.value
    kw = dict(observation_end=v.observation_end, holdout_end=v.holdout_end, freq=v.freq)
    on_spark_inputs = load_inputs(remote, "02_customer_value")
    assert isinstance(on_spark_inputs.transactions, RemoteTransactions)
    on_spark = analyse_value(on_spark_inputs.transactions, order_id="order_id", **kw)
    on_duckdb = analyse_value(load_inputs(local, "02_customer_value").transactions, order_id="order_id", **kw)
    assert on_spark.summary.attrs["engine"] == "pyspark"
    assert on_spark.spend_model_error == on_duckdb.spend_model_error
    for name in ("summary", "calibration", "values"):
        pd.testing.assert_frame_equal(getattr(on_spark, name), getattr(on_duckdb, name),
                                      check_exact=False, rtol=1e-9, check_index_type=False)
    assert on_spark.bgnbd.params == pytest.approx(on_duckdb.bgnbd.params, rel=1e-9)
    if options.get("pseudonymize"):
        assert all(str(c).startswith("ACC-") for c in on_spark.summary.index)
    assert SECRET not in on_spark_inputs.describe().to_string()
    assert SECRET not in repr(on_spark_inputs.params.sources())
    check_inputs(remote)   # the customer count is checked in the engine


def test_params_spark_block_needs_engine_spark() -> None:
    """A spark block with engine duckdb is a typo caught by the parameter file, not ignored."""
    with pytest.raises(Exception, match="engine: spark"):
        demo_params(Path("."), spark={"master": "local[2]"})


# --- at scale: patterns collapsed in Spark, chunked scoring -------------------------------------


@pytest.mark.parametrize("freq", ["D", "W"])
def test_patterns_collapsed_in_spark_equal_pandas_collapse(cdnow_spark: ir.Table, cdnow: pd.DataFrame,
                                                           freq: str) -> None:
    """CDNOW (FHL 2005): Spark's (x, t_x, T) pattern counts equal patterns.collapse of the in-process
    summary, and the BG/NBD fitted on them is the paper's (r 0.243, alpha 4.414, a 0.793, b 2.426)."""
    remote = customer_patterns(cdnow_spark, observation_end=OBS, freq=freq)
    s = customer_summary(cdnow, observation_end=OBS, freq=freq)
    (x, tx, big_t), w = collapse(*(s[c].to_numpy(np.float64) for c in ("frequency", "recency", "T")))
    local = pd.DataFrame({"frequency": x.astype("int64"), "recency": tx, "T": big_t, "n_customers": w.astype("int64")}
                         ).sort_values(["frequency", "recency", "T"], ignore_index=True)
    pd.testing.assert_frame_equal(remote, local, check_exact=False, rtol=1e-12)
    assert remote["n_customers"].sum() == 2357
    if freq == "W":
        fit = fit_bgnbd_patterns(remote)
        assert fit.params == pytest.approx(fit_bgnbd(s).params, rel=1e-6)
        assert fit.params["r"] == pytest.approx(0.243, abs=5e-4)


def test_chunked_scoring_of_spark_batches_equals_unchunked(spark: SparkSession, cdnow: pd.DataFrame) -> None:
    """CLV and P(alive) of per-customer rows streamed from Spark (toLocalIterator, batches of 500)
    equal clv() on all customers at once (CDNOW, FHL 2005 calibration period)."""
    s = customer_summary(cdnow, observation_end=OBS)
    bg, gg = fit_bgnbd(s), fit_gamma_gamma(s)
    whole = clv(bg, gg, s)
    rows = spark.createDataFrame(s[["frequency", "recency", "T", "monetary_value"]].reset_index()).toLocalIterator()
    batches = (pd.DataFrame([r.asDict() for r in chunk]).set_index("customer_id")
               for chunk in iter(lambda: list(itertools.islice(rows, 500)), []))
    parts = list(score_chunks(bg, gg, batches))
    assert len(parts) >= 5
    pd.testing.assert_frame_equal(pd.concat(parts).sort_index(), whole, check_exact=False, rtol=1e-12)


def test_params_engine_spark_reads_a_table_name(spark: SparkSession, demo_folder: Path) -> None:
    """path: a table (view) name in Spark's catalog instead of a file; the same summaries."""
    tx = pd.read_csv(demo_folder / "transactions.csv", parse_dates=["order_date"])
    spark.createDataFrame(pa.Table.from_pandas(tx, preserve_index=False)).createOrReplaceTempView("demo_orders")
    remote = load_inputs(demo_params(demo_folder, engine="spark", path="demo_orders"), "02_customer_value")
    kw = dict(customer="account_id", date="order_date", order_id="order_id", observation_end="2025-06-29")
    got = remote.transactions.summary(observation_end="2025-06-29", order_id="order_id")
    want = customer_summary(tx, **kw)
    pd.testing.assert_frame_equal(got, want, check_exact=False, rtol=1e-12, check_names=False)


# --- notebook 03 on Spark: lifecycle inputs aggregated in the engine ------------------------------


def lifecycle_parts(tx, as_of: str, at: tuple[str, str], **columns) -> dict[str, pd.DataFrame | pd.Series]:
    """Everything the account review reads from order lines, for one source (frame or table)."""
    return {"windows": purchase_windows(tx, **columns), "stages": lifecycle_stage(tx, **columns),
            "stages_30d": lifecycle_stage(tx, **columns, as_of=as_of, window=30,
                                          thresholds=LifecycleThresholds(n_windows=6)),
            "active": active_period_share(tx, **columns), "transitions": stage_transitions(tx, **columns, at=at)}


@pytest.mark.parametrize("data", ["demo edge rows", "cdnow"])
def test_lifecycle_in_spark_equals_pandas(demo_spark: ir.Table, demo_tx: pd.DataFrame, cdnow_spark: ir.Table,
                                          cdnow: pd.DataFrame, data: str) -> None:
    """Lifecycle windows, stages (default and a 30-day rule with 6 windows), active-window shares
    and transitions computed by Spark equal the pandas ones, on the demo with returns, $0 orders,
    duplicates and nulls, and on CDNOW (FHL 2005 sample): counts exact, values to 1e-12."""
    if data == "cdnow":
        kw = dict(as_of="1997-12-31", at=("1997-06-30", "1998-03-31"))
        on_spark, local = lifecycle_parts(cdnow_spark, **kw), lifecycle_parts(cdnow, **kw)
    else:
        kw = dict(as_of="2025-03-31", at=("2025-01-01", "2025-12-01"), customer="account_id", date="order_date")
        on_spark, local = lifecycle_parts(demo_spark, **kw), lifecycle_parts(demo_tx, **kw)
    for name, frame in local.items():
        check = pd.testing.assert_series_equal if isinstance(frame, pd.Series) else pd.testing.assert_frame_equal
        check(on_spark[name], frame, check_exact=False, rtol=1e-12, atol=1e-9, check_index_type=False)
        assert on_spark[name].attrs == frame.attrs
    assert local["stages"]["stage"].nunique() >= 3 and local["transitions"].to_numpy().sum() > 0


def review_params(folder: Path, **transactions) -> Params:
    return Params.model_validate({
        "title": "t", "notebooks": ["03_account_review"], "base_dir": str(folder),
        "data": {"survey": "survey.csv", "codebook": "codebook.yaml", "accounts": "accounts.csv", "transactions": {
            "path": "transactions.csv", "customer": "account_id", "date": "order_date",
            "order_id": "order_id", **transactions}},
        "value": {"observation_end": "2025-06-29", "holdout_end": "2025-12-28"},
        "model": {"bootstrap": 0, "cbsem": False},
        "review": {"key_weights": {"purchase_volume": 0.5, "price_sensitivity": 0.5},
                   "key_directions": {"price_sensitivity": "lower"}, "margin_column": "high_margin_share",
                   "margin_cuts": [0.3, 0.4]}})


def account_review(params: Params):
    """Notebook 03's calls (load_inputs, analyse_value, analyse_accounts) and the seconds they took."""
    from kamreport.review import analyse_accounts
    from kamreport.satisfaction.analysis import model_spec

    started = time.perf_counter()
    inputs = load_inputs(params, "03_account_review")
    v, opt = params.value, params.review
    value = analyse_value(inputs.transactions, observation_end=v.observation_end, holdout_end=v.holdout_end,
                          freq=v.freq, accounts=inputs.accounts, order_id="order_id")
    spec = model_spec(inputs.codebook, preset=params.model.preset)
    review = analyse_accounts(inputs.survey, inputs.codebook, spec, value, inputs.transactions,
                              accounts=inputs.accounts, key_weights=opt.key_weights,
                              key_directions=opt.key_directions, margin_column=opt.margin_column,
                              margin_cuts=opt.margin_cuts, window=opt.window, segment="region")
    return inputs, review, time.perf_counter() - started


@pytest.mark.parametrize("options", [{}, {"pseudonymize": True}])
def test_account_review_on_spark_equals_duckdb(spark: SparkSession, demo_folder: Path, options: dict,
                                               monkeypatch) -> None:
    """analyse_accounts with engine: spark (RemoteTransactions: lifecycle, transitions and active
    shares aggregated by Spark) equals the in-process review of the same demo, with pseudonyms too."""
    monkeypatch.setenv("KAMREPORT_PSEUDONYM_KEY", "k" * 32)
    remote_inputs, on_spark, _ = account_review(
        review_params(demo_folder, engine="spark", spark={"master": "local[2]"}).model_copy(update=options))
    assert isinstance(remote_inputs.transactions, RemoteTransactions)
    _, local, _ = account_review(review_params(demo_folder).model_copy(update=options))
    for name in ("lifecycle", "transitions", "loyalty_inputs", "cards", "grid"):
        pd.testing.assert_frame_equal(getattr(on_spark, name), getattr(local, name), check_exact=False,
                                      rtol=1e-9, check_index_type=False)
    pd.testing.assert_series_equal(on_spark.loyalty, local.loyalty, check_index_type=False)
    assert on_spark.skipped == local.skipped
    if options:
        assert all(str(c).startswith("ACC-") for c in on_spark.lifecycle.index)


def test_remote_clv_on_spark_equals_in_process(cdnow_spark: ir.Table, cdnow: pd.DataFrame) -> None:
    """CDNOW (FHL 2005): BG/NBD on patterns collapsed by Spark, Gamma-Gamma on the repeaters' (x, m)
    and scores streamed from Spark's cached hash buckets equal fit_bgnbd / fit_gamma_gamma / clv()
    on the in-process summary to 1e-6 (measured: ~1e-12); ids renamed as for pseudonyms."""
    s = customer_summary(cdnow, observation_end=OBS)
    bg, gg = fit_bgnbd(s), fit_gamma_gamma(s)
    remote = RemoteTransactions(cdnow_spark, "cdnow", rename=lambda v: f"C{int(v):05d}")
    out = remote_clv(remote, observation_end=OBS)
    assert out.bgnbd.params == pytest.approx(bg.params, rel=1e-6)
    assert out.gamma_gamma.params == pytest.approx(gg.params, rel=1e-6)
    parts = list(out.scores(batch_rows=500))
    assert len(parts) >= 4 and max(len(p) for p in parts) < 1000   # hash buckets of about 500
    want = clv(bg, gg, s).set_axis(pd.Index([f"C{v:05d}" for v in s.index], name="customer_id"))
    pd.testing.assert_frame_equal(pd.concat(parts).sort_index(), want, check_exact=False, rtol=1e-6)


@pytest.mark.slow
def test_kamreport_run_notebook_03_on_spark(demo_folder: Path, tmp_path: Path, monkeypatch) -> None:
    """`kamreport run` executes notebook 03 against Spark (its kernel starts its own local[2]) and
    writes the report; one notebook execution."""
    import json

    import kamreport

    # the kernel imports this checkout's package (not another editable install of the venv)
    monkeypatch.setenv("PYTHONPATH", str(Path(kamreport.__file__).resolve().parents[1]))

    import yaml
    from typer.testing import CliRunner

    from kamreport.cli import app

    params = review_params(demo_folder, engine="spark", spark={"master": "local[2]", "conf": {
        "spark.ui.enabled": False, "spark.sql.shuffle.partitions": 2, "spark.driver.host": "127.0.0.1",
        "spark.driver.bindAddress": "127.0.0.1"}}).model_dump(mode="json", exclude_unset=True)
    data = params["data"]
    for role in ("survey", "codebook", "accounts"):
        data[role] = str(demo_folder / data[role])
    data["transactions"]["path"] = str(demo_folder / data["transactions"]["path"])
    params["output"] = {"formats": ["html"], "dir": str(tmp_path / "out")}
    path = tmp_path / "spark.yaml"
    path.write_text(yaml.safe_dump(params, allow_unicode=True), encoding="utf-8")
    result = CliRunner().invoke(app, ["run", str(path), "--run-id", "r1"])
    assert result.exit_code == 0, result.output
    manifest = json.loads((tmp_path / "out" / "r1" / "manifest.json").read_text(encoding="utf-8"))
    assert [r["status"] for r in manifest["reports"]] == ["ok"]
    html = next((tmp_path / "out" / "r1").glob("*03_account_review*.html")).read_text(encoding="utf-8")
    assert "Traceback" not in html
