"""Reliability and validity of measurement blocks, and the assessment :func:`quality`.

Cronbach's alpha comes from pingouin (raw alpha, on the items' covariances); standardized alpha
(on correlations, what SmartPLS and seminr print) is given beside it and labelled as such.
rho_A, rho_C and AVE follow from the PLS weights and loadings; discriminant validity (HTMT,
Fornell–Larcker) and VIFs live in :mod:`kamreport.satisfaction.validity`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kamreport.data.schemas import Codebook
from kamreport.errors import InputError
from kamreport.satisfaction import validity
from kamreport.satisfaction.pls import PlsResult, fit_pls
from kamreport.satisfaction.spec import ModelSpec


def cronbach_alpha(data: pd.DataFrame, items: list[str] | tuple[str, ...], *, ci: float = 0.95) -> dict:
    """Raw Cronbach's alpha of ``items`` (pingouin, listwise), its CI, and standardized alpha.

    Standardized alpha is ``k·r̄ / (1 + (k−1)·r̄)`` with ``r̄`` the mean inter-item correlation.

    References
    ----------
    Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests.
    *Psychometrika* 16, 297–334.

    Examples
    --------
    >>> df = pd.DataFrame({"a": [1, 2, 3, 4, 5], "b": [2, 2, 3, 5, 5], "c": [1, 3, 3, 4, 4]})
    >>> round(cronbach_alpha(df, ["a", "b", "c"])["alpha"], 3)
    0.954
    """
    missing = [i for i in items if i not in data.columns]
    if missing:
        raise InputError(f"survey: item column(s) {', '.join(missing)} missing for Cronbach's alpha; check the codebook")
    block = data[list(items)].astype(float).dropna()
    k = len(items)
    if k < 2:
        return {"items": k, "n": len(block), "alpha": np.nan, "ci_low": np.nan, "ci_high": np.nan,
                "alpha_std": np.nan}
    import pingouin as pg  # here: 1.4 s (with seaborn) that checking a model does not need

    alpha, (lo, hi) = pg.cronbach_alpha(data=block, ci=ci)
    corr = np.corrcoef(block.to_numpy(), rowvar=False)
    r_bar = corr[np.triu_indices(k, 1)].mean()
    return {"items": k, "n": len(block), "alpha": float(alpha), "ci_low": float(lo), "ci_high": float(hi),
            "alpha_std": float(k * r_bar / (1 + (k - 1) * r_bar))}


def alpha_table(survey: pd.DataFrame, codebook: Codebook, *, ci: float = 0.95) -> pd.DataFrame:
    """Cronbach's alpha (raw, with CI; and standardized) for every construct of the codebook.

    Single-item constructs get NaN (alpha is undefined for one item).
    """
    rows = [{"construct": c, **cronbach_alpha(survey, items, ci=ci)}
            for c, items in codebook.construct_items().items()]
    return pd.DataFrame(rows).set_index("construct")


# -- composite-based reliability (PLS-SEM) ------------------------------------------------------
def standardized_alpha(corr: np.ndarray) -> float:
    """Standardized Cronbach's alpha ``k/(k−1)·(1 − k/ΣR)`` of one block's correlation matrix.

    Equal to ``k·r̄ / (1 + (k−1)·r̄)``; NaN for a single item. This is the alpha SmartPLS and
    seminr print (they work on standardized data).

    Examples
    --------
    >>> round(standardized_alpha(np.array([[1, .5], [.5, 1]])), 6)
    0.666667
    """
    k = corr.shape[0]
    if k < 2:
        return np.nan
    return float(k / (k - 1) * (1 - k / corr.sum()))


def rho_a(corr: np.ndarray, weights: np.ndarray) -> float:
    """Dijkstra–Henseler rho_A of one reflective block.

    ``rho_A = (w'w)² · w'(S − diag S)w / w'(ww' − diag(ww'))w`` with ``S`` the items'
    correlation matrix and ``w`` the PLS outer weights scaled so the score has variance 1
    (Dijkstra & Henseler 2015). NaN for a single item (the ratio is 0/0).

    References
    ----------
    Dijkstra & Henseler (2015), "Consistent partial least squares path modeling", *MIS
    Quarterly* 39(2), 297–316.

    Examples
    --------
    >>> s = np.array([[1, .49], [.49, 1]]); w = np.full(2, 1 / np.sqrt(2 * 1.49))
    >>> round(rho_a(s, w), 6)  # two parallel items with loading .7: rho_A = 2·.49/(1+.49)
    0.657718
    """
    if weights.size < 2:
        return np.nan
    off = ~np.eye(weights.size, dtype=bool)
    ww = np.outer(weights, weights)
    return float((weights @ weights) ** 2 * (ww * corr)[off].sum() / (ww * ww)[off].sum())


def composite_reliability(loadings: np.ndarray) -> float:
    """Composite reliability rho_C = (Σλ)² / ((Σλ)² + Σ(1 − λ²)) (Jöreskog 1971).

    Examples
    --------
    >>> round(composite_reliability(np.array([.7, .8, .9])), 6)
    0.844575
    """
    total = loadings.sum() ** 2
    return float(total / (total + (1 - loadings**2).sum()))


def average_variance_extracted(loadings: np.ndarray) -> float:
    """AVE = mean of the squared loadings (Fornell & Larcker 1981).

    Examples
    --------
    >>> round(average_variance_extracted(np.array([.7, .8, .9])), 6)
    0.646667
    """
    return float((loadings**2).mean())


def reliability_table(data: pd.DataFrame, spec: ModelSpec, pls: PlsResult,
                      corr: np.ndarray) -> pd.DataFrame:
    """One row per construct: mode, items, alpha, alpha_std, rho_a, rho_c, ave, note.

    Parameters: the survey, the model, its PLS fit, and ``corr`` the (p, p) item correlation
    matrix the fit used (:func:`~kamreport.satisfaction.validity.item_correlations`).

    ``alpha`` is raw Cronbach's alpha (pingouin, on covariances, listwise); ``alpha_std`` the
    standardized alpha (on the item correlations the fit used; seminr's "alpha"). ``rho_a``
    from the PLS weights, ``rho_c`` and ``ave`` from the PLS loadings. Single-item blocks:
    alpha, alpha_std and rho_a are NaN (undefined; seminr prints 1), rho_c = ave = 1 (the
    loading is 1). Mode B blocks: every column NaN (internal consistency is not a criterion
    for formative measures, Hair et al. 2022, ch. 5), with a note.
    """
    items = list(spec.items)
    weights = pls.weights.set_index("item")["weight"]
    loadings = pls.loadings.set_index("item")["loading"]
    rows = []
    for c in spec.constructs:
        pos = [items.index(i) for i in c.items]
        block = corr[np.ix_(pos, pos)]
        lam = loadings[list(c.items)].to_numpy(dtype=np.float64)
        row = {"construct": c.name, "mode": c.mode, "items": len(c.items),
               "alpha": cronbach_alpha(data, c.items)["alpha"], "alpha_std": standardized_alpha(block),
               "rho_a": rho_a(block, weights[list(c.items)].to_numpy(dtype=np.float64)),
               "rho_c": composite_reliability(lam), "ave": average_variance_extracted(lam), "note": ""}
        if c.mode == "B":
            row.update(alpha=np.nan, alpha_std=np.nan, rho_a=np.nan, rho_c=np.nan, ave=np.nan,
                       note="formative (mode B): reliability and AVE not meaningful; see VIF and weights")
        elif len(c.items) == 1:
            row["note"] = "single item: alpha and rho_A undefined; rho_C = AVE = 1 by construction"
        rows.append(row)
    return pd.DataFrame(rows).set_index("construct")


# -- the assessment -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Thresholds:
    """Rules of thumb of Hair, Hult, Ringle & Sarstedt (2022), *A Primer on PLS-SEM*, 3rd ed.

    ch. 4 (reflective measurement): loadings >= 0.708 (``loading``, a warning), alpha_std,
    rho_A and rho_C >= 0.70, rho_C <= 0.95 (``rho_c_max``, a warning: redundant items), AVE
    >= 0.50, HTMT < 0.90 (``htmt_liberal``, conceptually similar constructs) and < 0.85
    (``htmt_strict``, a warning), Fornell–Larcker; ch. 5–6: VIF < 5 (``vif``), < 3.3
    (``vif_warn``, a warning).
    """

    alpha: float = 0.70
    rho_a: float = 0.70
    rho_c: float = 0.70
    rho_c_max: float = 0.95
    ave: float = 0.50
    loading: float = 0.708
    htmt_strict: float = 0.85
    htmt_liberal: float = 0.90
    vif: float = 5.0
    vif_warn: float = 3.3


@dataclass(frozen=True)
class QualityResult:
    """Measurement quality of a PLS path model (see :func:`quality`).

    ``reliability``: per construct (see :func:`reliability_table`); ``fornell_larcker``,
    ``htmt``: constructs x constructs; ``htmt_ci``: None, or per pair (when ``pls`` was
    bootstrapped); ``cross_loadings``: items x constructs; ``vif``: kind, construct, variable,
    vif; ``checks``: subject (construct, item, "A~B" pair or VIF term), criterion (the
    :class:`Thresholds` field), rule, value, threshold, passed, level ("required" or
    "warning"), one row per applicable rule (NaN statistics, e.g. a single item's alpha, give
    no row); ``thresholds``: the rules used.
    """

    reliability: pd.DataFrame
    fornell_larcker: pd.DataFrame
    htmt: pd.DataFrame
    htmt_ci: pd.DataFrame | None
    cross_loadings: pd.DataFrame
    vif: pd.DataFrame
    checks: pd.DataFrame
    thresholds: Thresholds


def quality(data: pd.DataFrame, spec: ModelSpec, pls: PlsResult | None = None, *,
            thresholds: Thresholds = Thresholds(), absolute_htmt: bool = True) -> QualityResult:
    """Reliability, convergent and discriminant validity, collinearity, and their checks.

    Parameters
    ----------
    data : the survey the model was (or is to be) fitted on.
    spec : the model.
    pls : its PLS fit on ``data``; None fits ``fit_pls(data, spec)`` (path weighting). When the
        fit was bootstrapped, ``htmt_ci`` holds percentile intervals from its resamples.
    thresholds : the rules of thumb for ``checks`` (:class:`Thresholds`, Hair et al. 2022).
    absolute_htmt : HTMT on absolute item correlations (seminr, SmartPLS 4); see
        :func:`~kamreport.satisfaction.validity.htmt_stack`.

    Returns
    -------
    QualityResult.

    References
    ----------
    Hair, Hult, Ringle & Sarstedt (2022), *A Primer on PLS-SEM*, 3rd ed., ch. 4–6;
    Henseler, Ringle & Sarstedt (2015), *JAMS* 43(1), 115–135; Dijkstra & Henseler (2015),
    *MIS Quarterly* 39(2), 297–316.

    Examples
    --------
    >>> from kamreport.satisfaction import ecsi
    >>> mobi = pd.read_csv("../shared/reference/mobi/mobi.csv")
    >>> q = quality(mobi, ecsi())
    >>> q.reliability.loc[["Quality", "Loyalty"], ["alpha_std", "rho_a", "rho_c", "ave"]].round(3)
                 alpha_std  rho_a  rho_c    ave
    construct
    Quality          0.877  0.884  0.905  0.577
    Loyalty          0.472  0.746  0.722  0.517
    >>> sorted(set(q.checks.loc[~q.checks.passed & (q.checks.level == "required"), "subject"]))[:3]
    ['Expectation', 'Image', 'Image~Quality']
    """
    if pls is None:
        pls = fit_pls(data, spec)
    z = validity.standardized_items(data, spec, pls)
    corr = validity.item_correlations(z, None if pls.case_weights is None else pls.case_weights.to_numpy())
    reliability = reliability_table(data, spec, pls, corr)
    htmt = validity.htmt_table(corr, spec, absolute=absolute_htmt)
    htmt_ci = (None if pls.bootstrap is None else
               validity.htmt_intervals(z, spec, pls.bootstrap, htmt, absolute=absolute_htmt))
    fl = validity.fornell_larcker(pls.construct_correlations, reliability["ave"])
    vif = validity.vif_table(corr, spec, pls)
    checks = _checks(spec, pls, reliability, htmt, htmt_ci, fl, vif, thresholds)
    return QualityResult(reliability, fl, htmt, htmt_ci, pls.cross_loadings.copy(), vif, checks,
                         thresholds)


def _checks(spec: ModelSpec, pls: PlsResult, reliability: pd.DataFrame, htmt: pd.DataFrame,
            htmt_ci: pd.DataFrame | None, fl: pd.DataFrame, vif: pd.DataFrame,
            t: Thresholds) -> pd.DataFrame:
    """One row per applicable rule; ``criterion`` is the :class:`Thresholds` field it uses."""
    rows: list[tuple[str, str, str, float, float, bool, str]] = []

    def add(subject: str, criterion: str, value: float, passed: bool, *, rule: str = "",
            level: str = "required", threshold: float | None = None) -> None:
        limit = getattr(t, criterion) if threshold is None else threshold
        if np.isfinite(value):
            rows.append((subject, criterion, rule, float(value), float(limit), bool(passed), level))

    for name, r in reliability.iterrows():
        add(name, "alpha", r.alpha_std, r.alpha_std >= t.alpha, rule="alpha_std >= threshold")
        add(name, "rho_a", r.rho_a, r.rho_a >= t.rho_a, rule="rho_a >= threshold")
        if r["items"] > 1:  # a single item's rho_C and AVE are 1 by construction
            add(name, "rho_c", r.rho_c, r.rho_c >= t.rho_c, rule="rho_c >= threshold")
            add(name, "rho_c_max", r.rho_c, r.rho_c <= t.rho_c_max, rule="rho_c <= threshold",
                level="warning")
            add(name, "ave", r.ave, r.ave >= t.ave, rule="ave >= threshold")
    multi = {c.name for c in spec.constructs if c.mode == "A" and len(c.items) > 1}
    for row in pls.loadings.itertuples():
        if row.construct in multi:
            add(row.item, "loading", row.loading, row.loading >= t.loading,
                rule="loading >= threshold", level="warning")
    for c in spec.constructs:
        if c.mode == "A":
            others = fl.loc[c.name].drop(c.name).abs()
            add(c.name, "fornell_larcker", others.max(), others.max() < fl.loc[c.name, c.name],
                rule="max |r| with other constructs < sqrt(ave)", threshold=fl.loc[c.name, c.name])
    names = list(spec.names)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            value = htmt.loc[a, b]
            add(f"{a}~{b}", "htmt_liberal", value, value < t.htmt_liberal, rule="htmt < threshold")
            add(f"{a}~{b}", "htmt_strict", value, value < t.htmt_strict, rule="htmt < threshold",
                level="warning")
    for r in (htmt_ci.itertuples() if htmt_ci is not None else ()):
        add(r.pair, "htmt_liberal", r.ci_high, r.ci_high < t.htmt_liberal,
            rule="htmt bootstrap ci_high < threshold")
    for r in vif.itertuples():
        subject = f"{r.variable} ({r.construct})" if r.kind == "item" else f"{r.variable} -> {r.construct}"
        add(subject, "vif", r.vif, r.vif < t.vif, rule=f"{r.kind} vif < threshold")
        add(subject, "vif_warn", r.vif, r.vif < t.vif_warn, rule=f"{r.kind} vif < threshold",
            level="warning")
    return pd.DataFrame(rows, columns=["subject", "criterion", "rule", "value", "threshold",
                                       "passed", "level"])
