"""Report runs end to end: papermill executes, nbconvert renders code-hidden, files are atomic."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

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


def test_bad_data_is_refused_before_running_and_the_batch_goes_on(mobi_project, tmp_path):
    """run makes validate's checks first: bad data is 'invalid' (exit 2), nothing written for it,
    and the other report is still written."""
    bad_dir = tmp_path / "bad"
    shutil.copytree(mobi_project, bad_dir, ignore=shutil.ignore_patterns("out"))
    survey = (bad_dir / "survey.csv").read_text().splitlines()
    fields = survey[5].split(",")
    fields[10] = "42"                                      # out of the 1–10 scale
    survey[5] = ",".join(fields)
    (bad_dir / "survey.csv").write_text("\n".join(survey) + "\n")
    (bad_dir / "mobi.yaml").rename(bad_dir / "mobi_bad.yaml")
    good, bad = Params.from_file(mobi_project / "mobi.yaml"), Params.from_file(bad_dir / "mobi_bad.yaml")
    result = run_batch([good, bad], out_dir=tmp_path / "reports", jobs=2, run_id="r1", progress=False)
    assert [o.status for o in result.outcomes] == ["ok", "invalid"] and result.exit_code == 2
    refused = result.outcomes[1]
    assert "line 6" in refused.error and "'CUSCO'" in refused.error and refused.outputs == {}
    assert not list(result.run_dir.glob("mobi_bad*"))                       # nothing written for it
    manifest = json.loads((result.run_dir / "manifest.json").read_text())
    assert manifest["ok"] == 1 and manifest["invalid"] == 1
    assert manifest["reports"][0]["params"]["title"] == good.title          # the parameter set itself
    assert manifest["reports"][0]["inputs"]["survey"]["sha256"]             # what it was made of
    assert (result.run_dir / manifest["reports"][0]["outputs"]["html"]).is_file()
    assert "invalid" in (result.run_dir / "index.html").read_text()
    assert (tmp_path / "reports" / "latest").resolve() == result.run_dir.resolve()
    assert "invalid mobi_bad-01_satisfaction" in (result.run_dir / "run.log").read_text()


def test_failing_notebook_is_isolated_and_recorded(mobi_project, tmp_path, monkeypatch):
    """A notebook that raises: 'failed' with the cell, its executed notebook kept, exit 1, and the
    other report of the batch written."""
    import nbformat

    import kamreport.report.batch as batch
    import kamreport.report.render as render

    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    nb = nbformat.read(render.NOTEBOOK_DIR / "01_satisfaction.ipynb", as_version=4)
    nb.cells.insert(3, nbformat.v4.new_code_cell('if params.title == "boom":\n    raise RuntimeError("boom")'))
    nbformat.write(nb, notebooks / "01_satisfaction.ipynb")
    for module in (render, batch):
        monkeypatch.setattr(module, "NOTEBOOK_DIR", notebooks)
    data = yaml.safe_load((mobi_project / "mobi.yaml").read_text())
    data["title"] = "boom"
    (mobi_project / "boom.yaml").write_text(yaml.safe_dump(data, allow_unicode=True))
    good, boom = Params.from_file(mobi_project / "mobi.yaml"), Params.from_file(mobi_project / "boom.yaml")
    result = run_batch([boom, good], out_dir=tmp_path / "reports", jobs=1, run_id="r2", progress=False)
    assert [o.status for o in result.outcomes] == ["failed", "ok"] and result.exit_code == 1
    failed = result.outcomes[0]
    assert failed.error == "RuntimeError: boom"
    assert failed.failed_cell == 4            # in the executed notebook: papermill adds a cell
    assert (result.run_dir / "boom-01_satisfaction.failed.ipynb").is_file()
    assert not (result.run_dir / "boom-01_satisfaction.html").exists()


def test_unchanged_reports_are_not_rerun(mobi_project, tmp_path, monkeypatch):
    """Same parameters, inputs, notebook, template and version: linked from the last run, without
    even reading the data again; --force runs again (Quarto's freeze, for reports)."""
    import kamreport.inputs

    params = Params.from_file(mobi_project / "mobi.yaml")
    out = tmp_path / "reports"
    first = run_batch([params], out_dir=out, run_id="a", progress=False)
    with monkeypatch.context() as m:
        m.setattr(kamreport.inputs, "check_inputs", lambda p: pytest.fail("an unchanged report was checked"))
        second = run_batch([params], out_dir=out, run_id="b", progress=False)
    assert [o.status for o in first.outcomes] == ["ok"] and [o.status for o in second.outcomes] == ["unchanged"]
    html = second.run_dir / "mobi-01_satisfaction.html"
    assert html.read_bytes() == (first.run_dir / "mobi-01_satisfaction.html").read_bytes()
    assert os.stat(html).st_ino == os.stat(first.run_dir / html.name).st_ino     # a hard link, no copy
    forced = run_batch([params], out_dir=out, run_id="c", progress=False, force=True)
    assert [o.status for o in forced.outcomes] == ["ok"]


def test_fingerprint_follows_what_a_report_depends_on(mobi_project, tmp_path, monkeypatch):
    """Parameters, inputs, notebook, template and the package's code each change the digest
    (an analyst editing a notebook or a module of an editable install gets a fresh report
    without --force); the same things give the same digest."""
    import kamreport
    import kamreport.report.batch as batch
    import kamreport.report.render as render

    notebooks, templates = tmp_path / "notebooks", tmp_path / "templates"
    shutil.copytree(render.NOTEBOOK_DIR, notebooks)
    shutil.copytree(render.TEMPLATE_DIR, templates)
    monkeypatch.setattr(batch, "NOTEBOOK_DIR", notebooks)
    monkeypatch.setattr(batch, "TEMPLATE_DIR", templates)
    project = tmp_path / "project"
    shutil.copytree(mobi_project, project)
    params = Params.from_file(project / "mobi.yaml")

    def digest() -> str:
        return batch.fingerprint_of(Params.from_file(project / "mobi.yaml"), "01_satisfaction")["digest"]

    seen = [digest()]
    assert digest() == seen[0] and batch.fingerprint_of(params, "01_satisfaction")["digest"] == seen[0]
    with open(notebooks / "01_satisfaction.ipynb", "a", encoding="utf-8") as fh:
        fh.write("\n")
    seen.append(digest())
    template = next(p for p in sorted(templates.rglob("*")) if p.is_file())
    template.write_bytes(template.read_bytes() + b"\n")
    seen.append(digest())
    survey = next(project.glob("*.csv"))
    survey.write_bytes(survey.read_bytes() + b"\n")
    seen.append(digest())
    data = yaml.safe_load((project / "mobi.yaml").read_text())
    data["title"] = "another title"
    (project / "mobi.yaml").write_text(yaml.safe_dump(data, allow_unicode=True))
    seen.append(digest())
    for tiers in ({"A": 0.2, "B": 0.8}, {"B": 0.8, "A": 0.2}):   # tiers are cut top-down: their order is meaning
        (project / "mobi.yaml").write_text(yaml.safe_dump({**data, "tiers": tiers}, allow_unicode=True,
                                                          sort_keys=False))
        seen.append(digest())
    package = tmp_path / "kamreport"
    shutil.copytree(Path(kamreport.__file__).parent, package, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(kamreport, "__file__", str(package / "__init__.py"))
    batch.code_digest.cache_clear()
    assert digest() == seen[-1]                          # the same code, copied elsewhere
    with open(package / "value" / "rfm.py", "a", encoding="utf-8") as fh:
        fh.write("\n# edited\n")
    batch.code_digest.cache_clear()
    seen.append(digest())
    batch.code_digest.cache_clear()
    assert len(set(seen)) == len(seen)


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


PAGE = """<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><style>@page { size: A4; margin: 10mm; }
body { font-family: "Noto Sans CJK SC", sans-serif; }</style></head><body><h1>{title}</h1><p>满意度指数 65.7</p></body></html>"""


@pytest.mark.skipif(chromium() is None, reason="needs Chromium (make system-deps)")
def test_one_browser_prints_every_pdf_of_a_process(tmp_path):
    """Two PDFs, one Chromium (kept between them, ended by close_browser); A4 pages with the text."""
    import subprocess

    from pypdf import PdfReader

    import kamreport.report.render as render
    import kamreport.report.pdf as printing

    pdfs = []
    for title in ("第一份报告", "Second report"):
        page = tmp_path / f"{len(pdfs)}.html"
        page.write_text(PAGE.replace("{title}", title), encoding="utf-8")
        pdfs.append(render.html_to_pdf(page, tmp_path / f"{len(pdfs)}.pdf"))
        if len(pdfs) == 1:
            browser, printing_page = printing._BROWSER, printing._BROWSER._page
    assert printing._BROWSER is browser and browser is not None and browser._proc.poll() is None
    assert browser._page == printing_page is not None          # one page, navigated to each report
    for pdf, title, other in zip(pdfs, ("第一份报告", "Second report"), ("Second report", "第一份报告")):
        box = PdfReader(pdf).pages[0].mediabox
        assert (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)) == (210, 297)
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
        assert title in text and "满意度指数" in text and other not in text
    printing.close_browser()
    assert printing._BROWSER is None and browser._proc.poll() is not None
    assert not list(tmp_path.glob(".*"))                      # no temporary files left


def test_the_converter_is_warmed_with_a_notebook_of_every_output_kind():
    """The sample converted when the exporter is made must convert (a failure would be silent
    there, and the first report would pay the template's first use again)."""
    import kamreport.report.render as render

    sample = render._sample_notebook()
    kinds = {o.get("output_type") for c in sample.cells for o in c.get("outputs", [])}
    assert kinds == {"display_data", "stream"}
    html = render.to_html(sample)
    assert "<table>" in html and "data:image/png;base64," in html and "kam-keep" in html


@pytest.mark.skipif(chromium() is None, reason="needs Chromium (make system-deps)")
def test_a_failing_browser_costs_time_never_the_pdf(tmp_path, monkeypatch):
    import kamreport.report.render as render
    import kamreport.report.pdf as printing

    def broken(self, html_path, *, timeout=120):
        raise ConnectionError("Chromium closed its pipe")

    monkeypatch.setattr(printing.Browser, "print_pdf", broken)
    page = tmp_path / "r.html"
    page.write_text(PAGE.replace("{title}", "报告"), encoding="utf-8")
    pdf = render.html_to_pdf(page, tmp_path / "r.pdf")       # printed by a browser of its own
    assert pdf.read_bytes().startswith(b"%PDF") and printing._BROWSER is None


def test_the_next_report_takes_a_warm_kernel_and_nothing_of_the_last(tmp_path):
    """warm_next: the next report's kernel was started (and imported the package) while this one
    ran; it is a new process, so no variable of the previous report is in it; none is left over."""
    import nbformat

    import kamreport.report.render as render

    def notebook(name, source):
        nb = nbformat.v4.new_notebook(cells=[
            nbformat.v4.new_code_cell('params_file = ""\nrun_id = ""', metadata={"tags": ["parameters"]}),
            nbformat.v4.new_code_cell(source)])
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "python3", "language": "python"}
        nbformat.write(nb, tmp_path / name)
        return tmp_path / name

    first = notebook("a.ipynb", "import os\nsecret = 1\nprint(os.getpid())")
    second = notebook("b.ipynb", "import os, sys\nprint(os.getpid(), 'secret' in globals(), 'kamreport.inputs' in sys.modules)")
    render.execute(first, tmp_path / "a.out.ipynb", {}, kernel="python3", warm_next=True)
    assert len(render._SPARES) == 1
    render.execute(second, tmp_path / "b.out.ipynb", {}, kernel="python3")
    assert render._SPARES == {}                                # taken, and no new one asked for
    pid_a = nbformat.read(tmp_path / "a.out.ipynb", as_version=4).cells[-1].outputs[0]["text"].split()[0]
    pid_b, leaked, warm = nbformat.read(tmp_path / "b.out.ipynb", as_version=4).cells[-1].outputs[0]["text"].split()
    assert pid_a != pid_b and leaked == "False" and warm == "True"


def test_a_batch_starts_the_reports_that_took_longest_last_time_first(tmp_path):
    """Graham's LPT rule on the last run's durations: a long report started last would leave the
    other workers idle while it runs (the demo lost 14 s of a core that way)."""
    from kamreport.report.batch import _last_costs, longest_first

    run = tmp_path / "20260101-000000"
    run.mkdir()
    (tmp_path / "latest").symlink_to(run.name, target_is_directory=True)
    reports = [{"name": "zh-01", "notebook": "01", "status": "ok", "durations": {"execute": 11.0, "pdf": 1.0}},
               {"name": "zh-03", "notebook": "03", "status": "ok", "durations": {"execute": 14.0, "html": 0.5}},
               {"name": "en-03", "notebook": "03", "status": "ok", "durations": {"execute": 12.0, "html": 0.5}},
               {"name": "zh-02", "notebook": "02", "status": "failed", "durations": {"execute": 30.0}},
               {"name": "en-01", "notebook": "01", "status": "unchanged", "durations": {}}]
    (run / "manifest.json").write_text(json.dumps({"reports": reports}), encoding="utf-8")
    by_name, by_notebook = _last_costs(tmp_path)
    assert by_name == {"zh-01": 12.0, "zh-03": 14.5, "en-03": 12.5}   # a failure or a link measures nothing
    assert by_notebook == {"01": 12.0, "03": 13.5}

    def cost(name):
        return by_name.get(name, by_notebook.get(name.split("-")[1]))

    tasks = ["zh-01", "zh-02", "zh-03", "en-01", "en-02", "en-03", "fr-03"]
    assert longest_first(tasks, cost) == ["zh-02", "en-02", "zh-03", "fr-03", "en-03", "zh-01", "en-01"]
    assert _last_costs(tmp_path / "nothing") == ({}, {})


def test_a_first_run_orders_its_reports_by_the_notebooks_cost_hints():
    """Before any run has measured them, the notebooks' own hints (seconds on the demo) order the
    reports: the account reviews first, the customer-value reports last."""
    from kamreport.report.batch import cost_hint, longest_first

    hints = {nb: cost_hint(nb) for nb in ("01_satisfaction", "02_customer_value", "03_account_review")}
    assert all(isinstance(h, float) and h > 0 for h in hints.values()), hints
    assert cost_hint("no_such_notebook") is None
    tasks = [(lang, nb) for lang in ("zh", "en") for nb in hints]
    assert [nb[:2] for _, nb in longest_first(tasks, lambda t: cost_hint(t[1]))] == ["03", "03", "01", "01", "02", "02"]
