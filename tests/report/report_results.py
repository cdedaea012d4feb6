"""Small hand-made result objects for the report layer's tests: every number is known, so the
tests can assert that a sentence says exactly it (and nothing typed into presentation code)."""

from __future__ import annotations

import re
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
import yaml
from matplotlib.text import Text

TIERS = ["VIP", "Key", "Ordinary", "Small"]
#: The top-20 % share the "analysis" computed; the Lorenz curve below interpolates to 0.5 at
#: 0.2, so a chart that re-interpolated would show 50 % instead of 73 %.
TOP20 = 0.7312
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def profile() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "n_customers": [2, 8, 30, 160],
            "share_customers": [0.01, 0.04, 0.15, 0.80],
            "revenue": [150_000.0, 240_000.0, 330_000.0, 280_000.0],
            "share_revenue": [0.15, 0.24, 0.33, 0.28],
            "mean_order_value": [1_500.0, 1_200.0, 1_100.0, 900.0],
            "mean_frequency": [20.5, 12.0, 6.5, 1.2],
            "mean_recency": [60.0, 50.0, 40.0, 10.0],
            "mean_time_since_last": [2.5, 4.0, 9.0, 30.0],
        },
        index=pd.Index(TIERS, name="tier"),
    )


def concentration() -> SimpleNamespace:
    lorenz = pd.DataFrame({"share_customers": [0.0, 0.8, 1.0], "share_value": [0.0, 0.5, 1.0]})
    return SimpleNamespace(
        lorenz=lorenz, gini=0.6543, top_shares=pd.Series({0.01: 0.15, 0.05: 0.39, 0.2: TOP20})
    )


def values(n: int = 40, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    tier = np.array(TIERS)[np.minimum(np.arange(n) // 10, 3)]
    clv = rng.gamma(2.0, 5_000.0, n)
    p_alive = rng.uniform(0, 1, n)
    frame = pd.DataFrame(
        {
            "tier": tier,
            "total_revenue": rng.gamma(2.0, 20_000.0, n),
            "frequency": rng.integers(0, 20, n),
            "p_alive": p_alive,
            "expected_purchases": rng.uniform(0, 10, n),
            "clv": clv,
            "account_name": [f"Account <{i}>" for i in range(n)],
            "region": rng.choice(["East", "West"], n),
        },
        index=pd.Index([f"A{i:03d}" for i in range(n)], name="customer_id"),
    )
    frame["at_risk"] = frame["tier"].isin(TIERS[:2]) & (frame["p_alive"] < 0.3)
    return frame


def holdout() -> pd.DataFrame:
    index = pd.Index(["0", "1", "2", "3+", "all"], name="frequency")
    return pd.DataFrame(
        {
            "n_customers": [50, 30, 15, 5, 100],
            "actual_mean": [0.2, 0.9, 1.8, 3.5, 0.75],
            "predicted_mean": [0.25, 0.8, 1.9, 3.0, 0.74],
            "actual_total": [10.0, 27, 27, 17.5, 81.5],
            "predicted_total": [12.5, 24, 28.5, 15, 80.0],
        },
        index=index,
    )


def rfm(n: int = 60, seed: int = 2) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "r_score": rng.integers(1, 6, n),
            "f_score": rng.integers(1, 6, n),
            "monetary_value": rng.gamma(2.0, 500.0, n),
            "segment": rng.choice(["important value", "general retention", "important win-back"], n),
        },
        index=pd.Index([f"A{i:03d}" for i in range(n)], name="customer_id"),
    )


def summary(freq: str = "W", n: int = 60) -> pd.DataFrame:
    out = pd.DataFrame(
        {"total_revenue": np.linspace(100.0, 10_000.0, n), "monetary_value": np.linspace(50, 500, n)},
        index=pd.Index([f"A{i:03d}" for i in range(n)], name="customer_id"),
    )
    out.attrs.update(
        freq=freq,
        diagnostics={
            "rows_total": 1234,
            "rows_negative": 12,
            "rows_zero_amount": 0,
            "customers": n,
            "engine": "duckdb",
        },
    )
    return out


def fit(params: dict[str, float]) -> SimpleNamespace:
    return SimpleNamespace(
        params=params,
        std_errors={k: v / 10 for k, v in params.items()},
        log_likelihood=-1234.5,
        n_customers=200,
    )


def value_analysis(
    *, months: int = 12, threshold: float = 0.3, freq: str = "W", clv: bool = True
) -> SimpleNamespace:
    """A ValueAnalysis-like object (the fields the report reads)."""
    vals = values()
    if not clv:
        vals = vals.drop(columns=["clv", "expected_purchases"])
    return SimpleNamespace(
        profile=profile(),
        concentration=concentration(),
        values=vals,
        months=months,
        at_risk_p_alive=threshold,
        holdout=holdout(),
        spend_model_error=None if clv else "monetary value and frequency are correlated",
        summary=summary(freq),
        rfm=rfm(),
        observation_end=pd.Timestamp("2025-06-29"),
        holdout_end=pd.Timestamp("2025-12-28"),
        bgnbd_calibration=fit({"r": 0.24, "alpha": 4.4, "a": 0.79, "b": 2.4}),
        bgnbd=fit({"r": 0.25, "alpha": 4.1, "a": 0.8, "b": 2.5}),
        gamma_gamma=fit({"p": 6.2, "q": 3.7, "v": 15.4}) if clv else None,
    )


def figure_text(fig) -> str:
    """Every text a figure shows (title, takeaway, axis and colorbar labels, annotations, ticks)."""
    texts = [t.get_text() for t in fig.findobj(Text)]
    for ax in fig.axes:
        texts += [ax.get_xlabel(), ax.get_ylabel(), ax.get_title(loc="left")]
    return "\n".join(t for t in texts if t)


BLOCKS = {
    "Image": "IMAG",
    "Expectation": "CUEX",
    "Quality": "PERQ",
    "Value": "PERV",
    "Satisfaction": "CUSA",
    "Complaints": "CUSCO",
    "Loyalty": "CUSL",
}


@pytest.fixture(scope="session")
def mobi_survey(tmp_path_factory, reference_dir):
    """mobi (Tenenhaus et al. 2005, 250 respondents) with a region and two waves, and its codebook
    (zh construct names marked 中 so that an English text showing one is caught)."""
    from kamreport.data.schemas import Codebook
    from kamreport.data.readers import read_survey

    root = tmp_path_factory.mktemp("mobi_words")
    df = pd.read_csv(reference_dir / "mobi" / "mobi.csv")
    rng = np.random.default_rng(3)
    df.insert(0, "respondent_id", [f"R{i:04d}" for i in range(len(df))])
    df.insert(1, "region", rng.choice(["East", "South", "North"], len(df)))
    df.insert(2, "wave", np.arange(len(df)) % 2 + 1)
    df.to_csv(root / "survey.csv", index=False)
    items = {
        c: {"construct": name} for name, prefix in BLOCKS.items() for c in df.columns if c.startswith(prefix)
    }
    codebook = {
        "name": "mobi",
        "respondent_id": "respondent_id",
        "scale": {"min": 1, "max": 10},
        "constructs": {c: {"zh": f"{c}中", "en": c} for c in BLOCKS},
        "items": items,
        "columns": {"region": "str", "wave": "int"},
    }
    (root / "codebook.yaml").write_text(
        yaml.safe_dump(codebook, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    cb = Codebook.from_file(root / "codebook.yaml")
    return read_survey(root / "survey.csv", cb), cb


@pytest.fixture(scope="session")
def sat_analysis(mobi_survey):
    """``sat_analysis(segment=..., wave=...)``: the real analysis of mobi (ECSI, 100 resamples), cached."""
    from kamreport.satisfaction.analysis import analyse_satisfaction

    survey, codebook = mobi_survey
    cache = {}

    def run(segment: str | None = "region", wave: str | None = "wave"):
        if (segment, wave) not in cache:
            cache[segment, wave] = analyse_satisfaction(
                survey, codebook, preset="ecsi", bootstrap=100, seed=1, segment=segment, wave=wave
            )
        return cache[segment, wave]

    return run
