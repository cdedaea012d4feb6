"""The minimal codebook, optional respondent ids, value translations and SPSS labels."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyreadstat
import pytest

from kamreport.data import Codebook, read_survey
from kamreport.errors import InputError

MINIMAL = (
    "scale: {min: 1, max: 7}\nitems:\n  Q1: {construct: Quality}\n  S1: {construct: Sat}\n"
    "  Q2: {construct: Quality}\n"
)


def _survey(n: int = 12, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({c: rng.integers(1, 8, n) for c in ("Q1", "S1", "Q2")})


def test_minimal_codebook_derives_constructs_in_order_of_first_appearance(tmp_path):
    path = tmp_path / "cb.yaml"
    path.write_text(MINIMAL)
    cb = Codebook.from_file(path)
    assert list(cb.constructs) == ["Quality", "Sat"]
    assert cb.construct_items() == {"Quality": ("Q1", "Q2"), "Sat": ("S1",)}
    assert cb.labels("zh") == cb.labels("en") == {"Quality": "Quality", "Sat": "Sat"}
    assert cb.item_text("Q1", "zh") == "Q1" and cb.respondent_id is None


def test_labels_fall_back_per_language(tmp_path):
    path = tmp_path / "cb.yaml"
    path.write_text(MINIMAL + "constructs:\n  Quality: {en: Perceived quality}\n  Sat: {zh: 满意度}\n")
    cb = Codebook.from_file(path)
    assert cb.labels("en") == {"Quality": "Perceived quality", "Sat": "Sat"}
    assert cb.labels("zh") == {"Quality": "Quality", "Sat": "满意度"}


def test_constructs_section_still_catches_a_typo(tmp_path):
    path = tmp_path / "cb.yaml"
    path.write_text(MINIMAL + "constructs:\n  Quality: {en: Q}\n")
    with pytest.raises(InputError) as e:
        Codebook.from_file(path)
    assert (
        str(e.value)
        == f"{path}: item 'S1' names construct 'Sat', which is not under 'constructs' (known: Quality)"
    )


def test_codebook_without_items_is_refused(tmp_path):
    path = tmp_path / "cb.yaml"
    path.write_text("scale: {min: 1, max: 7}\nitems: {}\n")
    with pytest.raises(
        InputError, match=r"cb.yaml: the codebook lists no items; add items: \{ITEM: \{construct: NAME\}\}$"
    ):
        Codebook.from_file(path)


def test_no_respondent_id_numbers_the_rows(tmp_path):
    cb = Codebook.model_validate(
        {
            "scale": {"min": 1, "max": 7},
            "respondent_id": None,
            "items": {c: {"construct": "X"} for c in ("Q1", "S1", "Q2")},
        }
    )
    path = tmp_path / "s.csv"
    _survey().to_csv(path, index=False)
    df = read_survey(path, cb)
    assert df["respondent_id"].tolist() == [str(i) for i in range(1, 13)]
    assert df.attrs["cleaning"]["respondent_id"] == "row number"


def test_absent_respondent_id_uses_the_column_when_there_is_one(tmp_path):
    cb = Codebook.model_validate({"scale": {"min": 1, "max": 7}, "items": {"Q1": {"construct": "X"}}})
    df = read_survey(pd.DataFrame({"respondent_id": ["a", "b"], "Q1": [1, 2]}), cb)
    assert df["respondent_id"].tolist() == ["a", "b"]
    with pytest.raises(InputError, match=r"column 'respondent_id' has duplicate values at rows 1, 2 \('a'\)"):
        read_survey(pd.DataFrame({"respondent_id": ["a", "a"], "Q1": [1, 2]}), cb)


def test_named_respondent_id_must_exist(tmp_path):
    cb = Codebook.model_validate(
        {"scale": {"min": 1, "max": 7}, "respondent_id": "rid", "items": {"Q1": {"construct": "X"}}}
    )
    path = tmp_path / "s.csv"
    pd.DataFrame({"id": [1, 2], "Q1": [3, 4]}).to_csv(path, index=False)
    with pytest.raises(InputError) as e:
        read_survey(path, cb)
    assert str(e.value) == (
        f"{path}: required column 'rid' is missing (columns present: id, Q1); "
        "rename the column or fix the codebook/parameters"
    )


def test_value_translations(tmp_path):
    path = tmp_path / "cb.yaml"
    values = "values:\n  region: {华东: East China, 华南: South China}\n  tier: {1: Gold}\n"
    path.write_text(MINIMAL + values)
    cb = Codebook.from_file(path)
    region = pd.Series(["华东", "西部", None, "华南"], name="region")
    en = cb.translate("region", region, "en")
    assert en.tolist()[:2] == ["East China", "西部"] and pd.isna(en.iloc[2]) and en.iloc[3] == "South China"
    assert en.name == "region"
    pd.testing.assert_series_equal(cb.translate("region", region, "zh"), region)
    assert cb.translate("tier", pd.Series([1.0, 2.0]), "en").tolist() == ["Gold", 2.0]  # YAML int key
    assert cb.translate("unknown", region, "en") is region


def test_sav_labels_become_item_texts_and_value_labels(tmp_path):
    """A .sav written by pyreadstat.write_sav: its variable labels and value labels are the defaults."""
    df = _survey().assign(region=[1.0, 2.0] * 6)
    path = tmp_path / "survey.sav"
    pyreadstat.write_sav(
        df,
        str(path),
        column_labels={"Q1": "Product quality", "S1": "Overall satisfaction", "Q2": "", "region": "Region"},
        variable_value_labels={"region": {1.0: "North", 2.0: "South"}},
    )
    path_cb = tmp_path / "cb.yaml"
    path_cb.write_text(
        MINIMAL.replace("Q2: {construct: Quality}", "Q2: {construct: Quality, en: Service quality}")
    )
    survey = read_survey(path, Codebook.from_file(path_cb))
    cb = Codebook.from_file(path_cb).with_sav_labels(survey.attrs["sav_labels"])
    assert cb.item_text("Q1", "en") == cb.item_text("Q1", "zh") == "Product quality"
    assert cb.item_text("Q2", "en") == "Service quality" and cb.item_text("Q2", "zh") == "Q2"
    assert cb.translate("region", survey["region"], "zh").tolist()[:2] == ["North", "South"]
    _, meta = pyreadstat.read_sav(str(path))
    assert cb == Codebook.from_file(path_cb).with_sav_labels(meta)  # pyreadstat's own metadata works too


def test_sav_value_labels_then_english_translations():
    cb = Codebook.model_validate(
        {
            "scale": {"min": 1, "max": 5},
            "items": {"Q1": {"construct": "S"}},
            "values": {"region": {"华北": "North China"}},
        }
    )
    cb = cb.with_sav_labels({"variable_value_labels": {"region": {1.0: "华北", 2.0: "华南"}}})
    codes = pd.Series([1.0, 2.0, 3.0])
    assert cb.translate("region", codes, "en").tolist() == ["North China", "华南", 3.0]
    assert cb.translate("region", codes, "zh").tolist() == ["华北", "华南", 3.0]
