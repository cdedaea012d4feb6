"""Write seminr_mga_mobi.csv: seminr's bootstrap PLS-MGA on mobi + ECSI, even vs odd rows.

Run from the repo root:  .venv/bin/python tests/satisfaction/reference/make_seminr_mga.py
seminr 0.2.1 (PyPI) ``estimate_pls_mga`` (Henseler's PLS-MGA), path weighting, 1000 resamples
per group. Groups: rows 0, 2, 4, ... ("even", seminr's group 1) and 1, 3, 5, ... ("odd"). Both
packages get the very same resamples: the index matrices are those pls_mga(..., seed=1) draws
(kamreport.satisfaction.mga.bootstrap_indices with SeedSequence(1).spawn(2)), passed to seminr
as group1_indices / group2_indices, so the p-values can be compared exactly.
Columns: source, target, group1_beta, group2_beta, diff, pls_mga_p.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import seminr

from kamreport.satisfaction.mga import bootstrap_indices
from kamreport.satisfaction.presets import ecsi

HERE = Path(__file__).resolve().parent
MOBI = HERE.parents[2].parent / "shared" / "reference" / "mobi" / "mobi.csv"
N_BOOT = 1000


def main() -> None:
    data = pd.read_csv(MOBI)
    spec = ecsi()
    mm = seminr.constructs(*[seminr.composite(c.name, list(c.items)) for c in spec.constructs])
    sm = seminr.relationships(*[seminr.paths(s, t) for s, t in spec.paths])
    model = seminr.estimate_pls(data, mm, sm)
    even = np.arange(len(data)) % 2 == 0
    seeds = np.random.SeedSequence(1).spawn(2)
    first = bootstrap_indices(int(even.sum()), N_BOOT, seeds[0])
    second = bootstrap_indices(int((~even).sum()), N_BOOT, seeds[1])
    rows = seminr.estimate_pls_mga(model, even, nboot=N_BOOT, group1_indices=first.tolist(),
                                   group2_indices=second.tolist())
    out = pd.DataFrame([{"source": r.source, "target": r.target, "group1_beta": r.group1_beta,
                         "group2_beta": r.group2_beta, "diff": r.diff, "pls_mga_p": r.pls_mga_p}
                        for r in rows])
    out.to_csv(HERE / "seminr_mga_mobi.csv", index=False, float_format="%.10f")


if __name__ == "__main__":
    main()
