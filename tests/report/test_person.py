"""A demo report looked at as a person would: in a real browser and as printed pages.

Headless Chromium renders the HTML (a screenshot and the DOM after scripts ran); poppler's
pdftoppm and pdftotext (Debian poppler-utils, installed by ``make``) turn the PDF into page
images and text.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from PIL import Image, ImageStat

from kamreport.data.demo import write_demo_data
from kamreport.params import Params
from kamreport.report.render import chromium, run_report

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[2]
CJK = re.compile(r"[\u4e00-\u9fff]")
HEADINGS = ("执行摘要", "结构模型", "满意度指数")


@pytest.fixture(scope="module")
def demo_report(tmp_path_factory):
    """The Chinese satisfaction demo report, HTML and PDF."""
    if chromium() is None:
        pytest.skip("needs Chromium (make system-deps)")
    root = tmp_path_factory.mktemp("person")
    write_demo_data(root / "data" / "demo")
    spec = yaml.safe_load((REPO / "params" / "demo.yaml").read_text(encoding="utf-8"))
    spec["output"]["formats"] = ["html", "pdf"]
    spec["model"] = {**spec.get("model", {}), "bootstrap": 100}
    (root / "params").mkdir()
    path = root / "params" / "demo.yaml"
    path.write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    params = Params.from_file(path)
    outcome = run_report(params, "01_satisfaction", root / "out", run_id="person")
    assert outcome.status == "ok", outcome.error
    return params, Path(outcome.outputs["html"]), Path(outcome.outputs["pdf"])


def _browser(html: Path, tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    cmd = [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
           "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}", *args, html.resolve().as_uri()]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=180, check=True)


def _not_blank(image: Image.Image) -> bool:
    """Something drawn: the grey levels vary (a blank or one-colour page has no variance)."""
    return ImageStat.Stat(image.convert("L")).var[0] > 50.0


def test_browser_shows_the_report(demo_report, tmp_path):
    params, html, _ = demo_report
    png = tmp_path / "shot.png"
    _browser(html, tmp_path, f"--screenshot={png}", "--window-size=1200,3000")
    with Image.open(png) as shot:
        assert shot.size == (1200, 3000)
        assert _not_blank(shot)
        assert _not_blank(shot.crop((0, 0, 1200, 400)))            # the header and summary
    dom = _browser(html, tmp_path, "--dump-dom").stdout
    assert params.title in dom
    assert len(re.findall(r"<img[^>]+src=\"data:image/png;base64,", dom)) >= 6   # the charts
    text = re.sub(r"<[^>]+>", " ", re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", dom, flags=re.S))
    assert "Traceback" not in text and "Error" not in text
    assert not re.search(r'class="[^"]*jp-InputArea[^"]*"[^>]*>\s*\S', dom)   # no code shown
    assert "Params.from_file" not in dom and "load_inputs" not in dom
    assert all(h in text for h in HEADINGS)
    assert len(CJK.findall(text)) > 500                                     # Chinese text, not boxes


@pytest.mark.skipif(shutil.which("pdftoppm") is None or shutil.which("pdftotext") is None,
                    reason="needs poppler-utils (make system-deps)")
def test_printed_pages_are_drawn_and_read_back(demo_report, tmp_path):
    params, _, pdf = demo_report
    subprocess.run(["pdftoppm", "-png", "-r", "30", str(pdf), str(tmp_path / "page")], check=True, timeout=120)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert 3 <= len(pages) <= 10                     # sections flow: ~9 A4 pages, was 15
    for page in pages:
        with Image.open(page) as image:
            assert _not_blank(image), page.name
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True, timeout=120).stdout
    flat = re.sub(r"\s+", "", text)
    assert re.sub(r"\s+", "", params.title) in flat
    assert all(h in flat for h in HEADINGS)
    assert "Traceback" not in text
