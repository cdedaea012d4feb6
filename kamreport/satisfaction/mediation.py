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

import functools

import numpy as np
import pandas as pd

from kamreport.satisfaction import bootstrap as boot
from kamreport.satisfaction.plsalgorithm import Structure

COLUMNS = ["source", "via", "target", "estimate", "std_error", "ci_low", "ci_high", "p_value",
           "direct", "direct_p", "type"]


def chains(adjacency: np.ndarray) -> list[tuple[int, ...]]:
    """Every directed chain of two or more paths in an acyclic adjacency matrix (sorted).

    Examples
    --------
    >>> a = np.zeros((4, 4)); a[0, 1] = a[1, 3] = a[0, 2] = a[2, 3] = a[1, 2] = 1
    >>> chains(a)
    [(0, 1, 2), (0, 1, 2, 3), (0, 1, 3), (0, 2, 3), (1, 2, 3)]
    """
    return list(_chains(adjacency.shape[0], adjacency.astype(bool).tobytes()))


@functools.lru_cache(maxsize=64)
def _chains(k: int, links: bytes) -> tuple[tuple[int, ...], ...]:
    adjacency = np.frombuffer(links, dtype=bool).reshape(k, k)
    out: list[tuple[int, ...]] = []

    def walk(route: tuple[int, ...]) -> None:
        for nxt in np.flatnonzero(adjacency[route[-1]]):
            longer = (*route, int(nxt))
            if len(longer) > 2:
                out.append(longer)
            walk(longer)

    for start in range(k):
        walk((start,))
    return tuple(sorted(out))


def _products(paths: np.ndarray, st: Structure, routes: list[tuple[int, ...]]) -> np.ndarray:
    """(B, n_chains) product of the path coefficients along each chain (one gather: chains
    are padded with a dummy edge of coefficient 1)."""
    k = st.adjacency.shape[0]
    coef = np.zeros((paths.shape[0], k + 1, k + 1))
    coef[:, st.path_rows, st.path_cols] = paths
    coef[:, k, k] = 1.0
    longest = max(len(r) for r in routes) - 1
    edges = np.full((len(routes), longest, 2), k)
    for c, route in enumerate(routes):
        edges[c, : len(route) - 1, 0] = route[:-1]
        edges[c, : len(route) - 1, 1] = route[1:]
    return coef[:, edges[..., 0], edges[..., 1]].prod(axis=2)


def _kind(ind_sig: bool, dir_sig: bool, same_sign: bool) -> str:
    if ind_sig and dir_sig:
        return "complementary" if same_sign else "competitive"
    return "indirect-only" if ind_sig else "direct-only" if dir_sig else "no effect"


def specific_indirect_effects(names: list[str], st: Structure, estimate: np.ndarray,
                              direct: dict[str, np.ndarray] | None,
                              draws: boot.BootstrapDraws | None) -> pd.DataFrame:
    """One row per chain: source, via ("A -> M -> B"), target, estimate, std_error, ci_low,
    ci_high, p_value, direct (the path source -> target, NaN if the model has none), direct_p
    and type (see the module docstring).

    ``estimate``: the path estimates (spec order); ``direct``: their bootstrap columns
    (p_value, ci_low, ci_high arrays in spec order) or None; ``draws``: the fit's bootstrap
    (``draws.draws["paths"]``), or None.
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
    k = st.adjacency.shape[0]
    position = np.full((k, k), -1)
    position[st.path_rows, st.path_cols] = np.arange(len(st.path_rows))
    at = np.array([position[r[0], r[-1]] for r in routes])
    has = at >= 0

    def pick(values: np.ndarray | None) -> np.ndarray:
        if values is None:
            return nan
        return np.where(has, np.asarray(values, dtype=np.float64)[np.maximum(at, 0)], np.nan)

    d_est = pick(estimate)
    kind: list[str | None] = [None] * len(routes)
    if draws is not None and direct is not None:
        ind_sig = (stats["ci_low"] > 0) | (stats["ci_high"] < 0)
        dir_sig = (pick(direct["ci_low"]) > 0) | (pick(direct["ci_high"]) < 0)  # NaN: False
        kind = [_kind(bool(i), bool(d), bool(e * de > 0))
                for i, d, e, de in zip(ind_sig, dir_sig, point, d_est)]
    label = np.array(names)
    return pd.DataFrame({
        "source": label[[r[0] for r in routes]], "via": [" -> ".join(label[list(r)]) for r in routes],
        "target": label[[r[-1] for r in routes]], "estimate": point, **stats, "direct": d_est,
        "direct_p": pick(None if direct is None else direct["p_value"]), "type": kind,
    }, columns=COLUMNS)
