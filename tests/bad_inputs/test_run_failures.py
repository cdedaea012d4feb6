"""The catalogue's report-run cases: a notebook that raises, a kernel that dies, a full disk, a
read-only output folder, and bad input given to ``run``. Each through the real ``kamreport run``
with stand-in notebooks (one code cell; ``KAMREPORT_NOTEBOOKS``), so that no analysis is paid for.

Exit 1 when a report failed (the others written, the manifest says which); exit 2 for bad
parameters or input, with nothing written; never a traceback, never a half-written file.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kamreport.cli import app

pytestmark = pytest.mark.slow

RAISES = (
    'import pathlib\nif "bad" in pathlib.Path(params_file).name:\n'
    '    raise RuntimeError("boom in the notebook")\nprint("fine")'
)
DIES = 'import os, pathlib\nif "bad" in pathlib.Path(params_file).name:\n    os._exit(1)\nprint("fine")'
FINE = 'print("fine")'


def _two_sets(project) -> Path:
    """A folder with good.yaml and bad.yaml (the same valid survey-only parameter set)."""
    folder = project.root / "params"
    folder.mkdir()
    params = {
        **project.survey_only(),
        "data": {k: str(project.root / v) for k, v in project.survey_only()["data"].items()},
    }
    project.write_params(params, "params/good.yaml")
    project.write_params(params, "params/bad.yaml")
    return folder


def _manifest(run_dir: Path) -> dict:
    return json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))


def _no_partial_files(folder: Path) -> None:
    leftovers = [p.name for p in folder.rglob("*") if p.name.startswith(".") or p.suffix == ".tmp"]
    assert not leftovers, leftovers


@pytest.mark.parametrize("jobs", [1, 2])
def test_notebook_that_raises_fails_its_report_only(project, notebooks, tmp_path, jobs):
    notebooks(RAISES)
    out = tmp_path / "reports"
    result = CliRunner().invoke(
        app, ["run", str(_two_sets(project)), "--out", str(out), "--run-id", "r1", "-j", str(jobs)]
    )
    assert result.exit_code == 1, result.output
    assert "FAILED  bad-01_satisfaction (cell 2): RuntimeError: boom in the notebook" in result.output
    assert "Traceback" not in result.output
    manifest = _manifest(out / "r1")
    assert (manifest["ok"], manifest["failed"]) == (1, 1)
    bad = next(r for r in manifest["reports"] if r["name"] == "bad-01_satisfaction")
    assert bad["status"] == "failed" and bad["failed_cell"] == 2 and "boom" in bad["error"]
    assert (out / "r1" / "good-01_satisfaction.html").is_file()
    assert not (out / "r1" / "bad-01_satisfaction.html").exists()
    _no_partial_files(out / "r1")


def test_kernel_that_dies_fails_its_report_only(project, notebooks, tmp_path):
    notebooks(DIES)
    out = tmp_path / "reports"
    result = CliRunner().invoke(app, ["run", str(_two_sets(project)), "--out", str(out), "--run-id", "r1"])
    assert result.exit_code == 1, result.output
    assert re.search(r"FAILED  bad-01_satisfaction: \w*(DeadKernel|Kernel)\w*: ", result.output), (
        result.output
    )
    manifest = _manifest(out / "r1")
    assert (manifest["ok"], manifest["failed"]) == (1, 1)
    assert (out / "r1" / "good-01_satisfaction.html").is_file()
    _no_partial_files(out / "r1")


def test_full_disk_is_one_line_and_leaves_no_partial_files(project, notebooks, tiny_disk):
    notebooks(FINE + "\nprint('x' * 200_000)")  # an HTML report larger than the 64 KiB disk
    result = CliRunner().invoke(
        app,
        ["run", str(project.write_params(project.survey_only())), "--out", str(tiny_disk), "--run-id", "r1"],
    )
    assert result.exit_code == 1 and not isinstance(result.exception, OSError), result.output
    lines = [
        line for line in result.output.splitlines() if "No space left on device" in line or "no space" in line
    ]
    assert lines and "Traceback" not in result.output, result.output
    assert not (tiny_disk / "r1" / "p-01_satisfaction.html").exists()
    _no_partial_files(tiny_disk)


def test_full_disk_message_names_the_folder_and_the_fix(project, notebooks, tiny_disk):
    notebooks(FINE + "\nprint('x' * 200_000)")
    result = CliRunner().invoke(
        app,
        ["run", str(project.write_params(project.survey_only())), "--out", str(tiny_disk), "--run-id", "r1"],
    )
    assert re.search(
        rf"FAILED  p-01_satisfaction: {re.escape(str(tiny_disk))}\S*: no space left on device; free "
        r"space or choose another --out",
        result.output,
    ), result.output


def test_read_only_output_folder_is_refused_before_running(project, notebooks, read_only_dir):
    notebooks(FINE)
    result = CliRunner().invoke(
        app,
        ["run", str(project.write_params(project.survey_only())), "--out", str(read_only_dir / "reports")],
    )
    assert result.exit_code == 2, result.output
    assert re.fullmatch(
        r"kamreport: error: .*reports: output folder cannot be written \(.*\); choose another --out"
        r" or output\.dir\n",
        result.output,
    ), result.output


def test_run_refuses_bad_input_before_writing_anything(project, notebooks, tmp_path):
    notebooks(FINE)
    frame = project.survey.copy()
    frame.loc[3, "CUSA1"] = 11
    project.write_survey(frame)
    params = project.write_params(project.survey_only())
    validate = CliRunner().invoke(app, ["validate", str(params)])
    assert validate.exit_code == 2
    out = tmp_path / "never"
    result = CliRunner().invoke(app, ["run", str(params), "--out", str(out)])
    assert result.exit_code == 2 and result.output == validate.output
    assert not out.exists()
