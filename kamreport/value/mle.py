"""Maximum-likelihood fitting shared by the customer-base models of :mod:`kamreport.value.lifetime`.

One idea: turn a model's per-pattern log-likelihood (with its analytic gradient) into a checked
fit, the same way for BG/NBD, Pareto/NBD and Gamma-Gamma (the data arrive validated and collapsed
onto patterns by :mod:`kamreport.value.patterns`):

1. maximise the weighted log-likelihood on log-parameters with L-BFGS-B and the analytic
   gradient, then, if L-BFGS-B stopped above the tolerance, take Newton steps on a Hessian from
   central differences of the analytic gradient (:func:`maximize`);
2. standard errors from the inverse of the observed information in the original parameters (the
   Hessian of the log-likelihood at the optimum, again differences of the analytic gradient).

A fit that stops short of the tolerance, runs a parameter towards its bound, or ends at a point
whose Hessian is not negative definite raises :class:`~kamreport.errors.ConvergenceError`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.optimize import minimize

from kamreport.errors import ConvergenceError, InputError

@dataclass(frozen=True, eq=False)
class FitResult:
    """What every maximum-likelihood fit of a customer-base model records (the model classes
    add their predictions): ``params`` and ``std_errors`` by name, their ``covariance``, the
    maximised ``log_likelihood``, ``n_customers`` collapsed onto ``n_patterns`` weighted rows,
    whether the fit ``converged`` after how many ``iterations``, the L2 ``penalizer`` and, in
    ``history``, the fitted summary's columns used as the prediction methods' defaults."""

    params: dict[str, float]
    std_errors: dict[str, float]
    covariance: pd.DataFrame
    log_likelihood: float
    n_customers: int
    n_patterns: int
    converged: bool
    iterations: int
    penalizer: float
    history: tuple[pd.Series, ...] = field(repr=False)


#: ``loglik(theta, data, gradient)`` -> (log-likelihood per pattern, d/dtheta per pattern or None)
Loglik = Callable[[np.ndarray, tuple[np.ndarray, ...], bool], tuple[np.ndarray, np.ndarray | None]]

#: log-parameters are kept inside +-LOG_BOUND (1e-10 .. 1e10 on the internal scale)
LOG_BOUND = float(np.log(1e10))


def start_values(
    initial: dict[str, float] | None, names: Sequence[str], default: Sequence[float], *, model: str
) -> np.ndarray:
    """Start values from the ``initial=`` argument (all names, all > 0), else ``default``."""
    if initial is None:
        return np.asarray(default, dtype=np.float64)
    if not isinstance(initial, dict) or set(initial) != set(names):
        raise InputError(
            f"{model}: initial must be a dict with exactly the keys {', '.join(names)}, got {initial!r}"
        )
    values = np.array([float(initial[k]) for k in names])
    if not np.all(np.isfinite(values) & (values > 0)):
        raise InputError(f"{model}: initial values must be finite and > 0, got {initial!r}")
    return values


def check_options(penalizer: float, tol: float, max_iter: int, *, model: str) -> None:
    """Validate the optimizer arguments common to every fit."""
    if not (np.isfinite(penalizer) and penalizer >= 0):
        raise InputError(f"{model}: penalizer must be >= 0, got {penalizer!r}")
    if not (np.isfinite(tol) and tol > 0):
        raise InputError(f"{model}: tol must be > 0, got {tol!r}")
    if isinstance(max_iter, bool) or not isinstance(max_iter, (int, np.integer)) or max_iter < 1:
        raise InputError(f"{model}: max_iter must be a whole number >= 1, got {max_iter!r}")


@dataclass(frozen=True)
class MleResult:
    """What :func:`maximize` found (internal parameters, i.e. on the model's working scale)."""

    theta: np.ndarray
    log_likelihood: float
    covariance: np.ndarray
    iterations: int
    gradient_max: float


def _objective(
    loglik: Loglik, data: tuple[np.ndarray, ...], weights: np.ndarray, penalizer: float
) -> Callable[[np.ndarray], tuple[float, np.ndarray]]:
    total = float(weights.sum())

    def f(log_theta: np.ndarray) -> tuple[float, np.ndarray]:
        theta = np.exp(log_theta)
        ll, grad = loglik(theta, data, True)
        if grad is None:  # pragma: no cover - every model returns its gradient when asked
            raise TypeError("loglik returned no gradient")
        value = -float(weights @ ll) / total + penalizer * float(theta @ theta)
        g = (-(grad @ weights) / total + 2.0 * penalizer * theta) * theta
        if not np.isfinite(value):
            return np.inf, np.zeros_like(log_theta)
        return value, g

    return f


def _fd_jacobian(fn: Callable[[np.ndarray], np.ndarray], at: np.ndarray, steps: np.ndarray) -> np.ndarray:
    """Central differences of a vector function (the analytic gradient), symmetrised."""
    k = at.size
    jac = np.empty((k, k))
    for j in range(k):
        e = np.zeros(k)
        e[j] = steps[j]
        jac[:, j] = (fn(at + e) - fn(at - e)) / (2.0 * steps[j])
    return 0.5 * (jac + jac.T)


def maximize(
    loglik: Loglik,
    data: tuple[np.ndarray, ...],
    weights: np.ndarray,
    theta0: np.ndarray,
    names: Sequence[str],
    *,
    model: str,
    penalizer: float,
    tol: float,
    max_iter: int,
) -> MleResult:
    """Maximise a weighted log-likelihood over positive parameters.

    Parameters
    ----------
    loglik : callable
        ``loglik(theta, data, gradient)`` -> per-pattern log-likelihood and, when ``gradient``,
        its derivatives with respect to ``theta`` (shape ``(len(theta), n_patterns)``).
    data, weights : tuple of ndarray, ndarray
        The collapsed patterns and their counts.
    theta0 : ndarray
        Start (positive).
    names : sequence of str
        Parameter names, for messages.
    model : str
        Name of the calling function, for messages.
    penalizer : float
        Coefficient of the L2 penalty ``penalizer * sum(theta**2)`` added to the mean negative
        log-likelihood (the convention of lifetimes 0.11).
    tol : float
        Converged when the largest absolute gradient component of the mean negative
        log-likelihood with respect to the log-parameters is <= ``tol``.
    max_iter : int
        Cap on L-BFGS-B iterations.

    Returns
    -------
    MleResult

    Raises
    ------
    ConvergenceError
        Gradient above ``tol`` at the end, a parameter at its bound (1e-10 or 1e10 on the
        internal scale), or a Hessian that is not negative definite.
    """
    f = _objective(loglik, data, weights, penalizer)
    x0 = np.log(np.asarray(theta0, dtype=np.float64))
    bounds = [(-LOG_BOUND, LOG_BOUND)] * x0.size
    res = minimize(
        f, x0, jac=True, method="L-BFGS-B", bounds=bounds,
        options={"maxiter": max_iter, "gtol": tol, "ftol": 1e-15, "maxcor": 20},
    )
    x, (fx, gx) = res.x, f(res.x)
    iterations = int(res.nit)

    def grad_only(z: np.ndarray) -> np.ndarray:
        return f(z)[1]

    # Newton polish on the log scale when L-BFGS-B stopped (ftol, line search) above tol.
    for _ in range(8):
        if (np.max(np.abs(gx)) <= tol or np.any(np.abs(x) >= LOG_BOUND - 1e-6)
                or iterations >= max_iter):
            break
        hess = _fd_jacobian(grad_only, x, np.full(x.size, 1e-5))
        try:
            np.linalg.cholesky(hess)
        except np.linalg.LinAlgError:
            break
        step = -np.linalg.solve(hess, gx)
        # near the optimum a Newton step gains ~g^2/h (1e-16 at g = 1e-8), below the rounding of a
        # sum over thousands of patterns (~1e-14 relative; the sum's order varies with the engine's
        # aggregation order): accept a step that does not rise beyond that noise
        noise = 1e-12 * max(1.0, abs(fx))
        for _ in range(30):
            x_new = np.clip(x + step, -LOG_BOUND, LOG_BOUND)
            f_new, g_new = f(x_new)
            if f_new <= fx + noise:
                break
            step = step / 2.0
        else:
            break
        x, fx, gx = x_new, f_new, g_new
        iterations += 1

    gmax = float(np.max(np.abs(gx)))
    converged = np.isfinite(fx) and gmax <= tol
    # at the bound, or (when stuck) far out towards it: the likelihood keeps rising there
    drifting = np.abs(x) >= (LOG_BOUND - 1e-3 if converged else np.log(1e6))
    if drifting.any():
        which = ", ".join(
            f"{n} -> {'0' if v < 0 else 'infinity'}" for n, v, d in zip(names, x, drifting, strict=True) if d
        )
        raise ConvergenceError(
            f"{model}: parameter(s) ran towards their bound ({which}); the data do not identify "
            "the model (e.g. nobody repeats, nobody drops out, no spread) - try penalizer=0.001"
        )
    if not converged:
        raise ConvergenceError(
            f"{model}: did not converge after {iterations} iterations (largest gradient "
            f"{gmax:.2g} > tol={tol:g}; optimizer: {' '.join(str(res.message).split())}); try "
            "initial=, max_iter= or "
            "penalizer=0.001"
        )
    theta = np.exp(x)
    total = float(weights.sum())

    def score(th: np.ndarray) -> np.ndarray:
        # gradient of the maximised objective (log-likelihood minus the penalty) in theta
        grad = loglik(th, data, True)[1]
        if grad is None:  # pragma: no cover
            raise TypeError("loglik returned no gradient")
        return grad @ weights - 2.0 * penalizer * total * th

    hess = _fd_jacobian(score, theta, 1e-5 * theta)
    try:
        np.linalg.cholesky(-hess)
    except np.linalg.LinAlgError:
        raise ConvergenceError(
            f"{model}: the log-likelihood is not concave at the solution (Hessian not negative "
            f"definite) at {dict(zip(names, np.round(theta, 6), strict=True))}; try other initial= values"
        ) from None
    covariance = np.linalg.inv(-hess)
    ll_total = float(weights @ loglik(theta, data, False)[0])
    return MleResult(theta, ll_total, covariance, iterations, gmax)
