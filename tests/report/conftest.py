"""A small real survey for report runs: mobi (Tenenhaus et al. 2005) with ids, region and wave."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import yaml

BLOCKS = {"Image": "IMAG", "Expectation": "CUEX", "Quality": "PERQ", "Value": "PERV",
          "Satisfaction": "CUSA", "Complaints": "CUSCO", "Loyalty": "CUSL"}


@pytest.fixture(scope="session")
def mobi_project(tmp_path_factory, reference_dir):
    """A folder with survey.csv, codebook.yaml and a parameter file ``mobi.yaml`` (HTML only)."""
    root = tmp_path_factory.mktemp("mobi_project")
    df = pd.read_csv(reference_dir / "mobi" / "mobi.csv")
    rng = np.random.default_rng(3)
    df.insert(0, "respondent_id", [f"R{i:04d}" for i in range(len(df))])
    df.insert(1, "account_id", [f"A{i % 60:03d}" for i in range(len(df))])
    df.insert(2, "region", rng.choice(["华东", "华南", "华北"], len(df)))
    df.insert(3, "wave", np.arange(len(df)) % 2 + 1)
    df.to_csv(root / "survey.csv", index=False)
    items = {c: {"construct": name} for name, prefix in BLOCKS.items() for c in df.columns if c.startswith(prefix)}
    codebook = {
        "name": "mobi", "respondent_id": "respondent_id", "scale": {"min": 1, "max": 10},
        "constructs": {c: {"zh": c, "en": c} for c in BLOCKS}, "items": items,
        "columns": {"account_id": "str", "region": "str", "wave": "int"},
    }
    (root / "codebook.yaml").write_text(yaml.safe_dump(codebook, allow_unicode=True, sort_keys=False))
    params = {"title": "Mobi 测试报告", "language": "zh", "data": {"survey": "survey.csv", "codebook": "codebook.yaml"},
              "segment": "region", "wave": "wave", "output": {"formats": ["html"], "dir": "out"}}
    (root / "mobi.yaml").write_text(yaml.safe_dump(params, allow_unicode=True))
    return root
