"""Checks of a CB-SEM solution: identified, at a minimum, proper (no Heywood case).

A solver's "success" is not trusted (semopy's SLSQP stops at a wrong ECSI/mobi solution and
reports success); every solution, ours or semopy's, passes the same checks:

1. identification: the expected information scaled to unit diagonal has smallest eigenvalue
   > 1e-10;
2. convergence: one Fisher-scoring step would lower chi2 by at most ``gradient_tol``
   (a scale-free gradient norm), variances held at their bound excluded;
3. a minimum: the scaled observed Hessian (central differences of the analytic gradient) has no
   eigenvalue < -1e-6;
4. a proper solution: no variance held at the bound 0 while ML pushes it below (Heywood case)
   or negative, no standardized loading or correlation beyond +-1, positive-definite implied
   and construct covariances. Standardized paths beyond 1 are legitimate with collinear
   predictors (ECSI/mobi: 3.27).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np


def observed_hessian(gradient: Callable[[np.ndarray], np.ndarray], x: np.ndarray,
                     index: np.ndarray | None = None) -> np.ndarray:
    """Symmetrised central-difference Jacobian of ``gradient`` at ``x`` (rows/columns ``index``).

    Parameters
    ----------
    gradient : analytic gradient of the objective. x : the point.
    index : the parameters to differentiate (default all).

    Returns
    -------
    numpy.ndarray
        len(index) x len(index); NaN entries where the gradient is not finite.

    Examples
    --------
    >>> observed_hessian(lambda v: np.array([2 * v[0] + v[1], v[0] + 4 * v[1]]), np.zeros(2))
    array([[2., 1.],
           [1., 4.]])
    """
    index = np.arange(len(x)) if index is None else index
    out = np.empty((len(index), len(index)))
    for a, i in enumerate(index):
        h = 1e-5 * max(1.0, abs(x[i]))
        up, down = x.copy(), x.copy()
        up[i] += h
        down[i] -= h
        out[:, a] = (gradient(up) - gradient(down))[index] / (2 * h)
    return (out + out.T) / 2


def convergence_problem(x: np.ndarray, gradient: np.ndarray, information: np.ndarray,
                        hessian: Callable[[np.ndarray], np.ndarray], bound: np.ndarray,
                        gradient_tol: float, n: float, names: Sequence[str]) -> str | None:
    """First failed check among identification, convergence and minimum (None: all pass).

    Parameters
    ----------
    x : free parameters. gradient : dF/dx there. information : expected information
        ``N/2 E[d2F]``. hessian : index -> observed Hessian of F (rows/columns index).
    bound : parameters held at their bound. gradient_tol : see :func:`fit_cbsem`.
    n : sample size N. names : parameter labels for the messages.

    Returns
    -------
    str or None
    """
    scale = 1 / np.sqrt(np.maximum(np.diag(information), 1e-300))
    eigen, vectors = np.linalg.eigh(information * np.outer(scale, scale))
    if eigen[0] < 1e-10:
        return (f"the information matrix is singular (smallest scaled eigenvalue {eigen[0]:.1e}): "
                f"the model is not identified, most at {names[int(np.argmax(abs(vectors[:, 0])))]}")
    inner = np.flatnonzero(~bound)
    g = gradient[inner]
    step = np.linalg.solve(information[np.ix_(inner, inner)], g)
    decrease = n * n / 4 * float(g @ step)  # chi2 = N F; information = N/2 E[Hessian of F]
    if not decrease <= gradient_tol:
        worst = names[inner[int(np.argmax(np.abs(g * step)))]]
        return (f"not at a minimum: a Fisher-scoring step would still lower chi2 by "
                f"{decrease:.2g} (> {gradient_tol:g}), most at {worst}")
    observed = hessian(inner)
    if not np.all(np.isfinite(observed)):
        return "the solution lies on the edge of the admissible region (Hessian not finite)"
    observed = observed * n / 2 * np.outer(scale[inner], scale[inner])
    low = np.linalg.eigvalsh(observed)[0]
    if low < -1e-6:
        return f"a saddle point, not a minimum (scaled observed Hessian eigenvalue {low:.1e})"
    return None


def improper(rows: Sequence[tuple[str, str, str, bool, float]], std: Sequence[float],
             implied: np.ndarray, latent: np.ndarray, bound: np.ndarray) -> tuple[str, ...]:
    """The propriety notes of a solution (empty: proper).

    Parameters
    ----------
    rows : (lval, op, rval, free, value), free rows first in parameter order.
    std : std_all per row. implied, latent : implied item and construct covariances.
    bound : per free parameter, held at the bound 0 while the gradient pushes below.

    Returns
    -------
    tuple of str
    """
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
