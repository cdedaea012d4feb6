"""Notebook 03 on data our demo generator did not make: the mobi survey (Tenenhaus et al. 2005)
with each respondent linked to a CDNOW customer (Fader, Hardie & Lee 2005) as its account — no
account master, no Kano pairs, no margin, product line, complaint log, SERVQUAL or delivered-value
block. The review renders, and each part the data cannot support says why instead of failing
(regression: the cards crashed on a survey without Kano pairs)."""

from __future__ import annotations

import pandas as pd
import pytest
import yaml

from kamreport.params import Params
from kamreport.report.batch import run_batch

pytestmark = pytest.mark.slow


def test_account_review_of_someone_elses_data(tmp_path, reference_dir):
    survey = pd.read_csv(reference_dir / "mobi" / "mobi.csv")
    survey.insert(0, "customer", range(1, len(survey) + 1))
    survey.to_csv(tmp_path / "survey.csv", index=False)
    blocks = {"IMAG": "Image", "CUEX": "Expectation", "PERQ": "Quality", "PERV": "Value", "CUSA": "Satisfaction",
              "CUSCO": "Complaints", "CUSL": "Loyalty"}
    items = {c: {"construct": blocks[c.rstrip("0123456789")]} for c in survey.columns if c != "customer"}
    (tmp_path / "cb.yaml").write_text(yaml.safe_dump({"scale": {"min": 1, "max": 10}, "items": items}))
    orders = pd.read_csv(reference_dir / "cdnow" / "CDNOW_sample.txt", sep=r"\s+", header=None,
                         names=["master", "customer", "date", "cds", "dollars"])
    orders.to_csv(tmp_path / "orders.csv", index=False)
    (tmp_path / "p.yaml").write_text(yaml.safe_dump({
        "title": "mobi x CDNOW", "language": "en", "currency": "USD", "notebooks": ["03_account_review"],
        "data": {"survey": "survey.csv", "codebook": "cb.yaml", "account_key": "customer",
                 "transactions": {"path": "orders.csv", "customer": "customer", "date": "date",
                                  "amount": "dollars"}},
        "value": {"observation_end": "1997-09-30", "holdout_end": "1998-06-30"},
        "output": {"formats": ["html"], "dir": "out"}}))
    result = run_batch([Params.from_file(tmp_path / "p.yaml")], out_dir=tmp_path / "out", run_id="r",
                       progress=False)
    assert result.ok, [(o.name, o.error) for o in result.failed]
    page = (tmp_path / "out" / "r" / "p-03_account_review.html").read_text(encoding="utf-8")
    for reason in ("no margin", "Kano question pairs", "no complaint log", "SERVQUAL pairs",
                   "no product-line column", "delivered-value items", "Not in this report"):
        assert reason in page, reason
    assert "Satisfaction × loyalty types" in page and "Retention and complaint KPIs" in page


def test_cards_show_a_dash_not_nan_for_missing_parts():
    """An account with orders but no survey answers, no Kano and no master: its card reads '–'."""
    import numpy as np

    from kamreport.report.review import cards_html

    cards = pd.DataFrame({"tier": ["VIP"], "satisfaction": [np.nan], "satisfaction_tier_mean": [75.0],
                          "n_respondents": [np.nan], "clv": [100.0], "p_alive": [0.9], "loyalty": [np.nan],
                          "stage": ["decline"], "weakest_driver": [np.nan], "weakest_driver_gap": [np.nan],
                          "must_be": [np.nan], "relationship_level": [np.nan], "next_action": [np.nan]},
                         index=["1516"])
    for language in ("zh", "en"):
        page = cards_html(cards, language, "USD", {}, {})
        assert "nan" not in page.lower().replace("finance", "")
