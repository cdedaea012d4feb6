"""Importance–performance map analysis (IPMA) of a PLS path model (Ringle & Sarstedt 2016).

Performance is the 0–100 index of :mod:`kamreport.satisfaction.index` (its mean over the
respondents, weighted with the case weights of a weighted fit); importance is the
unstandardized total effect on the target of the rescaled latent scores. The module is named
``importance`` rather than ``ipma``: a submodule named like the function would replace the
function on the package once imported.

References
----------
Ringle & Sarstedt (2016), "Gain more insight from your PLS-SEM results: the
importance-performance map analysis", *Industrial Management & Data Systems* 116(9), 1865–1886.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from kamreport.errors import InputError
from kamreport.satisfaction.index import (DEFAULT_SCALE, ScaleArg, _index_values, _rescaled_items,
                                          item_scale, rescaled_weights, weight_caveats)
from kamreport.satisfaction.pls import PlsResult
from kamreport.satisfaction.spec import ModelSpec

QUADRANTS = ("concentrate here", "keep up", "low priority", "possible overkill")


def ipma(data: pd.DataFrame, spec: ModelSpec, pls: PlsResult, *, target: str = "Satisfaction",
         scale: ScaleArg = DEFAULT_SCALE, level: Literal["construct", "item"] = "construct") -> pd.DataFrame:
    """Importance–performance map analysis of ``target`` (Ringle & Sarstedt 2016).

    Performance is the 0–100 index (mean over ``data``'s respondents, as
    :func:`index_scores`). Importance is the *unstandardized* total effect on ``target`` of
    the rescaled (0–100) latent scores, i.e. the total effect one gets by OLS on the scores
    ``L_j = Σ u·y / Σ u`` (Ringle & Sarstedt, step 3). Because ``L_j = (100 / U_j) · score_j +
    const`` with ``U_j = Σ_i w_i (max_i − min_i) / sd_i`` (the score has variance 1 on the
    fitted data), the unstandardized total effect is the PLS total effect times
    ``U_source / U_target``; the tests check this against the direct regression. Item level:
    importance of an item = its rescaled weight × its construct's unstandardized total effect;
    performance = the item's mean on 0–100.

    Parameters
    ----------
    data, spec, pls : the survey, the model and its PLS fit.
    target : the construct explained (default "Satisfaction"); it needs antecedents.
    scale : see :func:`item_scale`.
    level : "construct" (every construct with a total effect on ``target``) or "item" (their
        items).

    Returns
    -------
    One row per construct (or item): construct (and item, weight), importance,
    importance_std (standardized total effect), performance, quadrant, potential, priority,
    caveat (None, or a note such as a negative outer weight in the construct's block).
    ``quadrant`` relative to the mean importance and mean performance of the rows (ties count
    as high): "concentrate here" (high importance, low performance), "keep up" (high, high),
    "low priority" (low, low), "possible overkill" (low importance, high performance).
    ``potential`` = importance × (100 − performance): points of ``target`` gained if the
    performance rose to 100. ``priority``: 1, 2, ... the "concentrate here" rows first, each
    group by potential, largest first.

    References
    ----------
    Ringle & Sarstedt (2016), *IMDS* 116(9), 1865–1886; Hair, Sarstedt, Ringle & Gudergan
    (2018), *Advanced Issues in PLS-SEM* (IPMA chapter).

    Examples
    --------
    >>> from kamreport.satisfaction.pls import fit_pls
    >>> rng = np.random.default_rng(0)
    >>> f = rng.normal(size=200)
    >>> df = pd.DataFrame({c: np.clip(np.round(6 + k * f + rng.normal(size=200)), 1, 10)
    ...                    for c, k in (("a1", 1.5), ("a2", 1.5), ("b1", 1), ("b2", 1), ("y1", 2))})
    >>> spec = ModelSpec.from_text("A =~ a1 + a2; B =~ b1 + b2; Y =~ y1; Y ~ A + B")
    >>> out = ipma(df, spec, fit_pls(df, spec), target="Y", scale=(1, 10))
    >>> out[["construct", "priority"]].values.tolist()
    [['A', 1], ['B', 2]]
    """
    if target not in spec.names:
        raise InputError(f"target {target!r} is not a construct of the model ({', '.join(spec.names)})")
    te = pls.total_effects[pls.total_effects["target"] == target].set_index("source")["estimate"]
    if te.empty:
        raise InputError(f"target {target!r} has no antecedents; choose an endogenous construct "
                         f"({', '.join(spec.endogenous)})")
    if level not in ("construct", "item"):
        raise InputError(f"level={level!r} is not 'construct' or 'item'")
    bounds = item_scale(data, spec, scale)
    rw = rescaled_weights(spec, pls, bounds)
    items, owner = list(spec.items), {i: c.name for c in spec.constructs for i in c.items}
    w = pls.weights.set_index("item")["weight"].reindex(items)
    u = (w * (bounds["max"] - bounds["min"]) / pls.item_sds.reindex(items)).groupby(owner).sum()
    sources = [n for n in spec.names if n in te.index]
    importance = pd.Series({s: te[s] * u[s] / u[target] for s in sources})
    case_w = None if pls.case_weights is None else _fit_weights(data, pls)
    values = _index_values(data, spec, bounds, rw)
    perf = values.mean() if case_w is None else _weighted_mean(values, case_w)
    if level == "construct":
        out = pd.DataFrame({"construct": sources, "importance": importance.to_numpy(),
                            "importance_std": te[sources].to_numpy(),
                            "performance": perf[sources].to_numpy()})
    else:
        y = pd.DataFrame(_rescaled_items(data, spec, bounds), columns=items)
        out = pd.DataFrame([{"construct": s, "item": i, "weight": rw[i],
                             "importance": rw[i] * importance[s],
                             "importance_std": w[i] * te[s],  # d target_z / d item_z
                             "performance": y[i].mean() if case_w is None
                             else _weighted_mean(y[[i]], case_w)[i]}
                            for s in sources for i in spec.construct(s).items])
    caveats = weight_caveats(spec, rw)
    out = _quadrants(out)
    return out.assign(caveat=[caveats.get(c) for c in out["construct"]])


def _fit_weights(data: pd.DataFrame, pls: PlsResult) -> np.ndarray:
    column = str(pls.case_weights.name)
    if column not in data.columns:
        raise InputError(f"weights column {column!r} of the fit not in the data; pass the data "
                         "with that column")
    return pd.to_numeric(data[column], errors="coerce").to_numpy(np.float64, na_value=np.nan)


def _weighted_mean(values: pd.DataFrame, w: np.ndarray) -> pd.Series:
    x = values.to_numpy(dtype=np.float64)
    ok = ~np.isnan(x)
    return pd.Series((np.where(ok, x, 0.0) * w[:, None]).sum(0) / (ok * w[:, None]).sum(0),
                     index=values.columns)


def _quadrants(out: pd.DataFrame) -> pd.DataFrame:
    high_i = out["importance"] >= out["importance"].mean()
    high_p = out["performance"] >= out["performance"].mean()
    quadrant = np.select([high_i & ~high_p, high_i & high_p, ~high_i & ~high_p],
                         list(QUADRANTS[:3]), QUADRANTS[3])
    out = out.assign(quadrant=quadrant, potential=out["importance"] * (100 - out["performance"]))
    order = out.assign(_focus=out["quadrant"] != QUADRANTS[0]).sort_values(
        ["_focus", "potential"], ascending=[True, False], kind="stable").index
    priority = pd.Series(np.arange(1, len(out) + 1), index=order)
    return out.assign(priority=priority.reindex(out.index).to_numpy())
