"""Modification indices of a fitted CB-SEM model: which fixed parameter to free, as lavaan.

For every parameter the model fixes at 0 that could be freed -- a cross-loading
(``construct =~ item``), a residual covariance of two items or of two constructs (``~~``), a
structural path (``target ~ source``) -- the modification index is the score test of freeing it:
the drop in chi2 that one Fisher-scoring step for that parameter promises, the others re-fitted,
``MI = g^2 / V`` with ``g`` the score and ``V = I11 - I12 I22^-1 I21`` the part of the expected
information the model's own parameters do not explain (Sörbom 1989). The expected parameter
change ``EPC = g / V`` is the value the parameter would take; ``sepc_all`` standardizes it as
``std_all`` would (covariances over the two residual SDs). As lavaan's ``modindices()``, a
candidate whose ``V`` is below ``eps^(1/3)`` per respondent (freeing it would give an equivalent
or unidentified model, e.g. the reverse of an existing path) is left out.

References
----------
Sörbom (1989), "Model modification", *Psychometrika* 54(3), 371-384. Saris, Satorra & Sörbom
(1987), "The detection and correction of specification errors in structural equation models",
*Sociological Methodology* 17. lavaan 0.6 ``modindices()``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kamreport.errors import InputError
from kamreport.satisfaction.cb_input import one_blas_thread
from kamreport.satisfaction.cb_optim import Discrepancy
from kamreport.satisfaction.cb_structure import BETA, LAMBDA, PSI, THETA, Structure
from kamreport.satisfaction.cbsem import CbsemResult, Fitted


def _candidates(structure: Structure) -> list[tuple[tuple[int, int, int], tuple[str, str, str]]]:
    """Every fixed-at-zero location that could be freed, with its lavaan label."""
    taken = {loc for where in structure.locations for loc in where}
    beta, lam, psi, theta, *_ = structure.fixed
    obs, lat = structure.observed, structure.latent
    out = []
    for c, name in enumerate(lat):
        for r, item in enumerate(obs):
            if (LAMBDA, r, c) not in taken and lam[r, c] == 0:
                out.append(((LAMBDA, r, c), (name, "=~", item)))
    for a in range(len(obs)):
        for b in range(a + 1, len(obs)):
            if not {(THETA, a, b), (THETA, b, a)} & taken and theta[a, b] == 0:
                out.append(((THETA, b, a), (obs[a], "~~", obs[b])))
    for a in range(len(lat)):
        for b in range(a + 1, len(lat)):
            if not {(PSI, a, b), (PSI, b, a)} & taken and psi[a, b] == 0:
                out.append(((PSI, b, a), (lat[a], "~~", lat[b])))
    for a in range(len(lat)):
        for b in range(len(lat)):
            if a != b and (BETA, a, b) not in taken and beta[a, b] == 0:
                out.append(((BETA, a, b), (lat[a], "~", lat[b])))
    return out


def modification_indices(result: CbsemResult, *, minimum: float = 0.0) -> pd.DataFrame:
    """Modification indices of a :func:`~kamreport.satisfaction.cbsem.fit_cbsem` result.

    Parameters
    ----------
    result : a fitted model.
    minimum : keep rows with ``mi >= minimum`` (default all; 3.84 is the 5 % critical value).

    Returns
    -------
    pandas.DataFrame
        lhs, op, rhs, mi, epc (in the items' units), sepc_all; largest ``mi`` first.

    References
    ----------
    See the module docstring.

    Examples
    --------
    >>> from kamreport.satisfaction.cbsem import fit_cbsem
    >>> hs = pd.read_csv("tests/reference/lavaan_HolzingerSwineford1939.csv")
    >>> cfa = "visual =~ x1 + x2 + x3\\ntextual =~ x4 + x5 + x6\\nspeed =~ x7 + x8 + x9"
    >>> top = modification_indices(fit_cbsem(hs, cfa)).iloc[0]
    >>> top["lhs"], top["op"], top["rhs"], round(float(top["mi"]), 2)
    ('visual', '=~', 'x9', 36.41)
    """
    fitted = result.fitted
    if fitted is None:
        raise InputError("the result carries no fitted model; refit it with fit_cbsem")
    with one_blas_thread():
        return _indices(fitted, minimum)


def _indices(fitted: Fitted, minimum: float) -> pd.DataFrame:
    base, disc, x = fitted.structure, fitted.discrepancy, fitted.x
    candidates = _candidates(base)
    k = len(x)
    extended = Structure(base.observed, base.latent, base.fixed,
                         base.locations + tuple((loc,) for loc, _ in candidates))
    wide = Discrepancy((extended,), disc.blocks, disc.meanstructure, disc.constant)
    x_ext = np.concatenate([x, np.zeros(len(candidates))])
    grad = wide.gradient(x_ext)
    info = wide.expected_hessian(x_ext) / 2  # per respondent, of -logL
    score = -grad[k:] / 2
    i22 = info[:k, :k]
    i12 = info[k:, :k]
    v = np.diag(info[k:, k:]) - np.einsum("ij,ji->i", i12, np.linalg.solve(i22, i12.T))
    keep = v >= np.finfo(float).eps ** (1 / 3)
    n = disc.n_total
    mi = n * score**2 / np.where(keep, v, np.nan)
    epc = score / np.where(keep, v, np.nan)
    implied = extended.implied(x_ext)[0]
    total = dict(zip((*base.observed, *base.latent),
                     np.sqrt([*np.diag(implied), *np.diag(base.latent_cov(x))])))
    _, _, psi, theta, *_ = base.matrices(x)
    residual = dict(zip((*base.observed, *base.latent),
                        np.sqrt([*np.diag(theta), *np.diag(psi)])))
    unit = dict(zip(base.observed, fitted.sd))
    for c, name in enumerate(base.latent):  # a construct takes its marker item's unit
        marker = np.flatnonzero(base.fixed[LAMBDA][:, c])
        unit[name] = fitted.sd[marker[0]] if len(marker) else 1.0
    records = []
    for (_, (lhs, op, rhs)), m, e, ok in zip(candidates, mi, epc, keep):
        if not ok:
            continue
        if op == "=~":
            std, factor = e * total[lhs] / total[rhs], unit[rhs] / unit[lhs]
        elif op == "~":
            std, factor = e * total[rhs] / total[lhs], unit[lhs] / unit[rhs]
        else:  # NaN next to a residual variance fixed at 0 (lavaan's auto.fix.single)
            product = residual[lhs] * residual[rhs]
            std = e / product if product > 0 else np.nan
            factor = unit[lhs] * unit[rhs]
        records.append({"lhs": lhs, "op": op, "rhs": rhs, "mi": float(m),
                        "epc": float(e * factor), "sepc_all": float(std)})
    table = pd.DataFrame.from_records(records, columns=["lhs", "op", "rhs", "mi", "epc",
                                                        "sepc_all"])
    table = table[table["mi"] >= minimum]
    return table.sort_values("mi", ascending=False, kind="stable").reset_index(drop=True)
