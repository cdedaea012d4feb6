"""The whole satisfaction analysis of one survey in one call, as the report notebook needs it.

``analyse_satisfaction`` fits the model by PLS-SEM with bootstrap, assesses the measurement,
computes 0–100 indices (overall, per segment, wave over wave) and the importance–performance
map, and, when asked, the covariance-based model. Each step is a public function of this
package; this module only chains them with the report's parameters, so notebooks stay thin.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from kamreport.data.schemas import Codebook
from kamreport.errors import KamreportError, ModelError
from kamreport.satisfaction.importance import ipma
from kamreport.satisfaction.index import index_change, index_scores
from kamreport.satisfaction.measurement import QualityResult, quality
from kamreport.satisfaction.pls import PlsResult, fit_pls
from kamreport.satisfaction.presets import PRESETS
from kamreport.satisfaction.spec import ModelSpec


def model_spec(codebook: Codebook, *, preset: str = "ecsi", text: str | None = None) -> ModelSpec:
    """The model a report estimates: ``text`` (lavaan-style) if given, else the preset with the
    codebook's items for each construct.

    Raises
    ------
    ModelError
        when the preset needs a construct that the codebook does not have.
    """
    if text:
        return ModelSpec.from_text(text)
    if preset not in PRESETS:
        raise ModelError(f"unknown model preset {preset!r}; use one of {', '.join(PRESETS)} or give model.spec")
    items = codebook.construct_items()
    return PRESETS[preset](items={c: i for c, i in items.items()})


def check_model(survey: pd.DataFrame, codebook: Codebook, *, spec: ModelSpec | None = None, preset: str = "ecsi",
                text: str | None = None, target: str = "Satisfaction") -> ModelSpec:
    """The report's model (``spec``, else built by :func:`model_spec`), checked against the survey
    without estimating anything: every item is a survey column, the IPMA target is a construct."""
    spec = spec or model_spec(codebook, preset=preset, text=text)
    spec.validate_data(survey.columns, source="survey")
    if target not in spec.names:
        raise ModelError(f"IPMA target {target!r} is not a construct of the model ({', '.join(spec.names)}); fix model.target")
    return spec


@dataclass(frozen=True)
class SatisfactionAnalysis:
    """Everything the satisfaction report shows (``None`` where not applicable)."""

    spec: ModelSpec
    pls: PlsResult
    quality: QualityResult
    index: pd.DataFrame
    index_by_segment: pd.DataFrame | None
    index_change: pd.DataFrame | None
    ipma: pd.DataFrame
    ipma_items: pd.DataFrame
    target: str
    segment: str | None
    wave: str | None
    cbsem: object | None = None
    cbsem_error: str | None = None
    notes: tuple[str, ...] = ()           # caveats raised while computing (e.g. negative outer weights)
    cluster: str | None = None            # the bootstrap resampled whole values of this column
    modindices: pd.DataFrame | None = None    # CB-SEM modification indices, largest first
    invariance: dict = field(default_factory=dict)   # wave/segment column -> InvarianceResult or error text
    mga: dict = field(default_factory=dict)          # wave/segment column -> MgaResult or error text
    predict: object | None = None         # PredictResult (PLSpredict, 10 folds)
    predict_error: str | None = None


def analyse_satisfaction(survey: pd.DataFrame, codebook: Codebook, *, spec: ModelSpec | None = None,
                         preset: str = "ecsi", weighting: str = "path", bootstrap: int = 1000,
                         seed: int | None = 2026, target: str = "Satisfaction", segment: str | None = None,
                         wave: str | None = None, waves: Sequence | None = None, cbsem: bool = False,
                         cluster: str | None = None, weights: str | None = None,
                         cbsem_estimator: str = "MLR", compare: bool = True, permutations: int = 1000,
                         predict: bool = True, progress: bool = False) -> SatisfactionAnalysis:
    """Run the satisfaction analysis.

    Parameters
    ----------
    survey : validated survey (``read_survey``), with segment/wave columns when used
    codebook : its codebook (item scale for the 0–100 indices, construct items for presets)
    spec : the model; default ``model_spec(codebook, preset=preset)``
    weighting, bootstrap, seed : passed to :func:`fit_pls`
    target : the construct whose drivers the importance–performance map ranks
    segment : column for indices per segment (region, industry, tier ...)
    wave, waves : column of the survey wave, and the two waves to compare (default: the first
        and last value present)
    cbsem : also fit the covariance-based model (semopy, lavaan-checked fit indices)
    cluster : column of the account each respondent answers for: the bootstrap (paths and
        indices) resamples whole accounts, so the intervals are not too narrow
    weights : column of survey weights (weighted PLS and indices)
    cbsem_estimator : "ML" or "MLR" (robust to non-normal Likert answers); respondents with
        missing answers are kept by FIML whenever a model item has a missing answer
    compare : for the wave and the segment: measurement invariance (CB-SEM ladder) and the
        multi-group comparison of the paths (PLS-MGA, ``permutations`` shuffles)
    predict : PLSpredict (10 folds, 1 repetition) for the verdict on predictive power
    """
    spec = check_model(survey, codebook, spec=spec, preset=preset, target=target)
    pls = fit_pls(survey, spec, weighting=weighting, bootstrap=bootstrap, seed=seed, progress=progress,
                  cluster=cluster, weights=weights)
    scale = (codebook.scale.min, codebook.scale.max)
    by_segment = index_scores(survey, spec, pls, by=segment, scale=scale) if segment else None
    change = None
    if wave and survey[wave].nunique() >= 2:
        present = sorted(survey[wave].dropna().unique())
        before, after = (waves or (present[0], present[-1]))
        change = index_change(survey, spec, pls, wave=wave, before=before, after=after, scale=scale)
    cb_result, cb_error, modindices = None, None, None
    if cbsem:
        from kamreport.satisfaction.cbsem import fit_cbsem

        from kamreport.satisfaction.modindices import modification_indices

        missing = "fiml" if survey[list(spec.items)].isna().any().any() else "listwise"
        try:
            cb_result = fit_cbsem(survey, spec, estimator=cbsem_estimator, missing=missing)
            modindices = modification_indices(cb_result)
        except KamreportError as exc:  # reported in the report, never silently dropped
            cb_error = str(exc)
    invariance, mga = {}, {}
    for column in dict.fromkeys(c for c in (wave, segment) if c and compare):
        invariance[column], mga[column] = _compare(survey, spec, column, permutations, seed)
    predicted, predict_error = None, None
    if predict:
        from kamreport.satisfaction.predict import pls_predict

        try:
            predicted = pls_predict(survey, spec, folds=10, repetitions=1, seed=seed or 1, weighting=weighting)
        except KamreportError as exc:
            predict_error = str(exc)
    quality_result = quality(survey, spec, pls)
    overall = index_scores(survey, spec, pls, scale=scale)
    by_construct = ipma(survey, spec, pls, target=target, scale=scale)
    by_item = ipma(survey, spec, pls, target=target, scale=scale, level="item")
    tables = [t for t in (overall, by_segment, change, by_construct, by_item) if t is not None]
    notes = tuple(dict.fromkeys([*(c for t in tables for c in t["caveat"].dropna()),
                                 *statistical_faults(pls, cb_result)]))
    return SatisfactionAnalysis(
        spec=spec, pls=pls, quality=quality_result, index=overall, index_by_segment=by_segment,
        index_change=change, ipma=by_construct, ipma_items=by_item, target=target, segment=segment, wave=wave,
        cbsem=cb_result, cbsem_error=cb_error, notes=notes, cluster=cluster, modindices=modindices,
        invariance=invariance, mga=mga, predict=predicted, predict_error=predict_error,
    )


def statistical_faults(pls: PlsResult, cb=None) -> list[str]:
    """What must not pass silently, as sentences for the report's caveat box: PLS that did not
    converge, bootstrap resamples that failed or hit the iteration cap, a CB-SEM solution that
    did not converge or is improper (negative variances, Heywood cases)."""
    faults = []
    if not pls.converged:
        faults.append(f"PLS did not converge in {pls.iterations} iterations: the estimates are not final")
    draws = pls.bootstrap
    if draws is not None and "paths" in draws.draws:
        failed = int(np.isnan(np.asarray(draws.draws["paths"])).any(axis=tuple(range(1, draws.draws["paths"].ndim)))
                     .sum())
        capped = int((~np.asarray(draws.draws["converged"], bool)).sum()) if "converged" in draws.draws else 0
        if failed:
            faults.append(f"{failed} of {draws.n_resamples} bootstrap resamples failed (left out of the intervals)")
        if capped:
            faults.append(f"{capped} of {draws.n_resamples} bootstrap resamples hit the iteration cap (kept)")
    if cb is not None:
        if not cb.converged:
            faults.append("the CB-SEM model did not converge: " + "; ".join(cb.warnings or ("no detail",)))
        elif not cb.proper:
            faults.append("the CB-SEM solution is improper (e.g. a negative variance): " + "; ".join(cb.warnings))
    return faults


def cfa_spec(spec: ModelSpec) -> ModelSpec:
    """The measurement part of ``spec`` alone (all constructs correlated): the model whose
    invariance across groups says whether their indices can be compared."""
    lines = [f"{c.name} {'=~' if c.mode == 'A' else '<~'} {' + '.join(c.items)}" for c in spec.constructs]
    return ModelSpec.from_text("\n".join(lines))


def _compare(survey: pd.DataFrame, spec: ModelSpec, column: str, permutations: int, seed: int | None):
    """Measurement invariance (CB-SEM) and PLS-MGA across the groups of ``column``; each an
    error text instead when the data cannot support it (a group too small, one group only)."""
    from kamreport.satisfaction.invariance import measurement_invariance
    from kamreport.satisfaction.mga import pls_mga

    try:
        ladder = measurement_invariance(survey, cfa_spec(spec), group=column)
    except KamreportError as exc:
        ladder = str(exc)
    try:
        groups = pls_mga(survey, spec, group=column, method="permutation", n=permutations, seed=seed or 1)
    except KamreportError as exc:
        groups = str(exc)
    return ladder, groups
