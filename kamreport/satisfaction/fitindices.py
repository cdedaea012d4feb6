"""Fit indices and expected information of a covariance structure fitted by ML, as lavaan.

semopy's own statistics differ from lavaan's (CFI/TLI with a baseline that fixes variances,
RMSEA with N - 1, AIC/BIC on another scale, no SRMR), so :func:`fit_measures` recomputes every
index from the sample covariance ``S`` (divided by N), the model-implied covariance ``Sigma``,
N and the number of free parameters, with the formulas of lavaan 0.6 (Rosseel 2012). Each one is
tested against lavaan 0.6.14 in ``tests/satisfaction/test_cbsem.py``.

Formulas (p observed variables, k free parameters, no mean structure):

- ``F_ML = log|Sigma| + tr(S Sigma^-1) - log|S| - p`` and ``chi2 = N * F_ML``,
  ``df = p (p + 1) / 2 - k``;
- baseline: the independence (diagonal) model, ``chi2_b = N (sum log diag S - log|S|)``,
  ``df_b = p (p - 1) / 2``;
- ``CFI = 1 - max(chi2 - df, 0) / max(chi2 - df, chi2_b - df_b, 0)``,
  ``TLI = (chi2_b/df_b - chi2/df) / (chi2_b/df_b - 1)``;
- ``RMSEA = sqrt(max(chi2 - df, 0) / (df N))``, its 90 % interval by inverting the noncentral
  chi-square distribution function in the noncentrality (Browne & Cudeck 1993), the p-value of
  close fit ``P(chi2' > chi2)`` with noncentrality ``N df 0.05^2``;
- SRMR (Bentler): root mean square of ``(s_ij - sigma_ij) / sqrt(s_ii s_jj)`` over the lower
  triangle including the diagonal;
- ``logL = -N/2 (p log 2 pi + log|Sigma| + tr(S Sigma^-1))``, ``AIC = -2 logL + 2k``,
  ``BIC = -2 logL + k log N``;
- expected information ``I_ij = N/2 tr(Sigma^-1 dSigma/dtheta_i Sigma^-1 dSigma/dtheta_j)``
  (lavaan's default for ML with complete data: ``information = "expected"``, structured),
  standard errors ``sqrt(diag(I^-1))``.

References
----------
Rosseel (2012), "lavaan: An R package for structural equation modeling", *Journal of
Statistical Software* 48(2); lavaan 0.6 sources ``lav_fit_cfi.R``, ``lav_fit_rmsea.R``,
``lav_fit_srmr.R``. Browne & Cudeck (1993), "Alternative ways of assessing model fit", in Bollen
& Long (eds.), *Testing structural equation models*, 136-162. Bentler (1995), *EQS structural
equations program manual* (SRMR).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import optimize, stats


def ml_discrepancy(sample_cov: np.ndarray, implied_cov: np.ndarray) -> float:
    """Maximum-likelihood discrepancy ``F_ML = log|Sigma| + tr(S Sigma^-1) - log|S| - p``.

    Parameters
    ----------
    sample_cov : S, the sample covariance divided by N (p x p).
    implied_cov : Sigma, the model-implied covariance (p x p).

    Returns
    -------
    float
        F_ML (twice lavaan's ``fmin``); ``inf`` when Sigma is not positive definite.

    Examples
    --------
    >>> S = np.array([[2.0, 0.5], [0.5, 1.0]])
    >>> round(ml_discrepancy(S, S), 12)
    0.0
    """
    sign, logdet_sigma = np.linalg.slogdet(implied_cov)
    if sign <= 0:
        return float("inf")
    _, logdet_s = np.linalg.slogdet(sample_cov)
    trace = float(np.trace(np.linalg.solve(implied_cov, sample_cov)))
    return float(logdet_sigma + trace - logdet_s - sample_cov.shape[0])


def rmsea_interval(chi2: float, df: int, n: int, level: float = 0.90) -> tuple[float, float]:
    """Confidence interval of the RMSEA by inverting the noncentral chi-square (as lavaan).

    The lower (upper) limit is ``sqrt(lambda / (N df))`` with ``lambda`` the noncentrality at
    which ``chi2`` is the ``(1 + level)/2`` (``(1 - level)/2``) quantile; a limit is 0 when no
    nonnegative ``lambda`` solves its equation.

    Parameters
    ----------
    chi2 : the model chi-square. df : its degrees of freedom. n : sample size N.
    level : confidence level, default 0.90.

    Returns
    -------
    (low, high)

    References
    ----------
    Browne & Cudeck (1993), p. 144; lavaan 0.6 ``lav_fit_rmsea_ci``.

    Examples
    --------
    >>> low, high = rmsea_interval(85.3055, 24, 301)
    >>> round(low, 4), round(high, 4)
    (0.0714, 0.1137)
    """
    if df < 1 or not np.isfinite(chi2):
        return 0.0, 0.0
    upper_p, lower_p = 1 - (1 - level) / 2, (1 - level) / 2

    def cdf(ncp: float) -> float:
        # ncx2 with ncp = 0 is not defined in scipy: fall back to the central distribution
        return float(stats.chi2.cdf(chi2, df) if ncp <= 0 else stats.ncx2.cdf(chi2, df, ncp))

    def limit(p: float, upper: float) -> float:
        lam = optimize.brentq(lambda ncp: cdf(ncp) - p, 0.0, upper, xtol=1e-12, rtol=1e-12)
        return float(np.sqrt(lam / (n * df)))

    low = 0.0 if cdf(0.0) < upper_p else limit(upper_p, chi2)
    top = max(float(n), 4.0 * chi2)
    high = 0.0 if (cdf(top) > lower_p or cdf(0.0) < lower_p) else limit(lower_p, top)
    return low, high


def srmr(sample_cov: np.ndarray, implied_cov: np.ndarray) -> float:
    """Standardized root mean square residual (Bentler), lavaan's ``srmr``.

    Parameters
    ----------
    sample_cov, implied_cov : S and Sigma (p x p).

    Returns
    -------
    float
        ``sqrt(mean((s_ij - sigma_ij)^2 / (s_ii s_jj)))`` over ``i >= j``.

    Examples
    --------
    >>> S = np.array([[1.0, 0.3], [0.3, 1.0]])
    >>> round(srmr(S, np.eye(2)), 6)
    0.173205
    """
    sd = np.sqrt(np.diag(sample_cov))
    residual = (sample_cov - implied_cov) / np.outer(sd, sd)
    lower = residual[np.tril_indices_from(residual)]
    return float(np.sqrt(np.mean(lower**2)))


def fit_measures(sample_cov: np.ndarray, implied_cov: np.ndarray, n: int,
                 n_params: int, meanstructure: bool = False) -> dict[str, float]:
    """All fit indices of a fitted covariance structure, as lavaan's ``fitMeasures()``.

    Parameters
    ----------
    sample_cov : S, sample covariance divided by N (p x p).
    implied_cov : Sigma at the ML estimate (p x p).
    n : sample size N (rows used).
    n_params : number of free parameters k.
    meanstructure : the model has a (saturated) intercept per item, counted in ``n_params``:
        the p means join the moments (``df`` unchanged, lavaan's ``npar`` and AIC/BIC count them).

    Returns
    -------
    dict
        chi2, df, p_value, cfi, tli, rmsea, rmsea_ci_low, rmsea_ci_high (90 %), rmsea_p
        (p-value of close fit, H0: RMSEA <= 0.05), srmr, aic, bic, n, n_params, baseline_chi2,
        baseline_df, f_ml, logl, unrestricted_logl.

    References
    ----------
    See the module docstring; lavaan 0.6 ``fitMeasures()``.

    Examples
    --------
    >>> S = np.array([[1.0, 0.3], [0.3, 1.0]])
    >>> fit = fit_measures(S, S, n=100, n_params=3)
    >>> fit["chi2"], fit["df"], fit["cfi"]
    (0.0, 0.0, 1.0)
    """
    p = sample_cov.shape[0]
    f_ml = max(ml_discrepancy(sample_cov, implied_cov), 0.0)
    chi2 = n * f_ml
    df = p * (p + 1) // 2 + (p if meanstructure else 0) - n_params
    _, logdet_s = np.linalg.slogdet(sample_cov)
    baseline_chi2 = n * (float(np.sum(np.log(np.diag(sample_cov)))) - logdet_s)
    unrestricted_logl = -n / 2 * (p * np.log(2 * np.pi) + logdet_s + p)
    logl = unrestricted_logl - chi2 / 2  # = -N/2 (p log 2pi + log|Sigma| + tr(S Sigma^-1))
    return {**chi2_indices(chi2, df, baseline_chi2, p * (p - 1) // 2, n),
            "srmr": srmr(sample_cov, implied_cov), **likelihood_measures(logl, n_params, n),
            "f_ml": float(f_ml), "unrestricted_logl": float(unrestricted_logl)}


def chi2_indices(chi2: float, df: float, baseline_chi2: float, baseline_df: float,
                 n: float) -> dict[str, float]:
    """The chi2-based indices: p-value, CFI, TLI, RMSEA with its 90 % interval and close-fit p.

    Parameters
    ----------
    chi2, df : the model's test statistic and degrees of freedom.
    baseline_chi2, baseline_df : the same for the independence model. n : sample size N.

    Returns
    -------
    dict
        chi2, df, p_value, cfi, tli, rmsea, rmsea_ci_low, rmsea_ci_high, rmsea_p,
        baseline_chi2, baseline_df, n.

    Examples
    --------
    >>> out = chi2_indices(85.3055, 24, 918.852, 36, 301)
    >>> round(out["cfi"], 4), round(out["rmsea"], 4)
    (0.9306, 0.0921)
    """
    p_value = float(stats.chi2.sf(chi2, df)) if df > 0 else float("nan")
    excess, baseline_excess = max(chi2 - df, 0.0), max(baseline_chi2 - baseline_df, 0.0)
    denominator = max(excess, baseline_excess)
    cfi = 1.0 if denominator <= 0 else 1.0 - excess / denominator
    if df > 0:
        t1 = baseline_chi2 / baseline_df - chi2 / df
        t2 = baseline_chi2 / baseline_df - 1.0
        tli = 1.0 if (t1 < 0 and t2 < 0) else t1 / t2
        rmsea = float(np.sqrt(max(chi2 - df, 0.0) / (df * n)))
        rmsea_p = float(stats.ncx2.sf(chi2, df, n * df * 0.05**2))
    else:
        tli, rmsea, rmsea_p = 1.0, 0.0, float("nan")
    low, high = rmsea_interval(chi2, int(df), int(n))
    return {"chi2": float(chi2), "df": float(df), "p_value": p_value, "cfi": float(cfi),
            "tli": float(tli), "rmsea": rmsea, "rmsea_ci_low": low, "rmsea_ci_high": high,
            "rmsea_p": rmsea_p, "baseline_chi2": float(baseline_chi2),
            "baseline_df": float(baseline_df), "n": float(n)}


def likelihood_measures(logl: float, n_params: int, n: float) -> dict[str, float]:
    """logl, AIC ``-2 logL + 2k``, BIC ``-2 logL + k log N`` and the parameter count k.

    Examples
    --------
    >>> likelihood_measures(-10.0, 2, 100.0)["aic"]
    24.0
    """
    return {"logl": float(logl), "aic": float(-2 * logl + 2 * n_params),
            "bic": float(-2 * logl + n_params * np.log(n)), "n_params": float(n_params)}


def expected_information(implied_cov: np.ndarray, derivatives: Sequence[np.ndarray],
                         n: int) -> np.ndarray:
    """Expected (Fisher) information of the free parameters of a covariance structure.

    Parameters
    ----------
    implied_cov : Sigma at the estimate (p x p).
    derivatives : dSigma/dtheta_i for each free parameter (p x p each).
    n : sample size N.

    Returns
    -------
    numpy.ndarray
        k x k matrix ``N/2 tr(Sigma^-1 D_i Sigma^-1 D_j)``; its inverse estimates the covariance
        matrix of the estimates (lavaan ``se = "standard"``, ``information = "expected"``).

    References
    ----------
    Bollen (1989), *Structural equations with latent variables*, p. 134-135.

    Examples
    --------
    >>> expected_information(np.eye(1) * 2.0, [np.eye(1)], n=100)  # variance of N(0, 2)
    array([[12.5]])
    """
    inverse = np.linalg.inv(implied_cov)
    products = [inverse @ d for d in derivatives]
    k = len(products)
    out = np.empty((k, k))
    for i in range(k):
        for j in range(i, k):
            out[i, j] = out[j, i] = np.einsum("ij,ji->", products[i], products[j])
    return out * n / 2


def standard_errors(information: np.ndarray) -> np.ndarray:
    """Standard errors ``sqrt(diag(I^-1))``; NaN where the inverse has a negative diagonal.

    Parameters
    ----------
    information : expected information matrix (k x k), e.g. from :func:`expected_information`.

    Returns
    -------
    numpy.ndarray
        k standard errors (all NaN when the matrix is singular).

    Examples
    --------
    >>> standard_errors(np.array([[12.5]]))
    array([0.28284271])
    """
    try:
        variance = np.diag(np.linalg.inv(information))
    except np.linalg.LinAlgError:
        return np.full(information.shape[0], np.nan)
    return np.sqrt(np.where(variance >= 0, variance, np.nan))


def std_all(rows: Sequence[tuple[str, str, str, float]], total_variance: dict[str, float]
            ) -> list[float]:
    """lavaan's completely standardized solution (``standardizedSolution(type = "std.all")``).

    Loadings ``lambda sd(factor) / sd(item)``, paths ``beta sd(source) / sd(target)``, (residual)
    variances divided by the total variance, covariances divided by the square root of the two
    (residual) variances they connect (lavaan's ``cov.std = TRUE``).

    Parameters
    ----------
    rows : (lval, op, rval, estimate) with op ``=~``, ``~`` or ``~~`` in lavaan's orientation.
    total_variance : model-implied total variance of every item and construct.

    Returns
    -------
    list of float
        std_all per row (NaN for a covariance of a variable whose residual variance is 0).

    References
    ----------
    lavaan 0.6 ``lav_standardize_all()``.

    Examples
    --------
    >>> [round(s, 6) for s in std_all([("F", "=~", "x", 2.0), ("x", "~~", "x", 1.0)],
    ...                               {"F": 1.0, "x": 5.0})]
    [0.894427, 0.2]
    """
    own = {lval: value for lval, op, rval, value in rows if op == "~~" and lval == rval}
    out: list[float] = []
    with np.errstate(divide="ignore", invalid="ignore"):
        for lval, op, rval, value in rows:
            if op == "=~":
                out.append(value * np.sqrt(total_variance[lval] / total_variance[rval]))
            elif op == "~":
                out.append(value * np.sqrt(total_variance[rval] / total_variance[lval]))
            elif lval == rval:
                out.append(value / total_variance[lval])
            else:
                product = own.get(lval, np.nan) * own.get(rval, np.nan)
                out.append(value / np.sqrt(product) if product > 0 else np.nan)
    return [float(s) for s in out]
