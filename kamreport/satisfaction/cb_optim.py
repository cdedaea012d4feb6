"""Maximum-likelihood discrepancy of a CB-SEM model, its gradient, and bounded Fisher scoring.

The data enter as *blocks*: a group of complete rows (ML) or the rows of one missing-data
pattern (FIML), each with its row count ``n``, the items it observes, its mean and its covariance
about that mean (divided by ``n``). With ``Sigma_b, mu_b`` the implied moments of the observed
items and ``C_b = S_b + (xbar_b - mu_b)(xbar_b - mu_b)'``, the discrepancy is

    ``F(x) = sum_b n_b [log|Sigma_b| + tr(Sigma_b^-1 C_b)] / N - constant``,

i.e. ``-2 logL / N`` up to a constant; with one complete block and the constant
``log|S| + p`` it is lavaan's ``F_ML`` (2 x ``fmin``), and ``chi2 = N F``. Without a mean
structure ``mu_b = xbar_b``. The gradient is ``tr(W_b dSigma) - 2 (Sigma^-1 d)' dmu`` with
``W = Sigma^-1 - Sigma^-1 C Sigma^-1``; the expected Hessian is
``tr(Sigma^-1 dSigma_i Sigma^-1 dSigma_j) + 2 dmu_i' Sigma^-1 dmu_j`` (both weighted by n_b / N).

:func:`fisher_scoring` minimises F with those: Gauss-Newton steps on the expected Hessian,
step halving, variances held at their bound 0 while the gradient pushes them below (as semopy's
bounds), and a ridge when the Hessian is near singular. It converges in a few dozen steps where
quasi-Newton methods crawl along the flat directions of collinear models (ECSI on mobi).

References
----------
Lee & Jennrich (1979), "A study of algorithms for covariance structure analysis with specific
comparisons using factor analysis", *Psychometrika* 44(1), 99-113. Jöreskog (1977), "Factor
analysis by least-squares and maximum-likelihood methods". Arbuckle (1996) FIML.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from kamreport.satisfaction.cb_structure import LAMBDA, Structure


@dataclass(frozen=True)
class Block:
    """Rows sharing one group and one pattern of observed items."""

    group: int
    index: np.ndarray  # positions of the observed items in the group's structure
    n: float
    mean: np.ndarray
    cov: np.ndarray  # about the block's own mean, divided by n
    grid: tuple[np.ndarray, np.ndarray] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "grid", np.ix_(self.index, self.index))


@dataclass(frozen=True)
class _Batch:
    """The blocks of one group that observe the same number of items, stacked: the patterns of
    missing answers are many (FIML: one block each), so each step handles them in one batched
    call of numpy's linear algebra instead of a Python loop over the blocks."""

    group: int
    index: np.ndarray  # (blocks, k) positions of the observed items
    weight: np.ndarray  # (blocks,) n_b / N
    mean: np.ndarray  # (blocks, k)
    cov: np.ndarray  # (blocks, k, k)


@dataclass(frozen=True)
class Discrepancy:
    """``F(x)`` over the blocks of one or several groups (see the module docstring)."""

    structures: tuple[Structure, ...]
    blocks: tuple[Block, ...]
    meanstructure: bool
    constant: float = 0.0
    n_total: float = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "n_total", float(sum(b.n for b in self.blocks)))

    @cached_property
    def _batches(self) -> tuple[_Batch, ...]:
        sizes: dict[tuple[int, int], list[Block]] = {}
        for b in self.blocks:
            sizes.setdefault((b.group, len(b.index)), []).append(b)
        return tuple(_Batch(group, np.stack([b.index for b in bs]),
                            np.array([b.n for b in bs]) / self.n_total,
                            np.stack([b.mean for b in bs]), np.stack([b.cov for b in bs]))
                     for (group, _), bs in sizes.items())

    def _moments(self, x: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
        return [s.implied(x) for s in self.structures]

    def _parts(self, moments: list[tuple[np.ndarray, np.ndarray]]):
        """Per batch: the implied covariances of its blocks' items (blocks x k x k) and, with a
        mean structure, the deviations ``xbar_b - mu_b`` (else zeros)."""
        for batch in self._batches:
            sigma, mu = moments[batch.group]
            rows = batch.index
            d = batch.mean - mu[rows] if self.meanstructure else np.zeros(rows.shape)
            yield batch, sigma[rows[:, :, None], rows[:, None, :]], d

    def value(self, x: np.ndarray) -> float:
        """F(x); ``inf`` where an implied covariance is not positive definite."""
        total = 0.0
        for batch, sigma, d in self._parts(self._moments(x)):
            try:
                chol = np.linalg.cholesky(sigma)
            except np.linalg.LinAlgError:
                return float("inf")
            c = batch.cov + d[:, :, None] * d[:, None, :]
            log_det = 2 * np.log(np.diagonal(chol, axis1=1, axis2=2)).sum(axis=1)
            trace = np.einsum("bii->b", np.linalg.solve(sigma, c))
            total += float(batch.weight @ (log_det + trace))
        return float(total - self.constant)

    def _scatter(self, batch: _Batch, values: np.ndarray, p: int) -> np.ndarray:
        """Sum over the blocks of ``values`` (blocks x k x k, weighted) placed at their items' rows
        and columns of a p x p matrix (zero where a block does not observe)."""
        rows = batch.index
        flat = (rows[:, :, None] * p + rows[:, None, :]).ravel()
        return np.bincount(flat, weights=values.ravel(), minlength=p * p).reshape(p, p)

    def _padded_inverses(self, batch: _Batch, sigma: np.ndarray, p: int) -> np.ndarray:
        """Per block the inverse of its implied covariance, placed in a p x p matrix of zeros."""
        rows = batch.index
        out = np.zeros((len(rows), p, p))
        out[np.arange(len(rows))[:, None, None], rows[:, :, None], rows[:, None, :]] = np.linalg.inv(sigma)
        return out

    def gradient(self, x: np.ndarray) -> np.ndarray:
        """Gradient of F (analytic, no derivative matrices formed)."""
        moments = self._moments(x)
        ws = [np.zeros_like(sigma) for sigma, _ in moments]
        vs = [np.zeros_like(mu) for _, mu in moments]
        for batch, sigma, d in self._parts(moments):
            p = len(moments[batch.group][1])
            inverse = np.linalg.inv(sigma)
            c = batch.cov + d[:, :, None] * d[:, None, :]
            w = inverse - inverse @ c @ inverse
            ws[batch.group] += self._scatter(batch, batch.weight[:, None, None] * w, p)
            if self.meanstructure:
                v = np.einsum("bij,bj->bi", inverse, d) * batch.weight[:, None]
                vs[batch.group] += np.bincount(batch.index.ravel(), weights=v.ravel(), minlength=p)
        return sum((s.gradient(x, w, v) for s, w, v in zip(self.structures, ws, vs)),
                   start=np.zeros(len(x)))

    def expected_hessian(self, x: np.ndarray) -> np.ndarray:
        """Expected Hessian of F (k x k): ``tr(S^-1 D_i S^-1 D_j) + 2 m_i' S^-1 m_j``, weighted.

        A group of few blocks (complete data) sums ``vec(L^-1 D_i L^-T)' vec(L^-1 D_j L^-T)``
        block by block (``L`` the Cholesky factor). A group of many (FIML's patterns) uses, with
        ``P_b`` the inverse of block b's implied covariance padded with zeros to p x p,
        ``vec(D_i)' [sum_b n_b/N (P_b kron P_b)] vec(D_j)``: one matrix product over the blocks,
        then two with the derivatives; the cheaper of the two by their operation counts."""
        k = len(x)
        info = np.zeros((k, k))
        parts = list(self._parts(self._moments(x)))
        for group, structure in enumerate(self.structures):
            batches = [part for part in parts if part[0].group == group]
            if not batches:
                continue
            d_sigma, d_mu = structure.derivatives(x)
            p = d_sigma.shape[1]
            used = np.flatnonzero(np.any(d_sigma, axis=(1, 2)) | np.any(d_mu, axis=1))
            d_sigma, d_mu = d_sigma[used], d_mu[used]
            m = len(used)
            blocks = sum(len(b.index) for b, _, _ in batches)
            direct = sum(len(b.index) * (m * b.index.shape[1] ** 3 + m * m * b.index.shape[1] ** 2)
                         for b, _, _ in batches)
            block = np.zeros((m, m))
            if direct <= (blocks + m) * p**4 + m * m * p * p:
                for batch, sigma, _ in batches:
                    for rows, weight, cov in zip(batch.index, batch.weight, sigma):
                        grid = np.ix_(rows, rows)
                        chol_inv = np.linalg.inv(np.linalg.cholesky(cov))
                        flat = (chol_inv @ d_sigma[:, grid[0], grid[1]] @ chol_inv.T).reshape(m, -1)
                        block += weight * (flat @ flat.T)
                        if self.meanstructure:
                            block += 2 * weight * d_mu[:, rows] @ np.linalg.solve(cov, d_mu[:, rows].T)
            else:
                kron, mean_weight = np.zeros((p * p, p * p)), np.zeros((p, p))
                for batch, sigma, _ in batches:
                    padded = self._padded_inverses(batch, sigma, p).reshape(len(batch.index), p * p)
                    weighted = padded * batch.weight[:, None]
                    kron += weighted.T @ padded  # [(a,b), (c,d)]: sum_b w P_ab P_cd
                    mean_weight += weighted.sum(axis=0).reshape(p, p)
                # tr(P D_i P D_j) = sum_abcd P_ab (D_i)_bc P_cd (D_j)_da: order as [(a,d), (b,c)]
                h = kron.reshape(p, p, p, p).transpose(0, 3, 1, 2).reshape(p * p, p * p)
                flat = d_sigma.reshape(m, p * p)
                block = (flat @ h.T) @ flat.T
                if self.meanstructure:
                    block += 2 * d_mu @ mean_weight @ d_mu.T
            info[np.ix_(used, used)] += block
        return info

    def gradient_and_hessian(self, x: np.ndarray, hessian: bool = True
                             ) -> tuple[np.ndarray, np.ndarray | None]:
        """Gradient of F and its expected Hessian (None with ``hessian=False``)."""
        return self.gradient(x), self.expected_hessian(x) if hessian else None


@dataclass(frozen=True)
class Scoring:
    """Outcome of :func:`fisher_scoring`."""

    x: np.ndarray
    value: float
    iterations: int
    converged: bool


def fisher_scoring(disc: Discrepancy, x0: np.ndarray, lower: np.ndarray, *, max_iter: int = 500,
                   tol: float = 1e-10, refresh: int = 0) -> Scoring:
    """Minimise ``disc.value`` from ``x0`` subject to ``x >= lower``.

    Each step solves the (scaled, ridged when needed) curvature matrix for the free
    parameters, then halves the step until F decreases (Armijo). The curvature is the expected
    Hessian; with ``refresh > 0`` it is recomputed only every ``refresh`` steps (or after a
    failed step) and BFGS-updated in between, which converges superlinearly where the expected
    Hessian is not the Hessian at the optimum (FIML).

    Parameters
    ----------
    disc : the discrepancy. x0 : starting values. lower : lower bounds (``-inf`` for none).
    max_iter : iteration cap. tol : stop when a full step promises to lower ``N F`` (chi2)
        by less than ``tol``. refresh : see above (0: expected Hessian every step).

    Returns
    -------
    Scoring
    """
    x = np.maximum(np.asarray(x0, dtype=float), lower)
    f = disc.value(x)
    ridge, curvature, age = 0.0, None, 0
    grad = disc.gradient(x)
    for iteration in range(1, max_iter + 1):
        if curvature is None or refresh == 0 or age >= refresh:
            curvature, age = disc.expected_hessian(x), 0
        active = (x <= lower + 1e-12) & (grad > 0)  # held at the bound
        free = np.flatnonzero(~active)
        h, g = curvature[np.ix_(free, free)], grad[free]
        scale = np.sqrt(np.maximum(np.diag(h), 1e-300))
        hs = h / np.outer(scale, scale)
        step = -_solve_psd(hs + ridge * np.eye(len(free)), g / scale) / scale
        promise = -float(g @ step)
        if disc.n_total * promise / 2 < tol and (age == 0 or promise >= 0):
            return Scoring(x, f, iteration, True)
        if promise <= 0:  # the updated curvature is no longer positive definite
            curvature = None
            continue
        t, accepted = 1.0, False
        while t > 1e-12:
            trial = x.copy()
            trial[free] += t * step
            trial = np.maximum(trial, lower)
            f_trial = disc.value(trial)
            if f_trial <= f - 1e-4 * t * promise or (f_trial < f and t < 1e-3):
                accepted = True
                break
            t /= 2
        if not accepted:
            if age > 0:
                curvature = None  # retry with the expected Hessian
                continue
            if ridge > 1e3:
                return Scoring(x, f, iteration, False)
            ridge = max(10 * ridge, 1e-6)
            continue
        ridge = ridge / 10 if ridge > 1e-6 else 0.0
        new_grad = disc.gradient(trial)
        if refresh:
            s_vec, y_vec = trial - x, new_grad - grad
            sy = float(s_vec @ y_vec)
            if sy > 1e-12 * np.linalg.norm(s_vec) * np.linalg.norm(y_vec):
                hs_vec = curvature @ s_vec
                curvature = (curvature - np.outer(hs_vec, hs_vec) / float(s_vec @ hs_vec)
                             + np.outer(y_vec, y_vec) / sy)
        age += 1
        x, f, grad = trial, f_trial, new_grad
    return Scoring(x, f, max_iter, False)


def _solve_psd(matrix: np.ndarray, rhs: np.ndarray) -> np.ndarray:
    """Solve by Cholesky; least squares when the matrix is singular or indefinite."""
    try:
        factor = np.linalg.cholesky(matrix)
    except np.linalg.LinAlgError:
        return np.linalg.lstsq(matrix, rhs, rcond=1e-14)[0]
    return np.linalg.solve(factor.T, np.linalg.solve(factor, rhs))


def start_values(structure: Structure, labels: list[tuple[str, str, str]], cov: np.ndarray,
                 mean: np.ndarray) -> np.ndarray:
    """Starting values from a cheap estimator (per construct, from the sample moments).

    Factor variance from the marker's covariances (``s_0j s_0k / s_jk`` averaged over item
    pairs, Spearman's triads), loadings ``s_0j / phi``, residual variances ``s_jj - lambda_j^2
    phi`` (at least ``s_jj / 10``), construct covariances from the item covariances over the
    loadings (shrunk to positive definite), paths and disturbances by regressing each
    endogenous construct on its predecessors in those covariances; intercepts the item means,
    latent means and residual covariances 0.

    Parameters
    ----------
    structure : the group's structure. labels : (lhs, op, rhs) per free parameter.
    cov, mean : the group's sample covariance and mean (items in the structure's order).

    Returns
    -------
    numpy.ndarray
        one value per free parameter.
    """
    lam_fixed = structure.fixed[LAMBDA]
    items = {c: [] for c in structure.latent}
    for where in structure.locations:
        for code, r, c in where:
            if code == LAMBDA:
                items[structure.latent[c]].append(r)
    pos = {name: i for i, name in enumerate(structure.observed)}
    loadings, phi_diag = {}, {}
    for c_idx, name in enumerate(structure.latent):
        markers = np.flatnonzero(lam_fixed[:, c_idx])
        block = sorted(set(items[name]) | set(markers.tolist()))
        marker = int(markers[0]) if len(markers) else block[0]
        scale = lam_fixed[marker, c_idx] if len(markers) else 1.0
        others = [j for j in block if j != marker]
        triads = [cov[marker, j] * cov[marker, k] / cov[j, k] for a, j in enumerate(others)
                  for k in others[a + 1:] if cov[j, k] * cov[marker, j] * cov[marker, k] > 0]
        s00 = cov[marker, marker]
        phi = (np.mean(triads) if triads else abs(cov[marker, others[0]]) if others else s00)
        phi = float(np.clip(phi, 0.1 * s00, 0.95 * s00 if others else s00)) / scale**2
        phi_diag[name] = phi
        for j in block:
            loadings[(name, j)] = scale if j == marker else cov[marker, j] / (scale * phi)
    names = list(structure.latent)
    m = len(names)
    phi = np.diag([phi_diag[n] for n in names])
    for a in range(m):
        for b in range(a):
            pairs = [cov[i, j] / (loadings[(names[a], i)] * loadings[(names[b], j)])
                     for (na, i) in loadings if na == names[a]
                     for (nb, j) in loadings if nb == names[b]]
            phi[a, b] = phi[b, a] = float(np.mean(pairs)) if pairs else 0.0
    sd = np.sqrt(np.diag(phi))
    corr = np.clip(phi / np.outer(sd, sd), -0.95, 0.95)
    np.fill_diagonal(corr, 1.0)
    while np.linalg.eigvalsh(corr)[0] < 0.05:
        corr = 0.9 * corr + 0.1 * np.eye(m)
    phi = corr * np.outer(sd, sd)
    preds = {n: [s for (t, op, s) in labels if op == "~" and t == n] for n in names}
    beta, psi_res = {}, {}
    for t, sources in preds.items():
        i = names.index(t)
        if sources:
            j = [names.index(s) for s in sources]
            coef = np.linalg.solve(phi[np.ix_(j, j)], phi[j, i])
            for s, value in zip(sources, coef):
                beta[(t, s)] = float(value)
            psi_res[t] = max(float(phi[i, i] - phi[i, j] @ coef), 0.1 * phi[i, i])
    out = np.zeros(len(labels))
    for k, (lhs, op, rhs) in enumerate(labels):
        if op == "=~":
            out[k] = loadings.get((lhs, pos[rhs]), 1.0)
        elif op == "~" and lhs in names:
            out[k] = beta.get((lhs, rhs), 0.0)
        elif op == "~1":
            out[k] = mean[pos[lhs]] if lhs in pos else 0.0
        elif lhs in pos and lhs == rhs:
            j = pos[lhs]
            fac = next((n for (n, r) in loadings if r == j), None)
            common = loadings[(fac, j)] ** 2 * phi_diag[fac] if fac else 0.0
            out[k] = max(cov[j, j] - common, 0.1 * cov[j, j])
        elif lhs in names and lhs == rhs:
            out[k] = psi_res.get(lhs, phi[names.index(lhs), names.index(lhs)])
        elif lhs in names and rhs in names and not preds[lhs] and not preds[rhs]:
            out[k] = phi[names.index(lhs), names.index(rhs)]
    return out
