"""English reports show data values (region, industry, role) and account names in English."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pandas as pd
import pytest
import yaml

from kamreport.data.demo import write_demo_data
from kamreport.params import Params
from kamreport.report.batch import run_batch

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[2]
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]+")


def visible_text(page: str) -> str:
    """The text a reader sees: no scripts, styles or embedded images."""
    page = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", page, flags=re.S)
    page = re.sub(r"data:[^\"')]+", " ", page)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


@pytest.fixture(scope="module")
def english_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("english")
    data = root / "data" / "demo"
    write_demo_data(data)
    accounts = pd.read_csv(data / "accounts.csv", dtype=str)
    accounts["account_name_en"] = "Account " + accounts["account_id"]
    accounts.to_csv(data / "accounts.csv", index=False)
    spec = yaml.safe_load((REPO / "params" / "demo_en.yaml").read_text(encoding="utf-8"))
    spec["output"]["formats"] = ["html"]
    spec["model"] = {**spec.get("model", {}), "bootstrap": 100}
    (root / "params").mkdir()
    path = root / "params" / "demo_en.yaml"
    path.write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    result = run_batch([Params.from_file(path)], out_dir=root / "out", jobs=2, run_id="en", progress=False)
    assert result.ok, [(o.name, o.error) for o in result.failed]
    return {o.notebook: visible_text(Path(o.outputs["html"]).read_text(encoding="utf-8"))
            for o in result.outcomes}


def test_english_reports_hold_no_chinese(english_run):
    assert set(english_run) == {"01_satisfaction", "02_customer_value", "03_account_review"}
    for notebook, text in english_run.items():
        assert CJK.findall(text) == [], notebook


def test_english_reports_name_values_and_accounts_in_english(english_run):
    satisfaction = english_run["01_satisfaction"]
    assert "East" in satisfaction and "Overseas" in satisfaction        # the region segments
    for notebook in ("02_customer_value", "03_account_review"):
        assert re.search(r"Account A\d{4}", english_run[notebook]), notebook


def test_in_language_translates_survey_and_master_but_not_items(tmp_path):
    from kamreport.data.demo.files import codebook_dict
    from kamreport.data.demo.truth import default_truth
    from kamreport.data.schemas import Codebook
    from kamreport.inputs import Inputs
    from kamreport.report.notebook import in_language

    codebook = Codebook.model_validate(codebook_dict(default_truth()))
    survey = pd.DataFrame({"respondent_role": ["采购", "财务"], "region": ["海外", "火星"], "CUSA1": [1, 2]})
    accounts = pd.DataFrame({"account_name": ["甲公司", "乙公司"], "account_name_en": ["Jia Ltd", ""],
                             "industry": ["医疗", "制造"]})
    params = Params.from_file(REPO / "params" / "demo_en.yaml")
    inputs = Inputs(params, codebook, survey, None, accounts)
    english = in_language(inputs, "en")
    assert english.survey["respondent_role"].tolist() == ["Purchasing", "Finance"]
    assert english.survey["region"].tolist() == ["Overseas", "火星"]         # no translation: as it is
    assert english.survey["CUSA1"].tolist() == [1, 2]
    assert english.accounts["account_name"].tolist() == ["Jia Ltd", "乙公司"]
    assert english.accounts["industry"].tolist() == ["Healthcare", "Manufacturing"]
    assert survey["region"].tolist() == ["海外", "火星"]                      # the input is not changed
    chinese = in_language(inputs, "zh")
    assert chinese.survey["region"].tolist() == ["海外", "火星"]
    assert chinese.accounts["account_name"].tolist() == ["甲公司", "乙公司"]
