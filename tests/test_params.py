"""Params: the demo parameter sets load; typos and wrong types name the key and the file."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from kamreport.errors import InputError
from kamreport.params import Params

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("name", ["demo.yaml", "demo_en.yaml"])
def test_demo_params_load(name):
    p = Params.from_file(REPO / "params" / name)
    assert p.title and p.language in ("zh", "en")
    assert Path(p.resolve(p.data.survey)) == (REPO / "data" / "demo" / "survey.csv").resolve()
    assert abs(sum(p.tiers.values()) - 1) < 1e-12


def _write(tmp_path, text):
    path = tmp_path / "p.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_unknown_key_is_named(tmp_path):
    path = _write(tmp_path, "title: x\nlangauge: en\n")
    with pytest.raises(InputError) as e:
        Params.from_file(path)
    assert str(e.value) == f"{path}: unknown key 'langauge'; remove it or check its spelling"


def test_nested_unknown_key_is_named(tmp_path):
    path = _write(tmp_path, "title: x\nmodel:\n  bootstrp: 100\n")
    with pytest.raises(InputError) as e:
        Params.from_file(path)
    assert str(e.value) == f"{path}: unknown key 'model.bootstrp'; remove it or check its spelling"


def test_wrong_type_is_named(tmp_path):
    path = _write(tmp_path, "title: x\nmodel:\n  bootstrap: many\n")
    with pytest.raises(InputError) as e:
        Params.from_file(path)
    assert str(e.value).startswith(f"{path}: key 'model.bootstrap': Input should be a valid integer")
    assert str(e.value).endswith("; got 'many'")


def test_bad_language(tmp_path):
    path = _write(tmp_path, "title: x\nlanguage: fr\n")
    with pytest.raises(InputError) as e:
        Params.from_file(path)
    assert str(e.value) == f"{path}: key 'language': Input should be 'zh' or 'en'; got 'fr'"


def test_tiers_must_sum_to_one(tmp_path):
    path = _write(tmp_path, "title: x\ntiers: {VIP: 0.1, Small: 0.8}\n")
    with pytest.raises(InputError) as e:
        Params.from_file(path)
    assert str(e.value) == f"{path}: key 'tiers': tier shares {{'VIP': 0.1, 'Small': 0.8}} must be positive and sum to 1 (sum 0.9); fix: e.g. {{'VIP': 0.01, 'Key': 0.04, 'Ordinary': 0.15, 'Small': 0.8}}; got {{'VIP': 0.1, 'Small': 0.8}}"


def test_missing_title(tmp_path):
    path = _write(tmp_path, "language: en\n")
    with pytest.raises(InputError) as e:
        Params.from_file(path)
    assert str(e.value) == f"{path}: required key 'title' is missing"


def test_survey_needs_codebook(tmp_path):
    path = _write(tmp_path, "title: x\ndata:\n  survey: s.csv\n")
    with pytest.raises(InputError) as e:
        Params.from_file(path)
    assert str(e.value) == f"{path}: key 'data': a survey needs its codebook: add data.codebook; got {{'survey': 's.csv'}}"


def test_invalid_yaml_names_line(tmp_path):
    path = _write(tmp_path, "title: x\nmodel: [unclosed\n")
    with pytest.raises(InputError, match=r"p.yaml: line \d+: not valid YAML"):
        Params.from_file(path)


def test_paths_resolve_against_the_file(tmp_path):
    path = _write(tmp_path, "title: x\ndata:\n  survey: sub/s.csv\n  codebook: /abs/cb.yaml\n")
    p = Params.from_file(path)
    assert p.resolve(p.data.survey) == str(tmp_path / "sub" / "s.csv")
    assert p.resolve(p.data.codebook) == "/abs/cb.yaml"
    assert p.resolve("postgresql://u@h/db") == "postgresql://u@h/db"


def test_transactions_engine_defaults_to_duckdb_and_takes_a_spark_block() -> None:
    """data.transactions.engine: duckdb unless spark is asked for; spark.master defaults to local[*]."""
    base = {"title": "t", "notebooks": ["02_customer_value"]}
    p = Params.model_validate({**base, "data": {"transactions": {"path": "tx.parquet"}}})
    assert p.data.transactions.engine == "duckdb" and p.data.transactions.spark is None
    q = Params.model_validate({**base, "data": {"transactions": {
        "path": "tx.parquet", "engine": "spark", "spark": {"conf": {"spark.executor.memory": "8g"}}}}})
    assert q.data.transactions.spark.master == "local[*]"
    with pytest.raises(ValidationError, match="engine"):
        Params.model_validate({**base, "data": {"transactions": {"path": "t", "engine": "flink"}}})


def test_review_cuts_and_bands_are_checked_and_become_typology_cuts() -> None:
    """The typology's cut points in params map onto TypologyCuts; bands must increase inside
    (0, 100) and terrorist < satisfied/loyal <= apostle, each refused with the key to fix."""
    from kamreport.params import ReviewOptions

    cuts = ReviewOptions(typology_satisfaction_cut=60, apostle_cut=95, terrorist_cut=20).typology_cuts()
    assert (cuts.satisfaction, cuts.loyalty, cuts.apostle_loyalty, cuts.terrorist_satisfaction) == (60, 70, 95, 20)
    with pytest.raises(ValueError, match="satisfaction_bands must be increasing"):
        ReviewOptions(satisfaction_bands=(50, 30))
    with pytest.raises(ValueError, match="terrorist_cut < typology_"):
        ReviewOptions(terrorist_cut=75)
    with pytest.raises(ValueError, match="apostle_cut"):
        ReviewOptions(apostle_cut=60)
