"""analyse_satisfaction's caveats: statistical faults never pass silently."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from kamreport.satisfaction.analysis import cfa_spec, statistical_faults
from kamreport.satisfaction.presets import ecsi


def test_faults_are_counted_and_worded():
    paths = np.ones((10, 3))
    paths[[2, 5]] = np.nan
    draws = SimpleNamespace(n_resamples=10, draws={"paths": paths, "converged": np.r_[[False] * 3, [True] * 7]})
    pls = SimpleNamespace(converged=False, iterations=300, bootstrap=draws)
    cb = SimpleNamespace(converged=True, proper=False, warnings=("negative variance of CUSCO",))
    faults = statistical_faults(pls, cb)
    assert faults == ["PLS did not converge in 300 iterations: the estimates are not final",
                      "2 of 10 bootstrap resamples failed (left out of the intervals)",
                      "3 of 10 bootstrap resamples hit the iteration cap (kept)",
                      "the CB-SEM solution is improper (e.g. a negative variance): negative variance of CUSCO"]
    clean = SimpleNamespace(converged=True, iterations=5, bootstrap=None)
    assert statistical_faults(clean, SimpleNamespace(converged=True, proper=True, warnings=())) == []


def test_cfa_spec_keeps_the_measurement_only():
    spec = cfa_spec(ecsi())
    assert not spec.paths and [c.name for c in spec.constructs] == [c.name for c in ecsi().constructs]
