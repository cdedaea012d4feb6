"""Mediation in a PLS path model: every specific indirect effect, its interval and its type.

A specific indirect effect is the product of the path coefficients along one directed chain of
two or more paths (``A -> M1 -> M2 -> C``: serial; two chains through different mediators:
parallel). The total indirect effect of a pair is the sum over its chains. Intervals and
p-values come from the fit's bootstrap: the product is formed in every resample (percentile or
BCa intervals, SE = SD of the products, p-value from t = estimate / SE with the bootstrap's
degrees of freedom, as every other table of :class:`~kamreport.satisfaction.pls.PlsResult`).

Type (Zhao, Lynch & Chen 2010), from whether the bootstrap interval of the indirect effect and
that of the direct path exclude 0: both, same sign: "complementary"; both, opposite signs:
"competitive"; only the indirect: "indirect-only" (also when the model has no direct path);
only the direct: "direct-only"; neither: "no effect". Without a bootstrap the type is None.

References
----------
Zhao, Lynch & Chen (2010), "Reconsidering Baron and Kenny: myths and truths about mediation
analysis", *J. Consumer Research* 37(2), 197–206; Nitzl, Roldán & Cepeda (2016), "Mediation
analysis in partial least squares path modeling", *IMDS* 116(9), 1849–1864.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kamreport.satisfaction import bootstrap as boot
from kamreport.satisfaction.plsalgorithm import Structure

COLUMNS = ["source", "via", "target", "estimate", "std_error", "ci_low", "ci_high", "p_value",
           "direct", "direct_p", "type"]


def chains(adjacency: np.ndarray) -> list[tuple[int, ...]]:
    """Every directed chain of two or more paths in an acyclic adjacency matrix.

    Examples
    --------
    >>> a = np.zeros((4, 4)); a[0, 1] = a[1, 3] = a[0, 2] = a[2, 3] = a[1, 2] = 1
    >>> chains(a)
    [(0, 1, 2), (0, 1, 2, 3), (0, 1, 3), (0, 2, 3), (1, 2, 3)]
    """
    out: list[tuple[int, ...]] = []

    def walk(route: tuple[int, ...]) -> None:
        for nxt in np.flatnonzero(adjacency[route[-1]]):
            longer = (*route, int(nxt))
            if len(longer) > 2:
                out.append(longer)
            walk(longer)

    for start in range(adjacency.shape[0]):
        walk((start,))
    return sorted(out)


def _products(paths: np.ndarray, st: Structure, routes: list[tuple[int, ...]]) -> np.ndarray:
    """(B, n_chains) product of the path coefficients along each chain."""
    k = st.adjacency.shape[0]
    coef = np.zeros((paths.shape[0], k, k))
    coef[:, st.path_rows, st.path_cols] = paths
    out = np.ones((paths.shape[0], len(routes)))
    for c, route in enumerate(routes):
        for a, b in zip(route[:-1], route[1:]):
            out[:, c] *= coef[:, a, b]
    return out


def _kind(ind_sig: bool, dir_sig: bool, same_sign: bool) -> str:
    if ind_sig and dir_sig:
        return "complementary" if same_sign else "competitive"
    return "indirect-only" if ind_sig else "direct-only" if dir_sig else "no effect"


def specific_indirect_effects(names: list[str], st: Structure, paths: pd.DataFrame,
                              estimate: np.ndarray, draws: boot.BootstrapDraws | None
                              ) -> pd.DataFrame:
    """One row per chain: source, via ("A -> M -> B"), target, estimate, std_error, ci_low,
    ci_high, p_value, direct (the path source -> target, NaN if the model has none), direct_p
    and type (see the module docstring).

    ``paths``: the fit's paths table; ``estimate``: the path estimates (spec order);
    ``draws``: the fit's bootstrap (``draws.draws["paths"]``), or None.
    """
    routes = chains(st.adjacency)
    if not routes:
        return pd.DataFrame(columns=COLUMNS)
    point = _products(estimate[None], st, routes)[0]
    nan = np.full(point.shape, np.nan)
    stats = {k: nan for k in ("std_error", "ci_low", "ci_high", "p_value")}
    if draws is not None:
        jack = draws.jackknife
        stats = boot.summarize(point, _products(draws.draws["paths"], st, routes), draws.n_units,
                               ci=draws.ci, alpha=draws.alpha,
                               jackknife=None if jack is None else _products(jack["paths"], st,
                                                                             routes))
    direct = paths.set_index(["source", "target"])
    rows = []
    for c, route in enumerate(routes):
        key = (names[route[0]], names[route[-1]])
        has = key in direct.index
        d = direct.loc[key] if has else None
        row = {"source": key[0], "via": " -> ".join(names[i] for i in route), "target": key[1],
               "estimate": point[c], **{k: stats[k][c] for k in stats},
               "direct": d["estimate"] if has else np.nan,
               "direct_p": d["p_value"] if has and "p_value" in direct else np.nan, "type": None}
        if draws is not None:
            ind_sig = bool(row["ci_low"] > 0 or row["ci_high"] < 0)
            dir_sig = has and bool(d["ci_low"] > 0 or d["ci_high"] < 0)
            row["type"] = _kind(ind_sig, dir_sig, bool(point[c] * row["direct"] > 0))
        rows.append(row)
    return pd.DataFrame(rows, columns=COLUMNS)
