"""A small valid project (survey, codebook, orders, parameters) that each catalogue case spoils.

The survey is mobi (Tenenhaus et al. 2005, ECSI items, 250 respondents) with ids added; the
orders are the first customers of the CDNOW sample (US dollars). Both are published data sets
in ../shared/reference.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pandas as pd
import pytest
import yaml

BLOCKS = {
    "Image": "IMAG",
    "Expectation": "CUEX",
    "Quality": "PERQ",
    "Value": "PERV",
    "Satisfaction": "CUSA",
    "Complaints": "CUSCO",
    "Loyalty": "CUSL",
}


@dataclass
class Project:
    """Files of one parameter set in ``root``; cases change them and return the CLI arguments."""

    root: Path
    survey: pd.DataFrame
    orders: pd.DataFrame
    codebook: dict
    params: dict

    def write(self) -> Path:
        """(Re)write every file from the current attributes; returns the parameter file."""
        self.write_survey(self.survey)
        self.write_orders(self.orders)
        self.write_codebook(self.codebook)
        return self.write_params(self.params)

    def write_survey(self, frame: pd.DataFrame, **kw) -> Path:
        path = self.root / "survey.csv"
        frame.to_csv(path, index=False, **kw)
        return path

    def write_orders(self, frame: pd.DataFrame, **kw) -> Path:
        path = self.root / "orders.csv"
        frame.to_csv(path, index=False, **kw)
        return path

    def write_codebook(self, codebook: dict) -> Path:
        path = self.root / "codebook.yaml"
        path.write_text(yaml.safe_dump(codebook, allow_unicode=True, sort_keys=False), encoding="utf-8")
        return path

    def write_params(self, params: dict, name: str = "p.yaml") -> Path:
        path = self.root / name
        path.write_text(yaml.safe_dump(params, allow_unicode=True, sort_keys=False), encoding="utf-8")
        return path

    def round_amounts(self) -> "Project":
        """The project with whole-dollar amounts (no value shows its decimal mark)."""
        self.orders = self.orders.assign(amount=self.orders["amount"].round().astype(int))
        return self

    def survey_only(self) -> dict:
        data = {k: v for k, v in self.params["data"].items() if k != "transactions"}
        return {**self.params, "notebooks": ["01_satisfaction"], "data": data}

    def orders_only(self) -> dict:
        data = {"transactions": self.params["data"]["transactions"]}
        return {**self.params, "notebooks": ["02_customer_value"], "data": data}


@pytest.fixture(scope="session")
def published(reference_dir) -> tuple[pd.DataFrame, pd.DataFrame]:
    survey = pd.read_csv(reference_dir / "mobi" / "mobi.csv")
    survey.insert(0, "respondent_id", [f"R{i:04d}" for i in range(len(survey))])
    survey.insert(1, "region", ["华东", "华南", "华北", "西部", "东北"] * (len(survey) // 5))
    orders = pd.read_csv(
        reference_dir / "cdnow" / "CDNOW_sample.txt",
        sep=r"\s+",
        header=None,
        names=["master", "customer", "date", "cds", "amount"],
    )
    orders = orders[orders["customer"] <= 150].drop(columns="master").reset_index(drop=True)
    return survey, orders


@pytest.fixture()
def project(tmp_path, published) -> Project:
    survey, orders = published
    items = {
        c: {"construct": name}
        for name, prefix in BLOCKS.items()
        for c in survey.columns
        if c.startswith(prefix)
    }
    codebook = {
        "respondent_id": "respondent_id",
        "scale": {"min": 1, "max": 10},
        "items": items,
        "columns": {"region": "str"},
    }
    params = {
        "title": "Catalogue",
        "language": "en",
        "currency": "USD",
        "notebooks": ["01_satisfaction", "02_customer_value"],
        "data": {
            "survey": "survey.csv",
            "codebook": "codebook.yaml",
            "transactions": {
                "path": "orders.csv",
                "customer": "customer",
                "date": "date",
                "amount": "amount",
            },
        },
        "segment": "region",
        "model": {"bootstrap": 0, "cbsem": False},
        "value": {"observation_end": "1998-06-30"},
        "output": {"dir": "out"},
    }
    p = Project(tmp_path, survey.copy(), orders.copy(), codebook, params)
    p.write()
    return p


def fake_notebooks(folder: Path, source: str) -> Path:
    """``folder`` with both report notebooks replaced by one whose code is ``source`` (after the
    papermill parameters cell): a report that raises, or whose kernel dies, without a real analysis."""
    folder.mkdir(parents=True, exist_ok=True)
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell('params_file = ""\nrun_id = ""')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, nbformat.v4.new_code_cell(source)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    for name in ("01_satisfaction", "02_customer_value"):
        nbformat.write(nb, folder / f"{name}.ipynb")
    return folder


@pytest.fixture()
def notebooks(tmp_path, monkeypatch):
    """``install(source)``: stand-in report notebooks for this test, in-process and for workers."""
    from kamreport.report import render

    def install(source: str) -> Path:
        folder = fake_notebooks(tmp_path / "notebooks", source)
        monkeypatch.setenv("KAMREPORT_NOTEBOOKS", str(folder))
        monkeypatch.setattr(render, "NOTEBOOK_DIR", folder)
        return folder

    return install


@pytest.fixture()
def tiny_disk(tmp_path):
    """A 64 KiB tmpfs (root only): writes fail with ENOSPC once it is full; unmounted afterwards."""
    mount = tmp_path / "tiny"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)], capture_output=True
    )
    if done.returncode != 0:
        pytest.fail(f"cannot mount a tmpfs (root needed): {done.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


@pytest.fixture()
def read_only_dir(tmp_path):
    """A read-only tmpfs: even root cannot write into it."""
    mount = tmp_path / "ro"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "ro,size=64k", "tmpfs", str(mount)], capture_output=True
    )
    if done.returncode != 0:
        pytest.fail(f"cannot mount a read-only tmpfs (root needed): {done.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)
