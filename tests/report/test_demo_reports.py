"""The demo parameter sets produce every report end to end (HTML), in both languages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from kamreport.data.demo import write_demo_data
from kamreport.params import Params
from kamreport.report.batch import run_batch

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def demo_params(tmp_path_factory):
    root = tmp_path_factory.mktemp("demo")
    write_demo_data(root / "data" / "demo")
    (root / "params").mkdir()
    out = []
    for name in ("demo.yaml", "demo_en.yaml"):
        spec = yaml.safe_load((REPO / "params" / name).read_text(encoding="utf-8"))
        spec["output"]["formats"] = ["html"]
        spec["model"] = {**spec.get("model", {}), "bootstrap": 200}
        path = root / "params" / name
        path.write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
        out.append(Params.from_file(path))
    return out


def test_demo_reports_render(demo_params, tmp_path):
    result = run_batch(demo_params, out_dir=tmp_path, jobs=2, run_id="demo", progress=False)
    assert result.ok, [(o.name, o.error) for o in result.failed]
    assert [o.notebook for o in result.outcomes] == ["01_satisfaction", "02_customer_value",
                                                     "03_account_review"] * 2
    for outcome in result.outcomes:
        html = Path(outcome.outputs["html"]).read_text(encoding="utf-8")
        body = re.sub(r"<[^>]+>", " ", html.split("<main>", 1)[1])
        assert "Traceback" not in body and "Error" not in body and "Warning" not in body
        assert html.count("data:image/png;base64") >= 4
    zh = Path(result.outcomes[1].outputs["html"]).read_text(encoding="utf-8")
    assert "客户金字塔" in zh and "VIP客户" in zh and "重要价值客户" in zh
    en = Path(result.outcomes[3].outputs["html"]).read_text(encoding="utf-8")
    assert "Executive summary" in en and "Importance–performance map" in en
    review = Path(result.outcomes[2].outputs["html"]).read_text(encoding="utf-8")
    assert "绝对忠诚" in review and "大客户卡片" in review and "流失风险" in review
    review_en = Path(result.outcomes[5].outputs["html"]).read_text(encoding="utf-8")
    assert "Key-account cards" in review_en and "Kano analysis" in review_en
