"""Kano evaluation table, categories and Better/Worse.

References: the evaluation table of Berger et al. (1993), *Center for Quality Management
Journal* 2(4), table 2 (functional rows x dysfunctional columns, like .. dislike); the tie order
M > O > A > I of the same paper; category strength of Lee & Newcomb (1997), *Quality Management
Journal* 4(3); Better/Worse of Matzler & Hinterhuber (1998), *Technovation* 18(1), computed by hand.
"""

from __future__ import annotations

import hypothesis.strategies as st
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings

from kamreport.errors import InputError
from kamreport.value import kano

# the literature's table, typed out again here (not read from the module)
LITERATURE = {
    1: "QAAAO",
    2: "RIIIM",
    3: "RIIIM",
    4: "RIIIM",
    5: "RRRRQ",
}
CELLS = [(f, d, LITERATURE[f][d - 1]) for f in range(1, 6) for d in range(1, 6)]


@pytest.mark.parametrize("functional, dysfunctional, expected", CELLS)
def test_every_cell_of_the_evaluation_table(functional: int, dysfunctional: int, expected: str) -> None:
    """Each of the 25 answer pairs gives the category of Berger et al. (1993), table 2."""
    assert kano.classify(functional, dysfunctional) == expected


def test_vectorised_over_arrays_and_series_equals_the_scalar_table() -> None:
    f = np.array([c[0] for c in CELLS])
    d = np.array([c[1] for c in CELLS])
    assert kano.classify(f, d).tolist() == [c[2] for c in CELLS]
    s = kano.classify(pd.Series(f, index=range(100, 125)), pd.Series(d, index=range(100, 125)))
    assert list(s.index) == list(range(100, 125)) and s.tolist() == [c[2] for c in CELLS]
    grid = kano.classify(f.reshape(5, 5), d.reshape(5, 5))
    assert grid.shape == (5, 5) and "".join(grid[0]) == "QAAAO"


def test_missing_answers_give_nan_and_floats_and_nullable_ints_work() -> None:
    f = pd.Series([1.0, np.nan, 2.0, None], dtype=object)
    d = pd.Series(pd.array([5, 5, pd.NA, 5], dtype="Int64"))
    out = kano.classify(f, d)
    assert out.iloc[0] == "O" and out.iloc[1:].isna().all()
    assert pd.isna(kano.classify(None, 3))


@pytest.mark.parametrize("value", [0, 6, 2.5, "like", -1])
def test_out_of_range_answer_is_an_input_error_naming_the_value(value) -> None:
    with pytest.raises(InputError, match=repr(value).replace(".", r"\.")):
        kano.classify([1, value], [5, 5])
    with pytest.raises(InputError, match="dysfunctional"):
        kano.classify([1, 1], [5, value])


def test_shape_mismatch_is_an_input_error() -> None:
    with pytest.raises(InputError, match="shape"):
        kano.classify([1, 2], [5])


def _answers(categories: str) -> pd.DataFrame:
    """One respondent per letter, with an answer pair that gives that category."""
    pair = {"A": (1, 3), "O": (1, 5), "M": (2, 5), "I": (3, 3), "R": (5, 1), "Q": (1, 1)}
    return pd.DataFrame([pair[c] for c in categories], columns=["f", "d"])


def test_summary_counts_category_and_better_worse_by_hand() -> None:
    """A=2, O=3, M=4, I=1, R=1, Q=1: M wins; Better = 5/10, Worse = -7/10; strength (4-3)/12."""
    out = kano.summary(_answers("AAOOOMMMMIRQ"), {"x": ("f", "d")}).loc["x"]
    assert [int(out[c]) for c in "MOAIRQ"] == [4, 3, 2, 1, 1, 1]
    assert out["n"] == 12 and out["category"] == "M"
    assert out["better"] == pytest.approx(0.5) and out["worse"] == pytest.approx(-0.7)
    assert out["strength"] == pytest.approx(1 / 12) and out["total_strength"] == pytest.approx(9 / 12)
    assert not out["tie"] and not out["weak"]


@pytest.mark.parametrize("answers, expected", [
    ("MMOO", "M"), ("OOAA", "O"), ("AAII", "A"), ("MMAA", "M"), ("IIOO", "O"), ("MMOOAAII", "M"),
    ("IIRR", "I"), ("RRQQ", "R"),
])
def test_ties_follow_m_o_a_i(answers: str, expected: str) -> None:
    """Berger et al. (1993): a tie goes to M before O before A before I (then R before Q)."""
    out = kano.summary(_answers(answers), {"x": ("f", "d")}).loc["x"]
    assert out["category"] == expected and out["tie"] and out["weak"] and out["strength"] == 0


def test_weak_category_below_six_points_and_fong() -> None:
    """17 M vs 16 O of 33: strength 3 % < 6 % (weak) and |17-16| < Fong's limit."""
    out = kano.summary(_answers("M" * 17 + "O" * 16), {"x": ("f", "d")}).loc["x"]
    assert out["weak"] and not out["tie"] and not out["fong_significant"]
    strong = kano.summary(_answers("M" * 30 + "O" * 3), {"x": ("f", "d")}).loc["x"]
    assert not strong["weak"] and strong["fong_significant"]


def test_summary_by_segment_and_missing_answers() -> None:
    df = _answers("MMOA")
    df["seg"] = ["s1", "s1", "s2", None]
    df.loc[1, "f"] = np.nan
    out = kano.summary(df, {"x": ("f", "d"), "y": ("d", "f")}, by="seg")
    assert list(out.index) == [("x", "s1"), ("x", "s2"), ("y", "s1"), ("y", "s2")]
    assert out.loc[("x", "s1"), "n"] == 1 and out.loc[("x", "s1"), "n_missing"] == 1
    assert out.loc[("x", "s2"), "category"] == "O"


def test_attribute_without_answers_has_nan_category() -> None:
    df = pd.DataFrame({"f": [np.nan, np.nan], "d": [np.nan, 5]})
    out = kano.summary(df, {"x": ("f", "d")}).loc["x"]
    assert out["n"] == 0 and pd.isna(out["category"]) and pd.isna(out["better"])


def test_unknown_column_is_an_input_error() -> None:
    with pytest.raises(InputError, match="K9_f"):
        kano.summary(_answers("M"), {"x": ("K9_f", "d")})


answer = st.one_of(st.none(), st.integers(1, 5))


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(answer, answer), min_size=1, max_size=60))
def test_summary_invariants_on_random_answers(rows) -> None:
    """Counts add up to n, the category is a most frequent one, Better in [0, 1], Worse in [-1, 0]."""
    df = pd.DataFrame(rows, columns=["f", "d"], dtype=object)
    out = kano.summary(df, {"x": ("f", "d")}).loc["x"]
    counts = [int(out[c]) for c in kano.CATEGORIES]
    assert sum(counts) == out["n"] and out["n"] + out["n_missing"] == len(rows)
    if out["n"]:
        assert int(out[out["category"]]) == max(counts)
        assert 0 <= out["strength"] <= 1
    if not np.isnan(out["better"]):
        assert 0 <= out["better"] <= 1 and -1 <= out["worse"] <= 0


def test_planted_demo_categories_are_recovered() -> None:
    """The demo generator (kamreport.data.demo_truth.KANO) plants one category per attribute
    with a share of 0.45-0.60; the survey's modal categories must be those, and not weak."""
    from kamreport.data.demo import make_demo_data

    demo = make_demo_data()
    planted = {name: (f, d, category) for name, f, d, _, _, category, _ in demo.truth.kano}
    out = kano.summary(demo.survey, {name: (f, d) for name, (f, d, _) in planted.items()})
    assert out["category"].to_dict() == {name: c for name, (_, _, c) in planted.items()}
    assert not out["weak"].any() and out["fong_significant"].all()
