"""Report runs end to end: papermill executes, nbconvert renders code-hidden, files are atomic."""

from __future__ import annotations

import json
import os
import re
import shutil

import pytest
import yaml
from typer.testing import CliRunner

from kamreport.cli import app
from kamreport.params import Params
from kamreport.report.batch import run_batch
from kamreport.report.render import atomic_write, chromium, run_report

pytestmark = pytest.mark.slow


def test_notebook_renders_html_without_code_or_traceback(mobi_project, tmp_path):
    params = Params.from_file(mobi_project / "mobi.yaml")
    outcome = run_report(params, "01_satisfaction", tmp_path, run_id="t")
    assert outcome.status == "ok", outcome.error
    html = (tmp_path / "mobi-01_satisfaction.html").read_text(encoding="utf-8")
    assert "Mobi 测试报告" in html                      # our template's header
    assert "hl-ipython3" not in html and "Params.from_file" not in html   # code hidden
    body = html.split("<main>", 1)[1].split("</main>", 1)[0]
    text = re.sub(r"<[^>]+>", " ", body)
    assert "Traceback" not in text and "Error" not in text and "jupyter.stderr" not in body
    assert "Warning" not in text                           # warnings never reach the reader
    assert not re.search(r"<script[^>]+src=", html)        # self-contained: no CDN scripts
    assert html.count("data:image/png;base64") >= 2        # charts inline
    assert "Cronbach" in html and "信度" in html          # Chinese narrative from the label table
    assert not list(tmp_path.glob(".*"))                   # no temp files left


def test_failing_report_is_isolated_and_recorded(mobi_project, tmp_path):
    bad_dir = tmp_path / "bad"
    shutil.copytree(mobi_project, bad_dir, ignore=shutil.ignore_patterns("out"))
    survey = (bad_dir / "survey.csv").read_text().splitlines()
    fields = survey[5].split(",")
    fields[10] = "42"                                      # out of the 1–10 scale
    survey[5] = ",".join(fields)
    (bad_dir / "survey.csv").write_text("\n".join(survey) + "\n")
    good, bad = Params.from_file(mobi_project / "mobi.yaml"), Params.from_file(bad_dir / "mobi.yaml")
    result = run_batch([good, bad], out_dir=tmp_path / "reports", jobs=2, run_id="r1", progress=False)
    assert [o.status for o in result.outcomes] == ["ok", "failed"]
    failed = result.outcomes[1]
    assert "InputError" in failed.error and "line 6" in failed.error and "'CUSCO'" in failed.error
    assert failed.failed_cell is not None
    manifest = json.loads((result.run_dir / "manifest.json").read_text())
    assert manifest["ok"] == 1 and manifest["failed"] == 1
    assert manifest["reports"][0]["params"]["title"] == good.title          # the parameter set itself
    assert (result.run_dir / manifest["reports"][0]["outputs"]["html"]).is_file()
    assert (result.run_dir / manifest["reports"][1]["outputs"]["ipynb"]).name.endswith(".failed.ipynb")
    assert "failed" in (result.run_dir / "index.html").read_text()
    assert (tmp_path / "reports" / "latest").resolve() == result.run_dir.resolve()


def test_cli_exit_codes(mobi_project, tmp_path):
    runner = CliRunner()
    ok = runner.invoke(app, ["validate", str(mobi_project / "mobi.yaml")])
    assert ok.exit_code == 0 and "survey 250 rows" in ok.output
    typo = tmp_path / "typo.yaml"
    typo.write_text(yaml.safe_dump({"title": "x", "outptu": {}}))
    res = runner.invoke(app, ["run", str(typo), "--out", str(tmp_path / "never")])
    assert res.exit_code == 2
    assert f"kamreport: error: {typo}: unknown key 'outptu'; remove it or check its spelling" in res.output
    assert not (tmp_path / "never").exists()               # nothing written on bad parameters


@pytest.mark.skipif(chromium() is None, reason="Chromium is not installed (make test installs it)")
def test_pdf_is_printed(mobi_project, tmp_path):
    data = yaml.safe_load((mobi_project / "mobi.yaml").read_text())
    data["output"]["formats"] = ["html", "pdf"]
    path = mobi_project / "mobi_pdf.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    outcome = run_report(Params.from_file(path), "01_satisfaction", tmp_path)
    assert outcome.status == "ok", outcome.error
    pdf = (tmp_path / "mobi_pdf-01_satisfaction.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and len(pdf) > 20_000


def test_atomic_write_leaves_nothing_on_failure(tmp_path):
    target = tmp_path / "r.html"
    atomic_write(target, "old")
    mask = os.umask(0)
    os.umask(mask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~mask      # readable like any file, not 0600
    with pytest.raises(TypeError):
        atomic_write(target, 12345)  # type: ignore[arg-type]
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["r.html"]


def test_validate_catches_what_run_would_fail_on(mobi_project, tmp_path):
    runner = CliRunner()
    empty = tmp_path / "empty"
    empty.mkdir()
    res = runner.invoke(app, ["validate", str(empty)])
    assert res.exit_code == 2 and f"no parameter files (*.yaml) in {empty}" in res.output
    data = yaml.safe_load((mobi_project / "mobi.yaml").read_text())
    data["model"] = {"target": "Satisfactoin"}
    bad = mobi_project / "typo_target.yaml"
    bad.write_text(yaml.safe_dump(data, allow_unicode=True))
    res = runner.invoke(app, ["validate", str(bad)])
    assert res.exit_code == 2
    assert "IPMA target 'Satisfactoin' is not a construct of the model" in res.output
    data["model"] = {}
    data["notebooks"] = ["02_customer_value"]
    bad.write_text(yaml.safe_dump(data, allow_unicode=True))
    res = runner.invoke(app, ["validate", str(bad)])
    assert res.exit_code == 2 and "notebook 02_customer_value needs data.transactions" in res.output


def test_conversion_failure_fails_only_that_report(mobi_project, tmp_path, monkeypatch):
    import kamreport.report.render as render

    monkeypatch.setattr(render, "TEMPLATE_DIR", tmp_path / "no-templates")
    outcome = render.run_report(Params.from_file(mobi_project / "mobi.yaml"), "01_satisfaction", tmp_path)
    assert outcome.status == "failed" and outcome.error.startswith("html conversion failed: ")
    assert not (tmp_path / "mobi-01_satisfaction.html").exists()
