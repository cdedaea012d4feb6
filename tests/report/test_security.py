"""What we write is safe to mail: data-derived strings are escaped (checked in real headless
Chromium), no secret reaches any output, pseudonymized reports hold no identifier, and a
parameter value is never executed."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pandas as pd
import pytest
import yaml

from kamreport.data.demo import write_demo_data
from kamreport.params import Params
from kamreport.report.batch import run_batch
from kamreport.report.render import chromium

pytestmark = pytest.mark.slow
ATTACK = "<script>document.title='pwned'</script><img src=x onerror=\"document.title='pwned'\">"


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = tmp_path_factory.mktemp("safe")
    write_demo_data(root, n_accounts=60, n_respondents=300, n_transactions_target=8_000)
    accounts = pd.read_csv(root / "accounts.csv")
    accounts["account_name"] = accounts["account_name"] + ATTACK
    accounts.to_csv(root / "accounts.csv", index=False)
    survey = pd.read_csv(root / "survey.csv")
    survey["comment"] = ATTACK
    survey.to_csv(root / "survey.csv", index=False)
    return root


def _params(root: Path, name: str, **extra) -> Params:
    spec = {"title": extra.pop("title", "安全检查 <b>bold</b>"), "language": "zh",
            "notebooks": ["02_customer_value", "03_account_review"],
            "data": {"survey": "survey.csv", "codebook": "codebook.yaml", "accounts": "accounts.csv",
                     "transactions": {"path": "transactions.csv", "customer": "account_id",
                                      "date": "order_date", "amount": "amount", "order_id": "order_id"}},
            "model": {"bootstrap": 0, "cbsem": False}, "output": {"formats": ["html"], "dir": "out"}, **extra}
    path = root / f"{name}.yaml"
    path.write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    return Params.from_file(path)


def _dom(html: Path) -> str:
    browser = chromium()
    assert browser, "Chromium is needed (make test installs it)"
    out = subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                          "--no-first-run", f"--user-data-dir={html.parent / '.chromium'}",
                          "--virtual-time-budget=5000", "--dump-dom", html.resolve().as_uri()],
                         capture_output=True, text=True, timeout=120, check=True)
    return out.stdout


def test_planted_scripts_do_not_run_in_chromium(project, tmp_path):
    result = run_batch([_params(project, "attack")], out_dir=tmp_path, run_id="r", progress=False)
    assert result.ok, [(o.name, o.error) for o in result.failed]
    for outcome in result.outcomes:
        html = Path(outcome.outputs["html"])
        dom = _dom(html)
        assert "<title>pwned</title>" not in dom and "pwned" not in dom.split("<title>", 1)[1].split("</title>")[0]
        assert "&lt;script&gt;document.title" in dom            # shown as text, escaped
        assert "<script>document.title" not in html.read_text(encoding="utf-8")
        assert "&lt;b&gt;bold&lt;/b&gt;" in dom                   # the title is data too


def test_no_secret_is_written_anywhere(project, tmp_path, capsys):
    params = _params(project, "secret", data={"transactions": {
        "path": "postgresql://analyst:s3cret-pw@127.0.0.1:1/crm", "table": "orders", "customer": "account_id",
        "date": "order_date", "amount": "amount"}}, notebooks=["02_customer_value"])
    good = _params(project, "good", notebooks=["02_customer_value"])
    result = run_batch([params, good], out_dir=tmp_path, run_id="r", progress=False)
    assert [o.status for o in result.outcomes] == ["invalid", "ok"]
    assert "analyst:***@127.0.0.1" in result.outcomes[0].error
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert b"s3cret-pw" not in path.read_bytes(), path
    assert "s3cret-pw" not in "".join(capsys.readouterr())


def test_pseudonymized_report_holds_no_identifier(project, tmp_path, monkeypatch):
    monkeypatch.setenv("KAMREPORT_PSEUDONYM_KEY", "k" * 32)
    accounts = pd.read_csv(project / "accounts.csv")
    result = run_batch([_params(project, "pseudo", pseudonymize=True)], out_dir=tmp_path, run_id="r",
                       progress=False)
    assert result.ok, [(o.name, o.error) for o in result.failed]
    ids = set(accounts["account_id"]) | set(accounts["account_name"].str.replace(ATTACK, "", regex=False))
    for path in tmp_path.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".ipynb", ".json", ".log"):
            text = path.read_text(encoding="utf-8", errors="replace")
            found = [i for i in ids if i in text]
            assert not found, (path.name, found[:3])
    again = run_batch([_params(project, "pseudo", pseudonymize=True)], out_dir=tmp_path / "2", run_id="r",
                      progress=False)
    first = Path(result.outcomes[0].outputs["html"]).read_text(encoding="utf-8")
    second = Path(again.outcomes[0].outputs["html"]).read_text(encoding="utf-8")
    assert "ACC-" in first and sorted(set(_pseudonyms(first))) == sorted(set(_pseudonyms(second)))


def _pseudonyms(text: str) -> list[str]:
    import re

    return re.findall(r"ACC-[0-9a-f]{12}", text)


def test_pseudonymize_without_a_key_is_refused(project, monkeypatch):
    from kamreport.errors import InputError
    from kamreport.inputs import check_inputs

    monkeypatch.delenv("KAMREPORT_PSEUDONYM_KEY", raising=False)
    with pytest.raises(InputError, match=r"KAMREPORT_PSEUDONYM_KEY is not set; fix: export"):
        check_inputs(_params(project, "nokey", pseudonymize=True))


def test_a_parameter_value_is_never_executed(project, tmp_path):
    marker = tmp_path / "pwned"
    title = f'x"""\nimport pathlib; pathlib.Path({str(marker)!r}).touch()\n"""'
    result = run_batch([_params(project, "inject", title=title, notebooks=["02_customer_value"])],
                       out_dir=tmp_path / "out", run_id="r", progress=False)
    assert result.ok and not marker.exists()
    manifest = json.loads((result.run_dir / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["reports"][0]["params"]["title"] == title
