"""customer_summary pushed down into a real PostgreSQL 15 server equals the DuckDB/Parquet result.

Reference: the same function run by DuckDB on a Parquet copy of the same rows (DuckDB 2.0.1,
PostgreSQL 15, ibis 12); row for row, floats to 1e-9 relative (sums in another order).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import psycopg
import pytest
import sqlglot
import sqlglot.expressions as exp

from kamreport.value import customer_summary

pytestmark = pytest.mark.postgres


def _generated(n: int = 50_000, seed: int = 7) -> pd.DataFrame:
    """~50k rows with returns, $0 orders, nulls, multi-line and duplicated orders."""
    rng = np.random.default_rng(seed)
    customers = rng.integers(1, 4_001, n)
    days = pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 730, n), unit="D")
    amount = np.round(rng.gamma(2.0, 25.0, n), 2)
    amount[rng.random(n) < 0.04] *= -1
    amount[rng.random(n) < 0.01] = 0.0
    df = pd.DataFrame({"customer_id": customers, "date": days, "amount": amount,
                       "order_id": rng.integers(0, n // 2, n)})
    df.loc[rng.random(n) < 0.003, "amount"] = np.nan
    dup = df.sample(frac=0.02, random_state=seed)
    return pd.concat([df, dup], ignore_index=True)


def _load(url: str, name: str, df: pd.DataFrame) -> None:
    """CREATE TABLE + COPY (psycopg 3) of customer_id, date, amount[, order_id]."""
    cols = {"customer_id": "bigint", "date": "date", "amount": "double precision",
            "order_id": "bigint"}
    use = [c for c in cols if c in df.columns]
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"DROP TABLE IF EXISTS {name}")
        conn.execute(f"CREATE TABLE {name} ({', '.join(f'{c} {cols[c]}' for c in use)})")
        with conn.cursor().copy(f"COPY {name} ({', '.join(use)}) FROM STDIN") as copy:
            for row in df[use].itertuples(index=False):
                copy.write_row([None if pd.isna(v) else (v.date() if isinstance(v, pd.Timestamp)
                                                         else v) for v in row])


@pytest.fixture(scope="module")
def loaded(postgres, cdnow: pd.DataFrame, tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("pg-parquet")
    sets = {"cdnow": cdnow[["customer_id", "date", "amount"]], "generated": _generated()}
    paths = {}
    for name, df in sets.items():
        _load(postgres.url, name, df)
        paths[name] = folder / f"{name}.parquet"
        df.to_parquet(paths[name])
    return paths


def _outer_select_is_aggregate(sql: str) -> bool:
    """True when the outermost SELECT groups or only aggregates: it cannot return raw rows."""
    tree = sqlglot.parse_one(sql, read="postgres")
    select = tree if isinstance(tree, exp.Select) else tree.find(exp.Select)
    if select.args.get("group"):
        return True
    return all(e.find(exp.AggFunc) is not None for e in select.expressions)


def _assert_same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=1e-9, atol=1e-9,
                                  check_index_type=False, check_dtype=False)
    assert a.attrs["diagnostics"] == b.attrs["diagnostics"]


def test_cdnow_in_postgres_equals_parquet(postgres, loaded) -> None:
    """CDNOW (Fader, Hardie & Lee 2005 sample): 2,357 customers, 946 repeaters, both engines."""
    args = dict(observation_end="1997-09-30", holdout_end="1998-06-30", freq="W")
    in_pg = customer_summary(postgres.url, table="cdnow", **args)
    in_duck = customer_summary(loaded["cdnow"], **args)
    assert in_pg.attrs["engine"] == "postgres" and in_duck.attrs["engine"] == "duckdb"
    assert len(in_pg) == 2357 and int((in_pg["frequency"] > 0).sum()) == 946
    _assert_same(in_pg, in_duck)


@pytest.mark.parametrize("returns", ["net", "drop"])
def test_generated_in_postgres_equals_parquet(postgres, loaded, returns: str) -> None:
    """50k generated rows with returns, $0, nulls and duplicate order lines: same rules, same rows."""
    args = dict(observation_end="2021-06-30", holdout_end="2021-10-31", freq="M",
                order_id="order_id", returns=returns)
    in_pg = customer_summary(postgres.url, table="generated", **args)
    in_duck = customer_summary(loaded["generated"], **args)
    diag = in_pg.attrs["diagnostics"]
    assert diag["rows_null_dropped"] > 0 and diag["duplicate_rows_dropped"] > 0
    assert diag["rows_negative"] > 0 and diag["rows_after_holdout_end"] > 0
    _assert_same(in_pg, in_duck)


def test_raw_rows_stay_in_the_server(postgres, loaded) -> None:
    """Every query sent is an aggregate (compiled SQL and the server's own statement log)."""
    start = postgres.log.stat().st_size
    s = customer_summary(postgres.url, table="generated", observation_end="2021-06-30",
                         order_id="order_id")
    assert len(s.attrs["sql"]) == 3  # row counts, distinct count, per-customer aggregate
    assert all(_outer_select_is_aggregate(q) for q in s.attrs["sql"])
    with postgres.log.open(encoding="utf-8", errors="replace") as fh:
        fh.seek(start)
        logged = fh.read()
    entries = re.split(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d[.\d]* \S+ \[\d+\] ", logged,
                       flags=re.MULTILINE)
    statements = [e.split("statement: ", 1)[1] for e in entries
                  if e.startswith("LOG:  statement: ") and '"generated"' in e]
    selects = [q for q in statements if q.lstrip().upper().startswith("SELECT")]
    assert len(selects) >= 3, "the server log shows fewer queries than were sent"
    for statement in statements:
        assert _outer_select_is_aggregate(statement), statement[:200]
    # the check itself can fail: a plain scan is not an aggregate
    assert not _outer_select_is_aggregate('SELECT * FROM "generated"')


def test_postgres_bad_column_names_the_table(postgres, loaded) -> None:
    from kamreport.errors import InputError

    with pytest.raises(InputError, match=r"table cdnow: column 'amt' \(amount=\) not found"):
        customer_summary(postgres.url, table="cdnow", amount="amt")
