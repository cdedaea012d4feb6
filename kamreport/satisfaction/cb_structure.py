"""The LISREL-type covariance and mean structure of a CB-SEM model, with analytic derivatives.

``Sigma = Lambda A Psi A' Lambda' + Theta`` and ``mu = nu + Lambda A alpha`` with
``A = (I - B)^-1`` (Bollen 1989, ch. 8). semopy compiles the model text into these matrices and
their parameters (:func:`from_semopy`); this module evaluates them and the derivatives of Sigma
and mu with respect to every free parameter, which the optimiser
(:mod:`kamreport.satisfaction.cb_optim`), the standard errors, the robust statistics and the
modification indices share. Several groups (measurement invariance) are several structures that
index one parameter vector: a parameter shared by the groups has one index in each.

Matrix codes of a location ``(code, row, column)``: 0 B, 1 Lambda, 2 Psi, 3 Theta, 4 nu,
5 alpha. Psi and Theta are symmetric: a location names one triangle, both are set.

References
----------
Bollen (1989), *Structural equations with latent variables*, ch. 4 and 8. Neudecker & Satorra
(1991), "Linear structural relations: gradient and Hessian of the fitting function",
*Statistics & Probability Letters* 11, 57-61.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

Location = tuple[int, int, int]  # matrix code, row, column
Label = tuple[str, str, str]  # lavaan's lhs, op, rhs
BETA, LAMBDA, PSI, THETA, NU, ALPHA = range(6)


@dataclass(frozen=True)
class Structure:
    """One group's matrices: fixed values, and where each free parameter goes.

    Attributes
    ----------
    observed, latent : item and construct names (row order of Lambda / Theta, of B / Psi).
    fixed : the six matrices (B, Lambda, Psi, Theta, nu, alpha) with fixed values, 0 elsewhere.
    locations : per parameter of the shared vector, this group's locations (empty if unused).
    """

    observed: tuple[str, ...]
    latent: tuple[str, ...]
    fixed: tuple[np.ndarray, ...]
    locations: tuple[tuple[Location, ...], ...]

    @property
    def n_params(self) -> int:
        return len(self.locations)

    def matrices(self, x: np.ndarray) -> list[np.ndarray]:
        """B, Lambda, Psi, Theta, nu, alpha at the parameter vector ``x``."""
        out = [m.copy() for m in self.fixed]
        for code, (i, r, c) in self._index.items():
            if len(i):
                out[code][r, c] = x[i]
                if code in (PSI, THETA):
                    out[code][c, r] = x[i]
        return out

    def implied(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Model-implied covariance Sigma (p x p) and mean mu (p)."""
        beta, lam, psi, theta, nu, alpha = self.matrices(x)
        a = np.linalg.inv(np.eye(len(beta)) - beta)
        loading = lam @ a
        return loading @ psi @ loading.T + theta, nu[:, 0] + (loading @ alpha)[:, 0]

    def latent_cov(self, x: np.ndarray) -> np.ndarray:
        """Total covariance of the constructs, ``A Psi A'``."""
        beta, _, psi, *_ = self.matrices(x)
        a = np.linalg.inv(np.eye(len(beta)) - beta)
        return a @ psi @ a.T

    @cached_property
    def _index(self) -> dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """Per matrix code: parameter, row and column arrays of every location."""
        triples: dict[int, list[tuple[int, int, int]]] = {code: [] for code in range(6)}
        for i, where in enumerate(self.locations):
            for code, r, c in where:
                triples[code].append((i, r, c))
        return {code: tuple(np.array(v, dtype=int).reshape(-1, 3).T)  # type: ignore[misc]
                for code, v in triples.items()}

    def derivatives(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """dSigma/dx (k x p x p) and dmu/dx (k x p) of every parameter of the shared vector."""
        beta, lam, psi, _, _, alpha = self.matrices(x)
        p = lam.shape[0]
        a = np.linalg.inv(np.eye(len(beta)) - beta)
        loading = lam @ a  # L = Lambda A (p x m)
        k_mat = a @ psi @ loading.T  # K = A Psi A' Lambda' (m x p)
        mean_latent = (a @ alpha)[:, 0]
        d_sigma = np.zeros((len(self.locations), p, p))
        d_mu = np.zeros((len(self.locations), p))
        index = self._index
        i, r, c = index[LAMBDA]
        if len(i):
            np.add.at(d_sigma, (i, r), k_mat[c])
            np.add.at(d_sigma.transpose(0, 2, 1), (i, r), k_mat[c])
            np.add.at(d_mu, (i, r), mean_latent[c])
        i, r, c = index[BETA]
        if len(i):
            outer = loading.T[r][:, :, None] * k_mat[c][:, None, :]
            np.add.at(d_sigma, i, outer + outer.transpose(0, 2, 1))
            np.add.at(d_mu, i, loading.T[r] * mean_latent[c][:, None])
        i, r, c = index[PSI]
        if len(i):
            outer = loading.T[r][:, :, None] * loading.T[c][:, None, :]
            both = np.where((r != c)[:, None, None], outer + outer.transpose(0, 2, 1), outer)
            np.add.at(d_sigma, i, both)
        i, r, c = index[THETA]
        if len(i):
            np.add.at(d_sigma, (i, r, c), 1.0)
            off = r != c
            np.add.at(d_sigma, (i[off], c[off], r[off]), 1.0)
        i, r, _ = index[NU]
        if len(i):
            np.add.at(d_mu, (i, r), 1.0)
        i, r, _ = index[ALPHA]
        if len(i):
            np.add.at(d_mu, i, loading.T[r])
        return d_sigma, d_mu

    def gradient(self, x: np.ndarray, w: np.ndarray, v: np.ndarray) -> np.ndarray:
        """``tr(W dSigma/dx) - 2 v' dmu/dx`` per parameter, without forming dSigma/dx.

        ``W`` is symmetric (p x p) and ``v`` a p-vector: for the ML discrepancy
        ``W = Sigma^-1 - Sigma^-1 C Sigma^-1`` and ``v = Sigma^-1 (xbar - mu)``.
        """
        beta, lam, psi, _, _, alpha = self.matrices(x)
        a = np.linalg.inv(np.eye(len(beta)) - beta)
        loading = lam @ a
        k_mat = a @ psi @ loading.T
        mean_latent = (a @ alpha)[:, 0]
        wk = w @ k_mat.T  # p x m
        lv = loading.T @ v
        out = np.zeros(len(self.locations))
        index = self._index
        i, r, c = index[LAMBDA]
        np.add.at(out, i, 2 * wk[r, c] - 2 * v[r] * mean_latent[c])
        i, r, c = index[BETA]
        np.add.at(out, i, 2 * (loading.T @ wk)[r, c] - 2 * lv[r] * mean_latent[c])
        i, r, c = index[PSI]
        np.add.at(out, i, (loading.T @ w @ loading)[r, c] * np.where(r != c, 2.0, 1.0))
        i, r, c = index[THETA]
        np.add.at(out, i, w[r, c] * np.where(r != c, 2.0, 1.0))
        i, r, _ = index[NU]
        np.add.at(out, i, -2 * v[r])
        i, r, _ = index[ALPHA]
        np.add.at(out, i, -2 * lv[r])
        return out


def from_semopy(model: Any, observed: list[str], latent: list[str], back: dict[str, str]
                ) -> tuple[Structure, list[Label], np.ndarray, list[tuple[Label, float]]]:
    """This group's structure from a compiled ``semopy.Model`` (rows in our item order).

    Parameters
    ----------
    model : a ``semopy.Model`` built from the model description (not fitted).
    observed, latent : item and construct names in the order wanted for Lambda / B.
    back : semopy alias -> our name.

    Returns
    -------
    structure : free parameters only, in semopy's order (semopy's ``param_vals`` order).
    labels : (lhs, op, rhs) per free parameter, lavaan's orientation.
    lower : lower bound per free parameter (0 for a variance, -inf otherwise).
    fixed_rows : (label, value) of the fixed parameters (marker loadings, fixed variances).
    """
    p, m = len(observed), len(latent)
    fixed = [np.zeros((m, m)), np.zeros((p, m)), np.zeros((m, m)), np.zeros((p, p)),
             np.zeros((p, 1)), np.zeros((m, 1))]
    row_names = [[back[v] for v in model.names_beta[0]], [back[v] for v in model.names_lambda[0]],
                 [back[v] for v in model.names_psi[0]], [back[v] for v in model.names_theta[0]]]
    col_names = [[back[v] for v in model.names_beta[1]], [back[v] for v in model.names_lambda[1]],
                 [back[v] for v in model.names_psi[1]], [back[v] for v in model.names_theta[1]]]
    order = [latent, observed, latent, observed]
    cols = [latent, latent, latent, observed]
    locations: list[tuple[Location, ...]] = []
    labels: list[Label] = []
    lower: list[float] = []
    fixed_rows: list[tuple[Label, float]] = []
    for parameter in model.parameters.values():
        where = []
        for loc in parameter.locations:
            code = next(i for i, mx in enumerate(model.matrices[:4]) if mx is loc.matrix)
            r_name = row_names[code][loc.indices[0]]
            c_name = col_names[code][loc.indices[1]]
            where.append((code, order[code].index(r_name), cols[code].index(c_name)))
        code, r, c = where[0]
        r_name, c_name = order[code][r], cols[code][c]
        label = ((r_name, "~", c_name), (c_name, "=~", r_name), (r_name, "~~", c_name),
                 (r_name, "~~", c_name))[code]
        if parameter.active:
            locations.append(tuple(where))
            labels.append(label)
            bound = parameter.bound[0]
            lower.append(-np.inf if bound is None else float(bound))
        else:
            for code, r, c in where:
                fixed[code][r, c] = float(parameter.start)
                if code in (PSI, THETA):
                    fixed[code][c, r] = float(parameter.start)
            fixed_rows.append((label, float(parameter.start)))
    structure = Structure(tuple(observed), tuple(latent), tuple(fixed), tuple(locations))
    return structure, labels, np.array(lower), fixed_rows


def with_intercepts(structure: Structure, labels: list[Label], lower: np.ndarray
                    ) -> tuple[Structure, list[Label], np.ndarray]:
    """The structure with a free intercept per item appended (lavaan ``item ~ 1``)."""
    extra = tuple(((NU, r, 0),) for r in range(len(structure.observed)))
    return (Structure(structure.observed, structure.latent, structure.fixed,
                      structure.locations + extra),
            labels + [(name, "~1", "") for name in structure.observed],
            np.concatenate([lower, np.full(len(extra), -np.inf)]))
