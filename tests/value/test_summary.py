"""customer_summary: CDNOW reference counts, a straightforward pandas reference, every input form.

References: CDNOW 1/10th sample and its calibration period (Fader, Hardie & Lee 2005, Marketing
Science 24(2); ../shared/reference/cdnow/README.md): 2,357 customers, 946 with a repeat purchase
by 1997-09-30. The pandas reference below is written independently of the ibis expression.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import hypothesis.strategies as st
import ibis
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings

from kamreport.errors import InputError
from kamreport.value import customer_summary

UNIT = {"D": 1.0, "W": 7.0, "M": 365.25 / 12}


def reference_summary(df: pd.DataFrame, obs: str | None = None, hold: str | None = None,
                      freq: str = "W", returns: str = "net",
                      order_id: str | None = None) -> tuple[pd.DataFrame, dict[str, int]]:
    """The documented rules, step by step in plain pandas (no ibis, no SQL)."""
    unit = UNIT[freq]
    valid = df.dropna(subset=["customer_id", "date", "amount"]).copy()
    valid["day"] = valid["date"].dt.normalize()
    obs_day = pd.Timestamp(obs) if obs is not None else valid["day"].max()
    diag = {"rows_total": len(df), "rows_null_dropped": len(df) - len(valid),
            "rows_negative": int((valid["amount"] < 0).sum()),
            "rows_zero_amount": int((valid["amount"] == 0).sum()),
            "rows_after_observation_end": int((valid["day"] > obs_day).sum())}
    if hold is not None:
        diag["rows_after_holdout_end"] = int((valid["day"] > pd.Timestamp(hold)).sum())
    if order_id is not None:
        deduped = valid.drop_duplicates(subset=["customer_id", "day", "amount", order_id])
        diag["duplicate_rows_dropped"] = len(valid) - len(deduped)
        valid = deduped
    if returns == "drop":
        valid = valid[valid["amount"] >= 0]
    valid = valid.assign(sale=valid["amount"] >= 0)
    valid["order"] = valid[order_id].where(valid["sale"]) if order_id else valid["sale"]
    days = valid.groupby(["customer_id", "day"]).agg(
        value=("amount", "sum"), sales=("sale", "sum"),
        n_orders=("order", "nunique" if order_id else "sum")).reset_index()
    buy = days[days["sales"] > 0]
    diag["customers_without_purchase"] = days["customer_id"].nunique() - buy["customer_id"].nunique()
    calib = days[days["day"] <= obs_day]
    calib_buy = calib[calib["sales"] > 0].sort_values(["customer_id", "day"])
    diag["customers_first_purchase_after_observation_end"] = (
        buy["customer_id"].nunique() - calib_buy["customer_id"].nunique())
    diag["purchase_days_zero_value"] = int((buy["value"] == 0).sum())
    diag["purchase_days_negative_value"] = int((buy["value"] < 0).sum())
    diag["days_return_only"] = int((days["sales"] == 0).sum())
    g = calib_buy.groupby("customer_id")
    first, last = g["day"].min(), g["day"].max()
    frequency = g.size() - 1
    repeat = g["value"].sum() - g["value"].first()
    tenure = (obs_day - first).dt.days
    out = pd.DataFrame({
        "frequency": frequency,
        "recency": (last - first).dt.days / unit,
        "T": tenure / unit,
        "monetary_value": (repeat / frequency.where(frequency > 0)).fillna(0.0),
        "total_revenue": calib.groupby("customer_id")["value"].sum().reindex(first.index),
        "n_orders": calib.groupby("customer_id")["n_orders"].sum().reindex(first.index),
        "first_date": first, "last_date": last, "tenure": tenure})
    if hold is not None:
        window = days[(days["day"] > obs_day) & (days["day"] <= pd.Timestamp(hold))]
        wg = window.groupby("customer_id")
        out["holdout_frequency"] = (wg["sales"].apply(lambda s: int((s > 0).sum()))
                                    .reindex(out.index).fillna(0))
        out["holdout_revenue"] = wg["value"].sum().reindex(out.index).fillna(0.0)
        out["holdout_T"] = (pd.Timestamp(hold) - obs_day).days / unit
    diag["customers"] = len(out)
    return out, diag


def assert_matches(got: pd.DataFrame, want: pd.DataFrame, want_diag: dict[str, int]) -> None:
    assert list(got.columns) == list(want.columns)
    assert got.index.tolist() == want.index.tolist()
    for col in want.columns:
        g, w = got[col], want[col]
        if col.endswith("_date"):
            assert (pd.to_datetime(g) == pd.to_datetime(w)).all(), col
        else:
            np.testing.assert_allclose(g.to_numpy(float), w.to_numpy(float), rtol=1e-9,
                                       atol=1e-9, err_msg=col)
    assert got.attrs["diagnostics"] == want_diag


# --- CDNOW ---------------------------------------------------------------------------------------

def test_cdnow_counts_and_reference(cdnow: pd.DataFrame) -> None:
    """CDNOW (Fader, Hardie & Lee 2005): 2,357 customers, 946 repeaters at 1997-09-30."""
    s = customer_summary(cdnow, observation_end="1997-09-30", holdout_end="1998-06-30")
    assert len(s) == 2357
    assert int((s["frequency"] > 0).sum()) == 946
    assert s["T"].between(0, 39).all() and s["holdout_T"].eq(39.0).all()
    want, diag = reference_summary(cdnow, "1997-09-30", "1998-06-30", "W")
    assert_matches(s, want, diag)
    assert diag["rows_zero_amount"] == 8 and diag["purchase_days_zero_value"] == 8


@pytest.mark.parametrize("freq", ["D", "M"])
def test_cdnow_units(cdnow: pd.DataFrame, freq: str) -> None:
    """Day and month units: the same day counts divided by 1 and by 365.25 / 12."""
    s = customer_summary(cdnow, observation_end="1997-09-30", freq=freq)
    weeks = customer_summary(cdnow, observation_end="1997-09-30", freq="W")
    ratio = 7.0 / UNIT[freq]
    np.testing.assert_allclose(s["recency"], weeks["recency"] * ratio, rtol=1e-12)
    np.testing.assert_allclose(s["T"], weeks["T"] * ratio, rtol=1e-12)
    np.testing.assert_array_equal(s["tenure"], weeks["tenure"])


# --- property: ibis == pandas reference on random small logs -----------------------------------

rows = st.lists(st.tuples(
    st.one_of(st.none(), st.integers(1, 5)),
    st.integers(0, 40),
    st.integers(0, 23),
    st.one_of(st.none(), st.sampled_from([-20.0, -5.5, 0.0]), st.integers(1, 5000).map(lambda c: c / 100)),
    st.integers(0, 6),
), min_size=1, max_size=40)


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=rows, obs=st.one_of(st.none(), st.integers(0, 40)), hold=st.integers(1, 20),
       freq=st.sampled_from(["D", "W", "M"]), returns=st.sampled_from(["net", "drop"]),
       with_orders=st.booleans(), with_holdout=st.booleans())
def test_property_matches_pandas_reference(rows, obs, hold, freq, returns, with_orders,
                                           with_holdout) -> None:
    """Random logs with nulls, returns, $0, same-day and duplicated orders: row for row."""
    start = pd.Timestamp("2021-03-01")
    df = pd.DataFrame(rows, columns=["customer_id", "day", "hour", "amount", "order_id"])
    df["date"] = start + pd.to_timedelta(df["day"], unit="D") + pd.to_timedelta(df["hour"], unit="h")
    df = df[["customer_id", "date", "amount", "order_id"]].astype({"amount": "float64"})
    valid = df.dropna(subset=["customer_id", "amount"])
    if valid.empty:
        with pytest.raises(InputError, match="no row with customer, date and amount"):
            customer_summary(df)
        return
    obs_str = None if obs is None else str((start + pd.Timedelta(days=obs)).date())
    obs_day = pd.Timestamp(obs_str) if obs_str else valid["date"].dt.normalize().max()
    hold_str = str((obs_day + pd.Timedelta(days=hold)).date()) if with_holdout else None
    order = "order_id" if with_orders else None
    got = customer_summary(df, observation_end=obs_str, holdout_end=hold_str, freq=freq,
                           returns=returns, order_id=order)
    want, diag = reference_summary(df, obs_str, hold_str, freq, returns, order)
    assert_matches(got, want, diag)
    # invariants of the conventions
    assert (got["recency"] <= got["T"] + 1e-12).all()
    assert (got.loc[got["frequency"] == 0, ["recency", "monetary_value"]] == 0).all().all()
    assert (got["n_orders"] >= got["frequency"] + 1).all()


# --- input forms ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def small(cdnow: pd.DataFrame) -> pd.DataFrame:
    return cdnow[cdnow["customer_id"] <= 300][["customer_id", "date", "amount"]].reset_index(drop=True)


def _same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=1e-12, check_index_type=False)
    assert a.attrs["diagnostics"] == b.attrs["diagnostics"]


def test_files_duckdb_ibis_and_text_dates_agree(small: pd.DataFrame, tmp_path: Path) -> None:
    """CSV, Parquet, DuckDB file, ibis table and ISO text dates give the frame's result."""
    base = customer_summary(small, observation_end="1997-09-30")
    small.to_parquet(tmp_path / "tx.parquet")
    small.to_csv(tmp_path / "tx.csv", index=False)
    with duckdb.connect(str(tmp_path / "tx.duckdb")) as db:  # ibis 12 create_table trips on
        db.execute("CREATE TABLE orders AS SELECT * FROM small")  # DuckDB 2.0: use duckdb
    text = small.assign(date=small["date"].dt.strftime("%Y-%m-%d"))
    for tx, kw in [(tmp_path / "tx.parquet", {}), (str(tmp_path / "tx.csv"), {}),
                   (tmp_path / "tx.duckdb", {"table": "orders"}), (ibis.memtable(small), {}),
                   (text, {})]:
        _same(customer_summary(tx, observation_end="1997-09-30", **kw), base)


def test_gbk_and_semicolon_csv_read_like_read_transactions(small: pd.DataFrame, tmp_path: Path) -> None:
    """A GBK-encoded, semicolon-delimited export with Chinese headers and ids (what Chinese Excel
    saves) gives the same summary in the engine as through read_transactions, and leaves no copy."""
    import tempfile

    from kamreport.data import read_transactions

    chinese = small.assign(customer_id="客户" + small["customer_id"].astype(str),
                           date=small["date"].dt.strftime("%Y-%m-%d"))
    chinese = chinese.rename(columns={"customer_id": "客户编号", "date": "下单日期", "amount": "金额"})
    path = tmp_path / "订单.csv"
    chinese.to_csv(path, index=False, sep=";", encoding="gbk")
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")
    before = set(Path(tempfile.gettempdir()).glob("kamreport-*.utf8.csv"))
    direct = customer_summary(path, customer="客户编号", date="下单日期", amount="金额",
                              observation_end="1997-09-30")
    assert set(Path(tempfile.gettempdir()).glob("kamreport-*.utf8.csv")) == before
    via_pandas = customer_summary(read_transactions(path, customer="客户编号", date="下单日期", amount="金额"),
                                  observation_end="1997-09-30")
    assert direct.index[0].startswith("客户")
    _same(direct.rename_axis("customer_id"), via_pandas)
    plain = customer_summary(small.assign(customer_id=small["customer_id"].astype(str)),
                             observation_end="1997-09-30")
    _same(via_pandas.set_axis(via_pandas.index.str.removeprefix("客户")).loc[plain.index], plain)


def test_user_connection_and_table_name(small: pd.DataFrame) -> None:
    """A configured DuckDB connection (memory_limit, threads) and a table name in it."""
    con = ibis.duckdb.connect(memory_limit="256MB", threads=1)
    con.con.register("frame", small)
    con.raw_sql("CREATE TABLE orders AS SELECT * FROM frame")
    _same(customer_summary("orders", con=con, observation_end="1997-09-30"),
          customer_summary(small, observation_end="1997-09-30"))
    assert con.table("orders").count().execute() == len(small)  # the caller's con stays open


def test_other_column_names(small: pd.DataFrame) -> None:
    renamed = small.rename(columns={"customer_id": "account", "date": "day", "amount": "value"})
    s = customer_summary(renamed, customer="account", date="day", amount="value")
    assert s.index.name == "account"
    _same(s.rename_axis("customer_id"), customer_summary(small))


# --- rules and errors ----------------------------------------------------------------------------

def test_rules_on_a_hand_made_log() -> None:
    """Each rule once, counted: nulls, duplicates, returns, $0, late first purchase, return-only."""
    df = pd.DataFrame({
        "customer_id": [1, 1, 1, 1, 1, 2, 2, 3, 4, None, 5],
        "date": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-01-08", "2024-01-08",
                                "2024-01-15", "2024-01-02", "2024-01-02", "2024-02-01",
                                "2024-01-03", "2024-01-04", "2024-01-05"]),
        "amount": [10.0, 10.0, 30.0, -5.0, 0.0, 8.0, 8.0, 7.0, -4.0, 1.0, np.nan],
        "order_id": [1, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    })
    s = customer_summary(df, observation_end="2024-01-31", holdout_end="2024-02-29",
                         order_id="order_id", freq="D")
    assert s.index.tolist() == [1, 2]
    c1 = s.loc[1]
    # day 1: 10 (duplicate row dropped); day 8: 30 - 5 (net); day 15: a $0 order
    assert c1["frequency"] == 2 and c1["recency"] == 14 and c1["T"] == 30
    assert c1["monetary_value"] == pytest.approx((25 + 0) / 2)
    assert c1["total_revenue"] == pytest.approx(35) and c1["n_orders"] == 3
    assert s.loc[2, "frequency"] == 0 and s.loc[2, "total_revenue"] == 16  # two orders, one day
    d = s.attrs["diagnostics"]
    assert d == {"rows_total": 11, "rows_null_dropped": 2, "rows_negative": 2,
                 "rows_zero_amount": 1, "rows_after_observation_end": 1,
                 "rows_after_holdout_end": 0, "duplicate_rows_dropped": 1,
                 "customers_without_purchase": 1, "customers_first_purchase_after_observation_end": 1,
                 "purchase_days_zero_value": 1, "purchase_days_negative_value": 0,
                 "days_return_only": 1, "customers": 2}
    dropped = customer_summary(df, observation_end="2024-01-31", returns="drop", freq="D")
    assert dropped.loc[1, "total_revenue"] == pytest.approx(50)  # 10 + 10 + 30 + 0, no order_id
    with pytest.raises(InputError, match=r"2 negative amounts in 'amount' \(first: customer"):
        customer_summary(df, returns="error")


def test_bad_column_is_one_line_naming_source_column_and_fix(small: pd.DataFrame,
                                                             tmp_path: Path) -> None:
    small.to_parquet(tmp_path / "tx.parquet")
    with pytest.raises(InputError) as err:
        customer_summary(tmp_path / "tx.parquet", customer="client")
    msg = str(err.value)
    assert "\n" not in msg and "tx.parquet" in msg and "'client'" in msg
    assert "available: customer_id, date, amount" in msg and "fix: pass customer=" in msg


@pytest.mark.parametrize("kwargs, pattern", [
    ({"freq": "Q"}, "freq='Q'"),
    ({"returns": "keep"}, "returns='keep'"),
    ({"observation_end": "not a date"}, "observation_end='not a date' is not a date"),
    ({"observation_end": "1997-09-30", "holdout_end": "1997-09-01"}, "holdout_end .* not after"),
])
def test_bad_parameters(small: pd.DataFrame, kwargs: dict, pattern: str) -> None:
    with pytest.raises(InputError, match=pattern):
        customer_summary(small, **kwargs)


def test_bad_types_and_sources(small: pd.DataFrame, tmp_path: Path) -> None:
    as_int = small.assign(date=small["date"].dt.strftime("%Y%m%d").astype(int))
    with pytest.raises(InputError, match="has type int64, not a date"):
        customer_summary(as_int)
    with pytest.raises(InputError, match="not a number"):
        customer_summary(small.assign(amount=small["amount"].astype(str)))
    with pytest.raises(InputError, match="the duckdb engine failed"):
        customer_summary(small.assign(date="yesterday"))
    with pytest.raises(InputError, match="file not found"):
        customer_summary(tmp_path / "missing.parquet")
    with pytest.raises(InputError, match="no table= given"):
        customer_summary("postgresql://user:secret@localhost:1/db")
    with pytest.raises(InputError, match="tx has type list"):
        customer_summary([1, 2, 3])
