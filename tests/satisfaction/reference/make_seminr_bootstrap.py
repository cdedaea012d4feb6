"""Write seminr_bootstrap_mobi.csv: seminr's bootstrap standard errors on mobi + ECSI.

Run from the repo root:  .venv/bin/python tests/satisfaction/reference/make_seminr_bootstrap.py
seminr 0.2.1 (PyPI), path weighting, 2000 resamples drawn by seminr's own seeded resampler
(seed 20240601), 2 worker processes. test_bootstrap.py compares our standard errors, from
independent resamples, with these within 15 % relative (both are random: with 2000 resamples
the standard error of a bootstrap SE is about 1/sqrt(2 * 2000) = 1.6 % of it).
"""

from __future__ import annotations

import time
from pathlib import Path

import pandas as pd
import seminr

HERE = Path(__file__).resolve().parent
MOBI = HERE.parents[2].parent / "shared" / "reference" / "mobi" / "mobi.csv"
PATHS = [("Image", "Expectation"), ("Expectation", "Quality"), ("Expectation", "Value"),
         ("Quality", "Value"), ("Image", "Satisfaction"), ("Expectation", "Satisfaction"),
         ("Quality", "Satisfaction"), ("Value", "Satisfaction"), ("Satisfaction", "Complaints"),
         ("Image", "Loyalty"), ("Satisfaction", "Loyalty"), ("Complaints", "Loyalty")]
BLOCKS = {"Image": ["IMAG1", "IMAG2", "IMAG3", "IMAG4", "IMAG5"],
          "Expectation": ["CUEX1", "CUEX2", "CUEX3"],
          "Quality": ["PERQ1", "PERQ2", "PERQ3", "PERQ4", "PERQ5", "PERQ6", "PERQ7"],
          "Value": ["PERV1", "PERV2"], "Satisfaction": ["CUSA1", "CUSA2", "CUSA3"],
          "Complaints": ["CUSCO"], "Loyalty": ["CUSL1", "CUSL2", "CUSL3"]}


def main() -> None:
    data = pd.read_csv(MOBI)
    mm = seminr.constructs(*[seminr.composite(c, items) for c, items in BLOCKS.items()])
    sm = seminr.relationships(*[seminr.paths(s, t) for s, t in PATHS])
    model = seminr.estimate_pls(data, mm, sm)
    start = time.perf_counter()
    boot = seminr.bootstrap_model(model, 2000, seed=20240601, cores=2)
    print(f"seminr bootstrap 2000: {time.perf_counter() - start:.1f} s, {boot.fails} failed")
    rows = []
    paths = boot.paths_descriptives
    for s, t in PATHS:
        rows.append(("paths", s, t, paths.get(s, f"{t} Boot SD")))
    for kind, table in (("loadings", boot.loadings_descriptives),
                        ("weights", boot.weights_descriptives)):
        for c, items in BLOCKS.items():
            for item in items:
                rows.append((kind, c, item, table.get(item, f"{c} Boot SD")))
    out = pd.DataFrame(rows, columns=["table", "first", "second", "std_error"])
    out.to_csv(HERE / "seminr_bootstrap_mobi.csv", index=False, float_format="%.8f")


if __name__ == "__main__":
    main()
