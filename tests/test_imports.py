"""What every report pays before its first result: the modules its first cell imports.

A report's kernel imports ``kamreport.inputs`` and ``kamreport.report.notebook``; those must not
pull in what only some reports use (the transaction engines ibis/DuckDB, scipy.stats, Spark),
nor let pandera import pandas-on-Spark (issue 11: the per-report fixed cost)."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys

import pytest

HEAVY = ("ibis", "duckdb", "scipy.stats", "pyspark", "scipy.optimize", "statsmodels", "sklearn", "semopy",
         "pingouin", "jieba")


def _loaded_after(code: str) -> set[str]:
    probe = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


def test_a_report_start_imports_nothing_it_may_not_need():
    loaded = _loaded_after("import kamreport.inputs, kamreport.report.notebook, kamreport.satisfaction.pls")
    assert "pandera" in loaded and "pandas" in loaded and "matplotlib.pyplot" in loaded
    assert not [m for m in HEAVY if m in loaded]
    assert "nbformat" not in loaded      # the workbook's reader of notebooks is for the parent (0.15 s)


@pytest.mark.skipif(importlib.util.find_spec("pyspark") is None, reason="pyspark is not installed")
def test_pandas_on_spark_imports_after_pandera_as_without_it():
    """The same outcome as in a process without kamreport (with pandas 3, pyspark 4.0's
    pandas-on-Spark fails to import either way: pandera's probe paid 0.4 s for nothing)."""
    def outcome(code: str) -> str:
        probe = f"{code}\ntry:\n    import pyspark.pandas\n    print('ok')\nexcept Exception as e:\n    print(type(e).__name__, e)"
        return subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True).stdout.strip()

    assert outcome("import kamreport.data.schemas") == outcome("pass")


def test_the_public_data_names_resolve_lazily():
    import kamreport.data as data

    assert {"Codebook", "read_survey", "read_transactions"} <= set(dir(data))
    from kamreport.data import Codebook, read_survey, read_transactions  # noqa: F401
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        data.nothing  # noqa: B018


def test_checking_a_batch_imports_no_analysis_library(tmp_path):
    """`kamreport run` checks every parameter set in its own process before the reports' kernels
    run them: reading and checking the inputs (model included) needs no scipy.stats, pingouin,
    semopy or matplotlib (1.7 s of imports on the demo that only slowed the batch's start)."""
    from kamreport.data.demo import write_demo_data

    write_demo_data(tmp_path / "data", n_accounts=60, n_respondents=300)
    params = tmp_path / "p.yaml"
    params.write_text("title: t\ndata:\n  survey: data/survey.csv\n  codebook: data/codebook.yaml\n"
                      "notebooks: [01_satisfaction]\n", encoding="utf-8")
    loaded = _loaded_after("from kamreport.report.batch import check, gather_params\n"
                           f"ready, refused = check(gather_params([{str(params)!r}])[0])\n"
                           "assert ready and not refused, refused")
    assert not [m for m in (*HEAVY, "matplotlib.pyplot") if m in loaded and m not in ("duckdb", "ibis")]
