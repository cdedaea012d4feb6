"""Covariance-based SEM (CB-SEM): a :class:`ModelSpec` fitted by maximum likelihood via semopy.

Identification follows lavaan's ``sem()``: each construct is a latent factor with its first
loading fixed to 1; a single item's residual variance is fixed to 0 (``auto.fix.single``, e.g.
``CUSCO ~~ 0*CUSCO`` in ECSI); exogenous constructs covary; endogenous constructs have residual
variances and no residual covariances; item residuals covary only as listed in
``residual_covariances`` (lavaan ``y1 ~~ y5``, which the spec text cannot say). Composite
(``<~``) constructs are refused: this is a common-factor model; :func:`fit_pls` fits composites.

semopy's solvers are not scale invariant, so they see the items divided by their SDs (estimates
are scaled back). Its default (SLSQP, stop at a relative change of F of 1e-6) can stop at a wrong
point and report success (ECSI/mobi: chi2 off by 0.09, a standardized path by 1.5). So each
solver result is checked, and the next solver of :data:`SOLVER_CASCADE` tried when a check fails:
(1) identification: the expected information scaled to unit diagonal has smallest eigenvalue
> 1e-10; (2) convergence: one Fisher-scoring step would lower chi2 by at most ``gradient_tol``
(a scale-free gradient norm); (3) a minimum: the scaled observed Hessian has no eigenvalue
< -1e-6; (4) a proper solution: no variance held at semopy's bound 0 while ML pushes it below
(Heywood case) or negative, no standardized loading or correlation beyond +-1, positive-definite
implied and construct covariances. Standardized paths beyond 1 are legitimate with collinear
predictors (ECSI/mobi: 3.27). Standard errors (expected information), fit indices and
``std_all`` follow lavaan's formulas in :mod:`kamreport.satisfaction.fitindices`.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import stats

from kamreport.errors import ConvergenceError, InputError, ModelError
from kamreport.satisfaction.fitindices import (expected_information, fit_measures,
                                               standard_errors, std_all)
from kamreport.satisfaction.spec import ModelSpec

#: Solvers tried in turn by ``solver="auto"``: semopy's default, then the method that matches
#: lavaan on ECSI/mobi, then a quasi-Newton method.
SOLVER_CASCADE: tuple[str, ...] = ("SLSQP", "trust-constr", "L-BFGS-B")
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
        ``~`` target on source, ``~~`` (residual) (co)variance), estimate, std_error (0 if
        fixed), z, p_value, std_all.
    fit : chi2, df, p_value, cfi, tli, rmsea, rmsea_ci_low, rmsea_ci_high (90 %), rmsea_p
        (close fit), srmr, aic, bic, n, n_params, baseline_chi2, baseline_df, f_ml, logl,
        unrestricted_logl (see :func:`~kamreport.satisfaction.fitindices.fit_measures`).
    converged : every check passed. solver, iterations : the kept solution's method and count.
    warnings : its failed checks. attempts : one line per solver tried (F_ML, first failure).
    implied_cov, sample_cov : model-implied and sample covariance (divided by N), items x items.
    spec, residual_covariances : the model. missing, n_dropped : the missing-data rule, its drops.
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


@dataclass(frozen=True)
class _Attempt:
    solver: str
    f_ml: float
    iterations: int
    problem: str | None  # first failed convergence check
    improper: tuple[str, ...]  # failed propriety checks
    rows: list[Row]
    std: list[float]
    implied: np.ndarray
    information: np.ndarray | None

    @property
    def proper(self) -> bool:
        return self.problem is None and not self.improper


def fit_cbsem(data: pd.DataFrame, spec: ModelSpec | str, *, estimator: str = "ML",
              solver: str | Sequence[str] = "auto",
              missing: Literal["listwise", "error"] = "listwise", check: bool = True,
              residual_covariances: Sequence[tuple[str, str]] = (),
              gradient_tol: float = 1e-6, max_iter: int = 5_000) -> CbsemResult:
    """Fit a structural equation model by maximum likelihood (CB-SEM), checked against lavaan.

    Parameters
    ----------
    data : respondents x items; only the spec's items are used.
    spec : :class:`ModelSpec` or lavaan-style text; every construct reflective (``=~``).
    estimator : ``"ML"``, the only one (the fit indices are ML formulas).
    solver : ``"auto"`` tries :data:`SOLVER_CASCADE` until a solution passes every check; a
        scipy method name or a sequence of names replaces the cascade.
    missing : ``"listwise"`` drops rows with a missing item (``n_dropped``); ``"error"`` raises.
    check : raise :class:`ConvergenceError` when no solver gives a converged, proper solution;
        with ``False`` the best solution (proper first, then converged, then lowest F_ML) is
        returned with ``converged=False`` and the failed checks in ``warnings``.
    residual_covariances : item pairs whose residuals covary freely (lavaan ``y1 ~~ y5``).
    gradient_tol : largest chi2 decrease one Fisher-scoring step may still promise at an
        accepted solution (default 1e-6; lavaan's default stop leaves ~1e-7 on ECSI/mobi).
    max_iter : iteration cap of each solver (default 5000; trust-constr needs ~750 on ECSI).

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
    >>> mobi = pd.read_csv("../shared/reference/mobi/mobi.csv")  # doctest: +SKIP
    >>> cb = fit_cbsem(mobi, ecsi())                            # doctest: +SKIP
    >>> cb.solver, round(cb.fit["chi2"], 2), cb.fit["df"]        # doctest: +SKIP
    ('trust-constr', 575.57, 241.0)
    """
    spec, pairs = _check_model(spec, residual_covariances)
    if estimator != "ML" or missing not in ("listwise", "error"):
        raise InputError(f"estimator={estimator!r}, missing={missing!r}: CB-SEM supports "
                         "estimator='ML' with missing='listwise' or 'error'")
    cascade = (SOLVER_CASCADE if solver == "auto"
               else (solver,) if isinstance(solver, str) else tuple(solver))
    if not cascade:
        raise InputError("solver is an empty sequence; pass 'auto' or a scipy method name")
    items, n_dropped = _prepare_data(data, spec, missing)
    n, centred = len(items), items.to_numpy() - items.to_numpy().mean(axis=0)
    sample = centred.T @ centred / n  # lavaan's S: divided by N
    # semopy sees aliases v0, v1, ...: its parser need not cope with dots or CJK in names
    alias = {name: f"v{i}" for i, name in enumerate((*spec.items, *spec.names))}
    back = {a: name for name, a in alias.items()}
    sd = np.sqrt(np.diag(sample))  # semopy fits items / sd; constructs take their marker's unit
    frame = (items / sd).rename(columns=alias)
    cov = pd.DataFrame(sample / np.outer(sd, sd), index=frame.columns, columns=frame.columns)
    description = _semopy_syntax(spec, pairs, alias)
    attempts: list[_Attempt] = []
    for method in cascade:
        model = _new_model(description, len(spec.items))
        attempts.append(_attempt(model, frame, cov, method, max_iter, gradient_tol, back))
        if attempts[-1].proper:
            break
    best = min(attempts, key=lambda a: (not a.proper, a.problem is not None, a.f_ml))
    notes = tuple(x for x in (best.problem, *best.improper) if x)
    if check and notes:
        kind = "did not converge" if best.problem else "gave an improper solution"
        raise ConvergenceError(f"CB-SEM {kind}: {notes[0]}; solvers tried: "
                               f"{', '.join(a.solver for a in attempts)} (best {best.solver}); "
                               "respecify the model or pass check=False to inspect the result")
    names, implied = list(spec.items), best.implied * np.outer(sd, sd)
    unit = dict(zip(names, sd)) | {c.name: sd[names.index(c.items[0])] for c in spec.constructs}
    return CbsemResult(
        estimates=_estimates(best, spec, pairs, unit), converged=not notes, solver=best.solver,
        fit=fit_measures(sample, implied, n, sum(r[3] for r in best.rows)),
        iterations=best.iterations, warnings=notes, attempts=tuple(
            f"{a.solver}: F_ML={a.f_ml:.10g}, {a.iterations} iterations, "
            f"{a.problem or (a.improper or ('converged, proper',))[0]}" for a in attempts),
        implied_cov=pd.DataFrame(implied, index=names, columns=names),
        sample_cov=pd.DataFrame(sample, index=names, columns=names),
        spec=spec, residual_covariances=pairs, missing=missing, n_dropped=n_dropped)


# -- input --------------------------------------------------------------------------------------
def _check_model(spec: ModelSpec | str, pairs: Sequence[tuple[str, str]]
                 ) -> tuple[ModelSpec, tuple[tuple[str, str], ...]]:
    spec = ModelSpec.from_text(spec) if isinstance(spec, str) else spec
    for c in spec.constructs:
        if c.mode != "A":
            raise ModelError(f"CB-SEM needs reflective constructs; construct {c.name!r} is "
                             "composite ('<~'): declare it with '=~' or use fit_pls")
    out: list[tuple[str, str]] = []
    for pair in pairs:
        a, b = (str(pair[0]), str(pair[1])) if len(pair) == 2 else ("", "")
        if a not in spec.items or b not in spec.items or a == b or {(a, b), (b, a)} & set(out):
            raise ModelError(f"residual covariance {pair!r} is not a new pair of two different "
                             f"model items; name two of {', '.join(spec.items)}")
        out.append((a, b))
    return spec, tuple(out)


def _prepare_data(data: pd.DataFrame, spec: ModelSpec, missing: str) -> tuple[pd.DataFrame, int]:
    if not isinstance(data, pd.DataFrame):
        raise InputError(f"data is a {type(data).__name__}; pass a pandas DataFrame")
    spec.validate_data(data.columns)
    items = data.loc[:, list(spec.items)]
    text = [str(c) for c, kind in items.dtypes.items() if kind.kind not in "iuf"]
    if text:
        raise InputError(f"item column(s) {', '.join(text)} are not numeric; recode them to "
                         "numbers (and declare missing codes) before fitting")
    items = items.astype("float64")
    incomplete = items.isna().any(axis=1).to_numpy()
    if incomplete.any() and missing == "error":
        rows = ", ".join(map(str, items.index[incomplete][:5]))
        cols = ", ".join(items.columns[items.isna().any()][:5])
        raise InputError(f"{int(incomplete.sum())} row(s) have missing items (rows {rows}; "
                         f"columns {cols}); impute them or pass missing='listwise'")
    items = items.loc[~incomplete]
    p = items.shape[1]
    if len(items) <= p:
        raise InputError(f"{len(items)} complete row(s) for {p} items; CB-SEM needs more rows "
                         "than items (in practice 5-10 per parameter): collect more data")
    constant = [str(c) for c, sd in items.std(ddof=0).items()
                if sd <= 1e-12 * max(1.0, items[c].abs().max())]
    if constant:
        raise InputError(f"item(s) {', '.join(constant)} are constant (variance 0); drop them "
                         "from the model")
    if np.linalg.eigvalsh(np.corrcoef(items.to_numpy(), rowvar=False))[0] < 1e-10:
        raise InputError("the items are linearly dependent (singular sample covariance matrix); "
                         "drop duplicated or sum-score items from the model")
    return items, int(incomplete.sum())


def _semopy_syntax(spec: ModelSpec, pairs: tuple[tuple[str, str], ...],
                   alias: dict[str, str]) -> str:
    lines = [f"{alias[c.name]} =~ " + " + ".join(alias[i] for i in c.items)
             for c in spec.constructs]
    lines += [f"{alias[t]} ~ " + " + ".join(alias[s] for s in spec.predecessors(t))
              for t in spec.endogenous]
    lines += [f"{alias[c.items[0]]} ~~ 0*{alias[c.items[0]]}"
              for c in spec.constructs if len(c.items) == 1]  # lavaan's auto.fix.single
    lines += [f"{alias[a]} ~~ {alias[b]}" for a, b in pairs]
    return "\n".join(lines)


def _new_model(description: str, p: int) -> Any:
    import semopy  # deferred: importing kamreport.satisfaction stays cheap
    model = semopy.Model(description)  # variances keep semopy's bound [0, inf)
    free = sum(parameter.active for parameter in model.parameters.values())
    if free > p * (p + 1) // 2:
        raise ModelError(f"{free} free parameters exceed the {p * (p + 1) // 2} (co)variances of "
                         f"the {p} items; drop paths or residual covariances, or add items")
    return model


# -- fitting and checks -----------------------------------------------------------------------
@contextmanager
def _quiet() -> Iterator[None]:
    """Silence semopy's root-logger messages and scipy's warnings during one fit (restored)."""
    previous = logging.root.manager.disable
    logging.disable(logging.WARNING)
    try:
        with warnings.catch_warnings(action="ignore"):
            yield
    finally:
        logging.disable(previous)


def _attempt(model: Any, frame: pd.DataFrame, cov: pd.DataFrame, method: str, max_iter: int,
             gradient_tol: float, back: dict[str, str]) -> _Attempt:
    options = {"maxiter": max_iter, **SOLVER_OPTIONS.get(method, {})}
    with _quiet():
        try:
            result = model.fit(frame, cov=cov, solver=method, options=options)
        except ValueError as exc:  # scipy rejects an unknown method name
            raise InputError(f"solver {method!r} failed to start ({exc}); use 'auto' or a scipy "
                             "minimize method such as 'trust-constr'") from None
        x = np.array(model.param_vals, dtype=float)
        iterations = int(result.n_it) if np.isfinite(result.n_it) else -1
        f_ml = float(model.obj_mlw(x))
        rows = _table(model, back)
        std, implied, latent = _standardized(model, rows, back)
        if not np.isfinite(f_ml):
            problem = "the implied covariance matrix is not positive definite"
            return _Attempt(method, f_ml, iterations, problem, (), rows, std, implied, None)
        gradient = model.grad_mlw(x)
        sigma, (m, c) = model.calc_sigma()
        information = expected_information(sigma, model.calc_sigma_grad(m, c), model.n_samples)
        lower = np.array([np.nan if b[0] is None else b[0] for b in model.get_bounds()])
        bound = (x - lower <= 1e-6 * float(np.mean(np.diag(cov)))) & (gradient > 0)
        problem = _convergence_problem(model, x, gradient, information, bound, gradient_tol,
                                       [' '.join(r[:3]) for r in rows if r[3]])
        model.update_matrices(x)
    improper = _improper(rows, std, implied, latent, bound)
    return _Attempt(method, f_ml, iterations, problem, improper, rows, std, implied, information)


def _convergence_problem(model: Any, x: np.ndarray, gradient: np.ndarray,
                         information: np.ndarray, bound: np.ndarray, gradient_tol: float,
                         names: list[str]) -> str | None:
    scale = 1 / np.sqrt(np.maximum(np.diag(information), 1e-300))
    eigen, vectors = np.linalg.eigh(information * np.outer(scale, scale))
    if eigen[0] < 1e-10:
        return (f"the information matrix is singular (smallest scaled eigenvalue {eigen[0]:.1e}): "
                f"the model is not identified, most at {names[int(np.argmax(abs(vectors[:, 0])))]}")
    inner = np.flatnonzero(~bound)  # free parameters not held at a bound
    g = gradient[inner]
    step = np.linalg.solve(information[np.ix_(inner, inner)], g)
    n = model.n_samples
    decrease = n * n / 4 * float(g @ step)  # chi2 = N F_ML; information = N/2 E[Hessian of F]
    if not decrease <= gradient_tol:
        worst = names[inner[int(np.argmax(np.abs(g * step)))]]
        return (f"not at a minimum: a Fisher-scoring step would still lower chi2 by "
                f"{decrease:.2g} (> {gradient_tol:g}), most at {worst}")
    steps = np.diag(1e-5 * np.maximum(1.0, np.abs(x)))[inner]
    hessian = np.array([(model.grad_mlw(x + e) - model.grad_mlw(x - e))[inner] / (2 * e.max())
                        for e in steps]).T
    if not np.all(np.isfinite(hessian)):
        return "the solution lies on the edge of the admissible region (Hessian not finite)"
    hessian = (hessian + hessian.T) / 2 * n / 2 * np.outer(scale[inner], scale[inner])
    low = np.linalg.eigvalsh(hessian)[0]
    if low < -1e-6:
        return f"a saddle point, not a minimum (scaled observed Hessian eigenvalue {low:.1e})"
    return None


def _table(model: Any, back: dict[str, str]) -> list[Row]:
    """Every semopy parameter as (lval, op, rval, free, value), lavaan's orientation, real names."""
    rows, free_values = [], iter(model.param_vals)
    for parameter in model.parameters.values():
        loc = parameter.locations[0]
        k = next(i for i, mx in enumerate(model.matrices[:4]) if mx is loc.matrix)
        r, c = model.names[k][0][loc.indices[0]], model.names[k][1][loc.indices[1]]
        lval, op, rval = ((r, "~", c), (c, "=~", r), (r, "~~", c), (r, "~~", c))[k]
        value = float(next(free_values)) if parameter.active else float(parameter.start)
        rows.append((back[lval], op, back[rval], bool(parameter.active), value))
    return rows


def _standardized(model: Any, rows: list[Row], back: dict[str, str]
                  ) -> tuple[list[float], np.ndarray, np.ndarray]:
    """std_all per row, the implied covariance (spec item order) and construct covariance."""
    model.update_matrices(model.param_vals)
    sigma, (_, c) = model.calc_sigma()
    latent = c @ model.mx_psi @ c.T
    names = [back[v] for v in (*model.vars["observed"], *model.names_beta[0])]
    total = dict(zip(names, [*np.diag(sigma), *np.diag(latent)]))
    position = [names.index(name) for name in back.values() if name in names[:len(sigma)]]
    return (std_all([(r[0], r[1], r[2], r[4]) for r in rows], total),
            sigma[np.ix_(position, position)], latent)


def _improper(rows: list[Row], std: list[float], implied: np.ndarray, latent: np.ndarray,
              bound: np.ndarray) -> tuple[str, ...]:
    notes = [f"variance {' '.join(r[:3])} is held at 0 where ML wants it negative (Heywood case)"
             for r, at_bound in zip([r for r in rows if r[3]], bound) if at_bound]
    notes += [f"negative variance (Heywood case) {' '.join(r[:3])} = {r[4]:.4g}"
              for r in rows if r[1] == "~~" and r[0] == r[2] and r[4] < 0]
    notes += [f"standardized {' '.join(r[:3])} = {s:.4g} is beyond +-1" for r, s in zip(rows, std)
              if (r[1] == "=~" or (r[1] == "~~" and r[0] != r[2])) and abs(s) > 1 + 1e-6]
    if np.linalg.eigvalsh(implied)[0] <= 0:
        notes.append("the implied covariance matrix is not positive definite")
    if latent.size and np.linalg.eigvalsh(latent)[0] <= 0:
        notes.append("the construct covariance matrix is not positive definite")
    return tuple(notes)


# -- result -------------------------------------------------------------------------------------
def _estimates(best: _Attempt, spec: ModelSpec, pairs: tuple[tuple[str, str], ...],
               unit: dict[str, float]) -> pd.DataFrame:
    """parameterEstimates()-style table, in lavaan's row order and orientation."""
    free_se = iter(np.full(sum(r[3] for r in best.rows), np.nan) if best.information is None
                   else standard_errors(best.information))
    rank = {name: i for i, name in enumerate((*spec.items, *spec.names))}
    pair_rank = {pair: i for i, pair in enumerate(pairs)}
    path_rank = {(t, s): i for i, (s, t) in enumerate(spec.paths)}
    records = []
    for (lval, op, rval, free, value), std in zip(best.rows, best.std):
        if op == "~~" and lval != rval and ((rval, lval) in pair_rank
                                            or (lval in spec.names and rank[lval] > rank[rval])):
            lval, rval = rval, lval  # as the user wrote the pair; constructs in spec order
        factor = (unit[rval] / unit[lval] if op == "=~" else unit[lval] / unit[rval] if op == "~"
                  else unit[lval] * unit[rval])  # back to the items' units
        value, error = value * factor, float(next(free_se)) * factor if free else 0.0
        z = value / error if free and error > 0 else np.nan
        key = ((0, rank[rval], 0) if op == "=~" else (1, path_rank[(lval, rval)], 0) if op == "~"
               else (2, pair_rank[(lval, rval)], 0) if (lval, rval) in pair_rank
               else (3 if lval == rval else 4, rank[lval], rank[rval]))
        records.append((key, {"lval": lval, "op": op, "rval": rval, "estimate": value,
                              "std_error": error, "z": z,
                              "p_value": 2 * stats.norm.sf(abs(z)) if np.isfinite(z) else np.nan,
                              "std_all": std}))
    records.sort(key=lambda record: record[0])
    return pd.DataFrame.from_records([record for _, record in records])
