"""Measurement invariance across groups: the configural / metric / scalar ladder, as lavaan.

Before comparing construct scores between groups (segments, waves, countries), the constructs
must be measured the same way in each. The ladder fits three multi-group CB-SEM models by ML
with a mean structure (lavaan's ``cfa(..., group = g)``):

- **configural**: the same model in every group, every parameter free per group;
- **metric** (weak): loadings equal across groups (``group.equal = "loadings"``);
- **scalar** (strong): loadings and item intercepts equal, the construct means free in every
  group but the first (fixed to 0 there) (``group.equal = c("loadings", "intercepts")``).

Each step is compared with the one below by the chi2-difference (likelihood-ratio) test and by
the change in fit: non-invariance when ``delta CFI <= -0.01`` (Cheung & Rensvold 2002) or
``delta RMSEA >= 0.015`` (Chen 2007). Fit indices as lavaan computes them for several groups:
``chi2 = sum_g N_g F_g``, the baseline the independence model per group, ``RMSEA =
sqrt(max(chi2 - df, 0) / (df N)) sqrt(G)``, SRMR the N_g-weighted mean of the groups' SRMRs
(mean residuals included).

References
----------
Meredith (1993), "Measurement invariance, factor analysis and factorial invariance",
*Psychometrika* 58(4). Cheung & Rensvold (2002), *Structural Equation Modeling* 9(2), 233-255.
Chen (2007), *Structural Equation Modeling* 14(3), 464-504. lavaan tutorial "Multiple groups".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from kamreport.errors import InputError
from kamreport.satisfaction.cb_input import (
    check_model,
    new_model,
    one_blas_thread,
    prepare_data,
    semopy_syntax,
)
from kamreport.satisfaction.cb_optim import Block, Discrepancy, fisher_scoring, start_values
from kamreport.satisfaction.cb_structure import ALPHA, Structure, from_semopy, with_intercepts
from kamreport.satisfaction.fitindices import chi2_indices, likelihood_measures
from kamreport.satisfaction.spec import ModelSpec

STEPS = ("configural", "metric", "scalar")
#: Cheung & Rensvold (2002): a CFI drop of 0.01 or more signals non-invariance.
DELTA_CFI = -0.01
#: Chen (2007): an RMSEA rise of 0.015 or more signals non-invariance.
DELTA_RMSEA = 0.015


@dataclass(frozen=True)
class InvarianceResult:
    """The invariance ladder (see :func:`measurement_invariance`).

    Attributes
    ----------
    table : indexed configural / metric / scalar: chi2, df, p_value, cfi, tli, rmsea, srmr,
        n_params, logl, chi2_diff, df_diff, p_diff, delta_cfi, delta_rmsea, invariant
        (bool; the configural row: converged), verdict.
    estimates : per step, lval, op, rval, group, estimate (the items' units).
    groups : group labels in order of first appearance (the first is the reference of the
        construct means). n : rows per group. converged : per step.
    level : the highest step that holds ("scalar", "metric", "configural").
    """

    table: pd.DataFrame
    estimates: dict[str, pd.DataFrame]
    groups: tuple[str, ...]
    n: dict[str, int]
    converged: dict[str, bool]
    level: str


def measurement_invariance(data: pd.DataFrame, spec: ModelSpec | str, group: str, *,
                           residual_covariances: Sequence[tuple[str, str]] = (),
                           max_iter: int = 2_000) -> InvarianceResult:
    """Fit the configural, metric and scalar multi-group models and compare them.

    Parameters
    ----------
    data : respondents x items, with the ``group`` column; rows with a missing item or group
        are left out (listwise).
    spec : :class:`ModelSpec` or lavaan-style text (a CFA: only ``=~`` lines, or a full model).
    group : the column that defines the groups (at least 2, each with more rows than items).
    residual_covariances : item pairs whose residuals covary (in every group).
    max_iter : iteration cap of each fit.

    Returns
    -------
    InvarianceResult

    References
    ----------
    See the module docstring.

    Examples
    --------
    >>> hs = pd.read_csv("tests/reference/lavaan_HolzingerSwineford1939.csv")
    >>> cfa = "visual =~ x1 + x2 + x3\\ntextual =~ x4 + x5 + x6\\nspeed =~ x7 + x8 + x9"
    >>> ladder = measurement_invariance(hs, cfa, group="school")
    >>> ladder.table["chi2"].round(2).tolist(), ladder.level
    ([115.85, 124.04, 164.1], 'metric')
    """
    with one_blas_thread():
        return _ladder(data, spec, group, residual_covariances, max_iter)


def _ladder(data: pd.DataFrame, spec: ModelSpec | str, group: str,
            residual_covariances: Sequence[tuple[str, str]], max_iter: int
            ) -> InvarianceResult:
    spec, pairs = check_model(spec, residual_covariances)
    if not isinstance(data, pd.DataFrame) or group not in data.columns:
        raise InputError(f"group column {group!r} is not in the data; name one of its columns")
    frame = data.loc[data[group].notna()].reset_index(drop=True)
    items, _ = prepare_data(frame, spec, "listwise")
    labels_of_rows = frame.loc[items.index, group]
    groups = tuple(pd.unique(labels_of_rows))
    if len(groups) < 2:
        raise InputError(f"group column {group!r} has {len(groups)} group(s) with complete "
                         "answers; measurement invariance needs at least 2")
    raw = items.to_numpy()
    centre, sd = raw.mean(axis=0), raw.std(axis=0)
    z = (raw - centre) / sd  # one scaling for all groups: equal loadings stay equal
    p = z.shape[1]
    parts = [z[(labels_of_rows == g).to_numpy()] for g in groups]
    small = [str(g) for g, part in zip(groups, parts) if len(part) <= p]
    if small:
        raise InputError(f"group(s) {', '.join(small)} have no more rows than the {p} items; "
                         "merge small groups or collect more data")
    alias = {name: f"v{i}" for i, name in enumerate((*spec.items, *spec.names))}
    back = {a: name for name, a in alias.items()}
    base, labels, lower, _ = from_semopy(new_model(semopy_syntax(spec, pairs, alias), p),
                                         list(spec.items), list(spec.names), back)
    base, labels, lower = with_intercepts(base, labels, lower)
    moments = [(part.mean(axis=0), np.cov(part, rowvar=False, bias=True)) for part in parts]
    rows, fits, estimates, converged = [], {}, {}, {}
    for step in STEPS:
        fit, table, ok = _fit_step(step, base, labels, lower, moments, [len(x) for x in parts],
                                   max_iter, sd, centre, groups)
        fits[step], estimates[step], converged[step] = fit, table, ok
        rows.append(fit)
    table = pd.DataFrame(rows, index=pd.Index(STEPS, name="model"))
    table = _compare(table, converged)
    holds = [s for s in STEPS if bool(table.loc[s, "invariant"])]
    level = "configural"
    for step in STEPS[1:]:
        if step in holds and level == STEPS[STEPS.index(step) - 1]:
            level = step
    return InvarianceResult(table, estimates, tuple(str(g) for g in groups),
                            {str(g): len(x) for g, x in zip(groups, parts)}, converged, level)


def _fit_step(step: str, base: Structure, labels: list[tuple[str, str, str]],
              lower: np.ndarray, moments: list[tuple[np.ndarray, np.ndarray]], sizes: list[int],
              max_iter: int, sd: np.ndarray, centre: np.ndarray, groups: tuple
              ) -> tuple[dict[str, float], pd.DataFrame, bool]:
    shared = {"configural": (), "metric": ("=~",), "scalar": ("=~", "~1")}[step]
    index: dict[tuple, int] = {}
    structures, global_lower = [], []
    for g in range(len(groups)):
        locations: dict[int, list] = {}
        for k, (label, where) in enumerate(zip(labels, base.locations)):
            name = (*label, "" if label[1] in shared else g)
            if name not in index:
                index[name] = len(index)
                global_lower.append(lower[k])
            locations.setdefault(index[name], []).extend(where)
        if step == "scalar" and g > 0:  # construct means, free beyond the first group
            for c, construct in enumerate(base.latent):
                index[(construct, "~1", "", g)] = len(index)
                global_lower.append(-np.inf)
                locations[index[(construct, "~1", "", g)]] = [(ALPHA, c, 0)]
        structures.append(locations)
    k = len(index)
    built = tuple(Structure(base.observed, base.latent, base.fixed,
                            tuple(tuple(loc.get(i, ())) for i in range(k))) for loc in structures)
    n = float(sum(sizes))
    blocks = tuple(Block(g, np.arange(len(sd)), float(m), mean, cov)
                   for g, (m, (mean, cov)) in enumerate(zip(sizes, moments)))
    constant = sum(m * (np.linalg.slogdet(cov)[1] + len(sd))
                   for m, (_, cov) in zip(sizes, moments)) / n
    disc = Discrepancy(built, blocks, True, constant=constant)
    starts = np.zeros(k)
    counts = np.zeros(k)
    for g, (mean, cov) in enumerate(moments):
        local = start_values(base, labels, cov, mean)
        for j, label in enumerate(labels):
            i = index[(*label, "" if label[1] in shared else g)]
            starts[i] += local[j]
            counts[i] += 1
    starts = np.where(counts > 0, starts / np.maximum(counts, 1), 0.0)
    result = fisher_scoring(disc, starts, np.array(global_lower), max_iter=max_iter)
    return (_fit_measures(disc, result.x, sizes, moments, k, sd),
            _estimates(index, result.x, sd, centre, base, groups), result.converged)


def _fit_measures(disc: Discrepancy, x: np.ndarray, sizes: list[int],
                  moments: list[tuple[np.ndarray, np.ndarray]], k: int, sd: np.ndarray
                  ) -> dict[str, float]:
    n, groups, p = float(sum(sizes)), len(sizes), len(sd)
    chi2 = max(n * disc.value(x), 0.0)
    df = groups * (p * (p + 1) // 2 + p) - k
    baseline = sum(m * (np.sum(np.log(np.diag(cov))) - np.linalg.slogdet(cov)[1])
                   for m, (_, cov) in zip(sizes, moments))
    out = chi2_indices(chi2, df, baseline, groups * p * (p - 1) // 2, n)
    if df > 0:
        out["rmsea"] = float(np.sqrt(max(chi2 - df, 0.0) / (df * n)) * np.sqrt(groups))
    srmr = 0.0
    for structure, m, (mean, cov) in zip(disc.structures, sizes, moments):
        sigma, mu = structure.implied(x)
        scale = np.sqrt(np.diag(cov))
        residual = (cov - sigma) / np.outer(scale, scale)
        squares = np.sum(residual[np.tril_indices(p)] ** 2) + np.sum(((mean - mu) / scale) ** 2)
        srmr += m / n * np.sqrt(squares / (p * (p + 1) / 2 + p))
    unrestricted = -sum(m * (p * np.log(2 * np.pi) + np.linalg.slogdet(cov)[1] + p)
                        for m, (_, cov) in zip(sizes, moments)) / 2 - n * np.sum(np.log(sd))
    return {**out, "srmr": float(srmr), **likelihood_measures(unrestricted - chi2 / 2, k, n),
            "unrestricted_logl": float(unrestricted)}


def _estimates(index: dict[tuple, int], x: np.ndarray, sd: np.ndarray, centre: np.ndarray,
               base: Structure, groups: tuple) -> pd.DataFrame:
    """Every parameter of every group (shared ones repeated), in the items' units."""
    unit = dict(zip(base.observed, sd))
    offset = dict(zip(base.observed, centre))
    for c, name in enumerate(base.latent):
        marker = np.flatnonzero(base.fixed[1][:, c])
        unit[name] = sd[marker[0]] if len(marker) else 1.0
    records = []
    for g, label in enumerate(groups):
        for (lhs, op, rhs, owner), i in index.items():
            if owner not in ("", g):
                continue
            value = x[i]
            if op == "=~":
                value = value * unit[rhs] / unit[lhs]
            elif op == "~":
                value = value * unit[lhs] / unit[rhs]
            elif op == "~~":
                value = value * unit[lhs] * unit[rhs]
            else:  # intercepts back to the items' origin; construct means in marker units
                value = offset.get(lhs, 0.0) + value * unit[lhs]
            records.append({"lval": lhs, "op": op, "rval": rhs, "group": str(label),
                            "estimate": float(value)})
    return pd.DataFrame.from_records(records)


def _compare(table: pd.DataFrame, converged: dict[str, bool]) -> pd.DataFrame:
    table = table[["chi2", "df", "p_value", "cfi", "tli", "rmsea", "srmr", "n_params", "logl",
                   "baseline_chi2", "baseline_df"]].copy()
    diff = table["chi2"].diff()
    ddf = table["df"].diff()
    table["chi2_diff"], table["df_diff"] = diff, ddf
    table["p_diff"] = [np.nan if np.isnan(d) else float(stats.chi2.sf(d, f))
                       for d, f in zip(diff, ddf)]
    table["delta_cfi"], table["delta_rmsea"] = table["cfi"].diff(), table["rmsea"].diff()
    invariant, verdict = [], []
    for step, row in table.iterrows():
        if step == "configural":
            invariant.append(bool(converged[step]))
            verdict.append("baseline model" if converged[step] else "did not converge")
            continue
        reasons = [f"delta CFI {row['delta_cfi']:.3f} <= {DELTA_CFI}"] * bool(
            row["delta_cfi"] <= DELTA_CFI)
        reasons += [f"delta RMSEA {row['delta_rmsea']:.3f} >= {DELTA_RMSEA}"] * bool(
            row["delta_rmsea"] >= DELTA_RMSEA)
        reasons += ["did not converge"] * (not converged[str(step)])
        invariant.append(not reasons)
        verdict.append("invariant" if not reasons else "not invariant: " + "; ".join(reasons))
    table["invariant"], table["verdict"] = invariant, verdict
    return table
