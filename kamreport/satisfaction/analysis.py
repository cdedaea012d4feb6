"""The whole satisfaction analysis of one survey in one call, as the report notebook needs it.

``analyse_satisfaction`` fits the model by PLS-SEM with bootstrap, assesses the measurement,
computes 0–100 indices (overall, per segment, wave over wave) and the importance–performance
map, and, when asked, the covariance-based model. Each step is a public function of this
package; this module only chains them with the report's parameters, so notebooks stay thin.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

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


def analyse_satisfaction(survey: pd.DataFrame, codebook: Codebook, *, spec: ModelSpec | None = None,
                         preset: str = "ecsi", weighting: str = "path", bootstrap: int = 1000,
                         seed: int | None = 2026, target: str = "Satisfaction", segment: str | None = None,
                         wave: str | None = None, waves: Sequence | None = None, cbsem: bool = False,
                         cluster: str | None = None, weights: str | None = None,
                         progress: bool = False) -> SatisfactionAnalysis:
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
    cb_result, cb_error = None, None
    if cbsem:
        from kamreport.satisfaction.cbsem import fit_cbsem

        try:
            cb_result = fit_cbsem(survey, spec)
        except KamreportError as exc:  # reported in the report, never silently dropped
            cb_error = str(exc)
    quality_result = quality(survey, spec, pls)
    overall = index_scores(survey, spec, pls, scale=scale)
    by_construct = ipma(survey, spec, pls, target=target, scale=scale)
    by_item = ipma(survey, spec, pls, target=target, scale=scale, level="item")
    tables = [t for t in (overall, by_segment, change, by_construct, by_item) if t is not None]
    notes = tuple(dict.fromkeys(c for t in tables for c in t["caveat"].dropna()))
    return SatisfactionAnalysis(
        spec=spec, pls=pls, quality=quality_result, index=overall, index_by_segment=by_segment,
        index_change=change, ipma=by_construct, ipma_items=by_item, target=target, segment=segment, wave=wave,
        cbsem=cb_result, cbsem_error=cb_error, notes=notes,
    )
