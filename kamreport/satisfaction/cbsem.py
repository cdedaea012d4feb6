"""Covariance-based SEM (CB-SEM): a :class:`ModelSpec` fitted by maximum likelihood, as lavaan.

semopy compiles the model (:mod:`~kamreport.satisfaction.cb_input`,
:mod:`~kamreport.satisfaction.cb_structure`); the optimisation is ours
(:mod:`~kamreport.satisfaction.cb_optim`): starting values from a cheap estimator, then bounded
Fisher scoring on the analytic gradient and expected information of the ML discrepancy, on the
items divided by their SDs (estimates are scaled back). semopy's own scipy solvers stay
available (``solver="SLSQP"``, ``"trust-constr"``, ...) and are the fallbacks of ``"auto"``.
No solver's word is trusted: every solution passes the checks of
:mod:`~kamreport.satisfaction.cb_checks` (identified, at a minimum, proper), and the next solver
of :data:`SOLVER_CASCADE` is tried when one fails (semopy's default SLSQP stops at a wrong
ECSI/mobi solution and reports success: chi2 off by 0.09, a standardized path by 1.5).

``missing="fiml"`` maximises the casewise likelihood with a mean structure
(:mod:`~kamreport.satisfaction.cb_fiml`); ``estimator="MLR"`` adds Huber-White standard errors
and the Yuan-Bentler scaled statistics (:mod:`~kamreport.satisfaction.cb_robust`). Standard
errors (expected information for ML; observed for FIML and MLR, as lavaan), fit indices and
``std_all`` follow lavaan's formulas (:mod:`kamreport.satisfaction.fitindices`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd
from scipy import optimize, stats

from kamreport.errors import ConvergenceError, InputError
from kamreport.satisfaction import cb_checks, cb_fiml, cb_robust
from kamreport.satisfaction.cb_input import (
    check_model,
    new_model,
    one_blas_thread,
    prepare_data,
    quiet,
    semopy_syntax,
)
from kamreport.satisfaction.cb_optim import Block, Discrepancy, fisher_scoring, start_values
from kamreport.satisfaction.cb_structure import Structure, from_semopy, with_intercepts
from kamreport.satisfaction.fitindices import fit_measures, standard_errors, std_all
from kamreport.satisfaction.spec import ModelSpec

#: Solvers tried in turn by ``solver="auto"``: ours (Fisher scoring), then semopy's default and
#: the scipy method that also matches lavaan on ECSI/mobi.
SOLVER_CASCADE: tuple[str, ...] = ("scoring", "SLSQP", "trust-constr")
#: With FIML (no semopy solver): scipy methods on our discrepancy, the quasi-Newton one first.
#: A converged but improper (Heywood) FIML solution stops the cascade: the bounded optimum is
#: the same for every solver, and trust-constr needs minutes for it on 1,500 respondents.
FIML_CASCADE: tuple[str, ...] = ("scoring", "L-BFGS-B", "trust-constr")
#: scipy options per method besides ``maxiter``: SLSQP runs as semopy's ``Model.fit()`` runs it;
#: trust-constr's default first step (radius 1) can leave the admissible region for good
#: (Political Democracy), L-BFGS-B's default tolerances stop far too early for SEM.
SOLVER_OPTIONS: dict[str, dict[str, float]] = {"trust-constr": {"initial_tr_radius": 0.1},
                                               "L-BFGS-B": {"ftol": 1e-15, "gtol": 1e-10}}

Row = tuple[str, str, str, bool, float]  # lval, op, rval, free, value


@dataclass(frozen=True)
class CbsemResult:
    """A fitted CB-SEM model (see :func:`fit_cbsem`).

    Attributes
    ----------
    estimates : lavaan's ``parameterEstimates()``: lval, op, rval (``=~`` construct loads item,
        ``~`` target on source, ``~~`` (residual) (co)variance, ``~1`` intercept when there is
        a mean structure), estimate, std_error (0 if fixed), z, p_value, std_all.
    fit : chi2, df, p_value, cfi, tli, rmsea, rmsea_ci_low, rmsea_ci_high (90 %), rmsea_p
        (close fit), srmr, aic, bic, n, n_params, baseline_chi2, baseline_df, f_ml, logl,
        unrestricted_logl (see :func:`~kamreport.satisfaction.fitindices.fit_measures`); MLR
        adds chi2_scaled, scaling_factor, p_value_scaled, baseline_chi2_scaled,
        baseline_scaling_factor, cfi_robust, tli_robust, rmsea_robust (with FIML: lavaan's
        FIML-corrected ones, and chi2_corrected, scaling_factor_corrected); FIML adds
        em_iterations, em_converged.
    converged : every check passed. solver, iterations : the kept solution's method and count.
    warnings : its failed checks. attempts : one line per solver tried (F_ML, first failure).
    implied_cov, sample_cov : model-implied and sample covariance (divided by N), items x items
        (FIML: the sample covariance is the EM estimate of the saturated model).
    spec, residual_covariances : the model. missing, n_dropped : the missing-data rule, its drops.
    estimator : "ML" or "MLR". n_used : respondents in the likelihood. proper : no Heywood
        case or other improper estimate (the notes are in ``warnings``).
    implied_mean : the implied item means (FIML), else None. information : the expected
        information of the free parameters. fitted : internals for :func:`modification_indices`.
    """

    estimates: pd.DataFrame
    fit: dict[str, float]
    converged: bool
    solver: str
    iterations: int
    warnings: tuple[str, ...]
    attempts: tuple[str, ...]
    implied_cov: pd.DataFrame
    sample_cov: pd.DataFrame
    spec: ModelSpec
    residual_covariances: tuple[tuple[str, str], ...]
    missing: str
    n_dropped: int
    estimator: str = "ML"
    n_used: int = 0
    proper: bool = True
    implied_mean: pd.Series | None = None
    information: np.ndarray | None = None  # expected information of the free parameters
    fitted: Fitted | None = field(default=None, repr=False, compare=False)


@dataclass(frozen=True)
class Fitted:
    """What follow-up computations need (modification indices): the structure, the fitted
    discrepancy and estimate on the standardized items, and the items' SDs."""

    structure: Structure
    labels: tuple[tuple[str, str, str], ...]
    x: np.ndarray
    discrepancy: Discrepancy
    sd: np.ndarray


@dataclass(frozen=True)
class _Attempt:
    solver: str
    x: np.ndarray
    f_ml: float
    iterations: int
    problem: str | None  # first failed convergence check
    improper: tuple[str, ...]  # failed propriety checks
    rows: list[Row]
    std: list[float]
    implied: np.ndarray
    mean: np.ndarray
    information: np.ndarray | None
    observed: np.ndarray | None = None  # observed information N/2 d2F (all free parameters)

    @property
    def proper(self) -> bool:
        return self.problem is None and not self.improper


def fit_cbsem(data: pd.DataFrame, spec: ModelSpec | str, *, estimator: str = "ML",
              solver: str | Sequence[str] = "auto",
              missing: Literal["listwise", "fiml", "error"] = "listwise", check: bool = True,
              residual_covariances: Sequence[tuple[str, str]] = (),
              gradient_tol: float = 1e-6, max_iter: int = 5_000) -> CbsemResult:
    """Fit a structural equation model by maximum likelihood (CB-SEM), checked against lavaan.

    Parameters
    ----------
    data : respondents x items; only the spec's items are used.
    spec : :class:`ModelSpec` or lavaan-style text; every construct reflective (``=~``). A spec
        with only ``=~`` lines is a CFA (all constructs correlated).
    estimator : ``"ML"`` or ``"MLR"`` (ML estimates, Huber-White standard errors, Yuan-Bentler
        scaled chi2 and robust CFI/TLI/RMSEA, as lavaan's ``estimator = "MLR"``).
    solver : ``"auto"`` tries :data:`SOLVER_CASCADE` (FIML: :data:`FIML_CASCADE`) until a
        solution passes every check;
        ``"scoring"`` (ours), a scipy method name or a sequence of names replaces the cascade.
    missing : ``"listwise"`` drops rows with a missing item (``n_dropped``); ``"fiml"`` keeps
        them (casewise likelihood, lavaan's ``missing = "ml"``; only rows with no answer at all
        are dropped); ``"error"`` raises.
    check : raise :class:`ConvergenceError` when no solver gives a converged, proper solution;
        with ``False`` the best solution (proper first, then converged, then lowest F_ML) is
        returned with ``converged=False`` and the failed checks in ``warnings``.
    residual_covariances : item pairs whose residuals covary freely (lavaan ``y1 ~~ y5``).
    gradient_tol : largest chi2 decrease one Fisher-scoring step may still promise at an
        accepted solution (default 1e-6; lavaan's default stop leaves ~1e-7 on ECSI/mobi).
    max_iter : iteration cap of each solver (default 5000).

    Returns
    -------
    CbsemResult

    References
    ----------
    Bollen (1989), *Structural equations with latent variables*, ch. 4, 8. Rosseel (2012),
    "lavaan", *J. Statistical Software* 48(2). Igolkina & Meshcheryakov (2020), "semopy",
    *Structural Equation Modeling* 27(6), 952-963.

    Examples
    --------
    >>> from kamreport.satisfaction.presets import ecsi
    >>> mobi = pd.read_csv("../shared/reference/mobi/mobi.csv")
    >>> cb = fit_cbsem(mobi, ecsi())
    >>> cb.solver, round(cb.fit["chi2"], 2), cb.fit["df"]
    ('scoring', 575.57, 241.0)
    """
    with one_blas_thread():
        return _fit_cbsem(data, spec, estimator, solver, missing, check, residual_covariances,
                          gradient_tol, max_iter)


def _fit_cbsem(data: pd.DataFrame, spec: ModelSpec | str, estimator: str,
               solver: str | Sequence[str], missing: str, check: bool,
               residual_covariances: Sequence[tuple[str, str]], gradient_tol: float,
               max_iter: int) -> CbsemResult:
    spec, pairs = check_model(spec, residual_covariances)
    if estimator not in ("ML", "MLR") or missing not in ("listwise", "fiml", "error"):
        raise InputError(f"estimator={estimator!r}, missing={missing!r}: CB-SEM supports "
                         "estimator='ML' or 'MLR' with missing='listwise', 'fiml' or 'error'")
    cascade = ((FIML_CASCADE if missing == "fiml" else SOLVER_CASCADE) if solver == "auto"
               else (solver,) if isinstance(solver, str) else tuple(solver))
    if not cascade:
        raise InputError("solver is an empty sequence; pass 'auto' or a scipy method name")
    items, n_dropped = prepare_data(data, spec, missing)
    raw = items.to_numpy()
    n, p = raw.shape
    fiml = means = missing == "fiml"  # lavaan: a mean structure with FIML only
    centre, sd = np.nanmean(raw, axis=0), np.nanstd(raw, axis=0)
    z = (raw - centre) / sd  # the optimiser sees standardized items: better conditioned
    alias = {name: f"v{i}" for i, name in enumerate((*spec.items, *spec.names))}
    back = {a: name for name, a in alias.items()}
    description = semopy_syntax(spec, pairs, alias)
    model = new_model(description, p)
    structure, labels, lower, fixed_rows = from_semopy(model, list(spec.items), list(spec.names),
                                                       back)
    if means:
        structure, labels, lower = with_intercepts(structure, labels, lower)
    h1 = cb_fiml.saturated(z) if fiml else None
    if fiml:
        assert h1 is not None
        blocks, sample_z, mean_z = cb_fiml.pattern_blocks(z), h1.cov, h1.mean
        disc = Discrepancy((structure,), blocks, True, constant=h1.m2ll / n)
    else:
        sample_z, mean_z = z.T @ z / n, np.zeros(p)
        constant = float(np.linalg.slogdet(sample_z)[1]) + p
        disc = Discrepancy((structure,), (Block(0, np.arange(p), float(n), mean_z, sample_z),),
                           means, constant=constant)
    x0 = start_values(structure, labels, sample_z, mean_z)
    attempts: list[_Attempt] = []
    for method in cascade:
        x, iterations = _solve(method, disc, x0, lower, max_iter, model, z, sample_z, means)
        attempts.append(_evaluate(method, x, iterations, disc, structure, labels, lower,
                                  fixed_rows, gradient_tol))
        if attempts[-1].proper or (fiml and attempts[-1].problem is None):
            break
    best = min(attempts, key=lambda a: (not a.proper, a.problem is not None, a.f_ml))
    notes = tuple(x for x in (best.problem, *best.improper) if x)
    if check and notes:
        kind = "did not converge" if best.problem else "gave an improper solution"
        raise ConvergenceError(f"CB-SEM {kind}: {notes[0]}; solvers tried: "
                               f"{', '.join(a.solver for a in attempts)} (best {best.solver}); "
                               "respecify the model or pass check=False to inspect the result")
    names, scale = list(spec.items), np.outer(sd, sd)
    implied, sample = best.implied * scale, sample_z * scale
    k = len(best.x)
    if fiml:
        assert h1 is not None
        fit = cb_fiml.fit_measures_fiml(z, h1, best.implied, best.mean, best.f_ml, k, sd)
    else:
        fit = fit_measures(sample, implied, n, k, meanstructure=means)
    errors = (np.full(k, np.nan) if best.information is None
              else standard_errors(best.information))
    if fiml or estimator == "MLR":
        observed = (best.observed if best.observed is not None
                    else _observed_information(disc, best.x))
        errors = standard_errors(observed)
        if estimator == "MLR":
            robust = cb_robust.robust(disc, best.x, z, observed, fit, sample_z, mean_z, means)
            errors = robust.std_errors
            fit = fit | robust.fit
    unit = dict(zip(names, sd)) | {c.name: sd[names.index(c.items[0])] for c in spec.constructs}
    return CbsemResult(
        estimates=_estimates(best, errors, spec, pairs, unit, dict(zip(names, centre))),
        converged=not notes, solver=best.solver, fit=fit, iterations=best.iterations,
        warnings=notes, attempts=tuple(
            f"{a.solver}: F_ML={a.f_ml:.10g}, {a.iterations} iterations, "
            f"{a.problem or (a.improper or ('converged, proper',))[0]}" for a in attempts),
        implied_cov=pd.DataFrame(implied, index=names, columns=names),
        sample_cov=pd.DataFrame(sample, index=names, columns=names),
        spec=spec, residual_covariances=pairs, missing=missing, n_dropped=n_dropped,
        estimator=estimator, n_used=n, proper=not best.improper,
        implied_mean=pd.Series(centre + sd * best.mean, index=names) if means else None,
        information=best.information,
        fitted=Fitted(structure, tuple(labels), best.x, disc, sd))


# -- fitting ------------------------------------------------------------------------------------
def _solve(method: str, disc: Discrepancy, x0: np.ndarray, lower: np.ndarray, max_iter: int,
           model: object, z: np.ndarray, sample_z: np.ndarray, means: bool
           ) -> tuple[np.ndarray, int]:
    if method == "scoring":
        # complete data: the expected Hessian is the Hessian at the optimum, scoring converges
        # fast; FIML: it is not, BFGS updates from it converge in a fraction of the steps
        refresh = 50 if len(disc.blocks) > 1 else 0
        result = fisher_scoring(disc, x0, lower, max_iter=max_iter, refresh=refresh)
        return result.x, result.iterations
    options = {"maxiter": max_iter, **SOLVER_OPTIONS.get(method, {})}
    with quiet():
        if not means:  # semopy's own fit, on the standardized complete data
            try:
                frame = pd.DataFrame(z, columns=[f"v{i}" for i in range(z.shape[1])])
                cov = pd.DataFrame(sample_z, index=frame.columns, columns=frame.columns)
                result = model.fit(frame, cov=cov, solver=method, options=options,  # type: ignore
                                   clean_slate=True)
            except ValueError as exc:  # scipy rejects an unknown method name
                raise InputError(f"solver {method!r} failed to start ({exc}); use 'auto' or a "
                                 "scipy minimize method such as 'trust-constr'") from None
            x = np.array(model.param_vals, dtype=float)  # type: ignore[attr-defined]
            return x, int(result.n_it) if np.isfinite(result.n_it) else -1
        bounds = [(None if np.isinf(b) else b, None) for b in lower]
        try:
            result = optimize.minimize(
                disc.value, np.maximum(x0, lower), method=method, bounds=bounds,
                jac=lambda v: disc.gradient_and_hessian(v, hessian=False)[0], options=options)
        except ValueError as exc:
            raise InputError(f"solver {method!r} failed to start ({exc}); use 'auto' or a "
                             "scipy minimize method such as 'L-BFGS-B'") from None
        return np.asarray(result.x, dtype=float), int(getattr(result, "nit", -1))


def _gradient(disc: Discrepancy):
    return lambda v: disc.gradient_and_hessian(v, hessian=False)[0]


def _observed_information(disc: Discrepancy, x: np.ndarray) -> np.ndarray:
    """Observed information ``N/2 d2F`` (lavaan's ``information = "observed"``)."""
    return cb_checks.observed_hessian(_gradient(disc), x) * disc.n_total / 2


def _evaluate(method: str, x: np.ndarray, iterations: int, disc: Discrepancy,
              structure: Structure, labels: list[tuple[str, str, str]], lower: np.ndarray,
              fixed_rows: list, gradient_tol: float) -> _Attempt:
    rows: list[Row] = [(*label, True, float(v)) for label, v in zip(labels, x)]
    rows += [(*label, False, value) for label, value in fixed_rows]
    implied, mean = structure.implied(x)
    latent = structure.latent_cov(x)
    total = dict(zip((*structure.observed, *structure.latent),
                     [*np.diag(implied), *np.diag(latent)]))
    core = iter(std_all([(r[0], r[1], r[2], r[4]) for r in rows if r[1] != "~1"], total))
    std = [np.nan if r[1] == "~1" else next(core) for r in rows]  # intercepts: in _estimates
    f_ml = disc.value(x)
    if not np.isfinite(f_ml):
        problem = "the implied covariance matrix is not positive definite"
        return _Attempt(method, x, f_ml, iterations, problem, (), rows, std, implied, mean, None)
    grad, hessian = disc.gradient_and_hessian(x)
    assert hessian is not None
    n = disc.n_total
    information = hessian * n / 2
    bound = (x - lower <= 1e-6) & (grad > 0)

    full: list[np.ndarray] = []  # the observed Hessian of F, computed once when needed

    def observed(index: np.ndarray) -> np.ndarray:
        if not full:
            full.append(cb_checks.observed_hessian(_gradient(disc), x))
        return full[0][np.ix_(index, index)]

    problem = cb_checks.convergence_problem(x, grad, information, observed, bound, gradient_tol,
                                            n, [" ".join(label) for label in labels])
    improper = cb_checks.improper(rows, std, implied, latent, bound)
    return _Attempt(method, x, f_ml, iterations, problem, improper, rows, std, implied, mean,
                    information, full[0] * n / 2 if full else None)


# -- result -------------------------------------------------------------------------------------
def _estimates(best: _Attempt, errors: np.ndarray, spec: ModelSpec,
               pairs: tuple[tuple[str, str], ...], unit: dict[str, float],
               centre: dict[str, float]) -> pd.DataFrame:
    """parameterEstimates()-style table, in lavaan's row order and orientation."""
    free_se = iter(errors)
    rank = {name: i for i, name in enumerate((*spec.items, *spec.names))}
    pair_rank = {pair: i for i, pair in enumerate(pairs)}
    path_rank = {(t, s): i for i, (s, t) in enumerate(spec.paths)}
    total = np.sqrt(np.diag(best.implied))
    records = []
    rows = list(zip(best.rows, best.std))
    if any(r[1] == "~1" for r in best.rows):
        rows += [((c, "~1", "", False, 0.0), 0.0) for c in spec.names]  # latent means, fixed
    for (lval, op, rval, free, value), std in rows:
        if op == "~~" and lval != rval and ((rval, lval) in pair_rank
                                            or (lval in spec.names and rank[lval] > rank[rval])):
            lval, rval = rval, lval  # as the user wrote the pair; constructs in spec order
        if op == "~1":
            factor = unit[lval]
            if lval in centre:
                std = (centre[lval] / unit[lval] + value) / total[rank[lval]]
                value = centre[lval] / unit[lval] + value
        else:
            factor = (unit[rval] / unit[lval] if op == "=~" else unit[lval] / unit[rval]
                      if op == "~" else unit[lval] * unit[rval])  # back to the items' units
        value, error = value * factor, float(next(free_se)) * factor if free else 0.0
        z = value / error if free and error > 0 else np.nan
        key = ((0, rank[rval], 0) if op == "=~" else (1, path_rank[(lval, rval)], 0) if op == "~"
               else (5, rank[lval], 0) if op == "~1"
               else (2, pair_rank[(lval, rval)], 0) if (lval, rval) in pair_rank
               else (3 if lval == rval else 4, rank[lval], rank[rval]))
        records.append((key, {"lval": lval, "op": op, "rval": rval, "estimate": value,
                              "std_error": error, "z": z,
                              "p_value": 2 * stats.norm.sf(abs(z)) if np.isfinite(z) else np.nan,
                              "std_all": std}))
    records.sort(key=lambda record: record[0])
    return pd.DataFrame.from_records([record for _, record in records])
