"""The checks across frame and parameters that validate needs (wired into kamreport.inputs by the lead)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kamreport.data import Codebook, read_survey, read_transactions
from kamreport.data.checks import refuse_constant_items, refuse_other_currency, refuse_reused_order_ids
from kamreport.errors import InputError


def _orders(tmp_path, text: str):
    path = tmp_path / "orders.csv"
    path.write_text("acct,day,value,order\n" + text)
    return path, read_transactions(path, customer="acct", date="day", amount="value")


def test_constant_item_named_with_its_file(tmp_path):
    path = tmp_path / "s.csv"
    pd.DataFrame({"Q1": [7, 7, 7], "Q2": [1, 2, 3]}).to_csv(path, index=False)
    cb = Codebook.model_validate({"scale": {"min": 1, "max": 7}, "items": {"Q1": {"construct": "A"},
                                                                          "Q2": {"construct": "A"}}})
    survey = read_survey(path, cb)
    assert survey.attrs["cleaning"]["constant_items"] == ["Q1"]
    with pytest.raises(InputError) as e:
        refuse_constant_items(survey, cb.items)
    assert str(e.value) == (f"{path}: item 'Q1' has the same answer from every respondent (7); drop it "
                            "from the codebook or the model")
    refuse_constant_items(survey, ["Q2"])


def test_currency_of_the_marks_must_be_the_reports(tmp_path):
    path, tx = _orders(tmp_path, "A,2024-01-01,¥12,O1\nB,2024-01-02,30元,O2\n")
    refuse_other_currency(tx, "CNY")
    with pytest.raises(InputError) as e:
        refuse_other_currency(tx, "USD")
    assert str(e.value) == (f"{path}: column 'value' is in CNY but currency is USD; set currency: CNY or "
                            "convert the amounts")
    _, plain = _orders(tmp_path, "A,2024-01-01,12,O1\n")
    refuse_other_currency(plain, "USD")                  # no marks: nothing to compare


def test_reused_order_ids_are_refused_exact_repeats_are_not(tmp_path):
    """One id on two customers is refused; exact repeats (duplicates) and the lines of one order
    (same customer and day, other amounts: summed by customer_summary) are not."""
    rows = "A,2024-01-01,12,O1\nA,2024-01-01,12,O1\nA,2024-01-01,3,O1\nB,2024-01-02,5,O2\nC,2024-01-03,5,O2\n"
    path, tx = _orders(tmp_path, rows)
    with pytest.raises(InputError) as e:
        refuse_reused_order_ids(tx, "order")
    assert str(e.value) == (f"{path}: column 'order' has order id 'O2' on lines 5, 6 with different "
                            "values (customer or date); one id per order, or drop data.transactions.order_id")
    refuse_reused_order_ids(tx.iloc[:4], "order")        # O1: a duplicate and a second line of the order


def test_reused_order_ids_agree_with_their_definition_on_random_logs():
    """The factorized check refuses exactly the logs (and names the same first id) that the
    definition does: distinct (id, customer, date) rows, an id on more than one of them."""
    rng = np.random.default_rng(7)
    refused = 0
    for trial in range(200):
        n = int(rng.integers(1, 30))
        tx = pd.DataFrame({
            "order": pd.array(rng.choice(["O1", "O2", "O3", "O4", None], n), dtype="string[pyarrow]"),
            "customer_id": pd.array(rng.choice(["A", "B", None], n, p=[.6, .3, .1]), dtype="string[pyarrow]"),
            "date": pd.to_datetime(rng.choice(["2024-01-01", "2024-01-02", None], n, p=[.7, .2, .1])),
            "amount": 1.0})
        rows = tx[["order", "customer_id", "date"]].drop_duplicates()
        reused = rows["order"].duplicated(keep=False) & rows["order"].notna()
        expected = rows.loc[reused, "order"].iloc[0] if reused.any() else None
        try:
            refuse_reused_order_ids(tx, "order")
            got = None
        except InputError as exc:
            got = str(exc).split("order id ", 1)[1].split("'")[1]
            refused += 1
        assert got == expected, (trial, tx)
    assert 20 < refused < 200
