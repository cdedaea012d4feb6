"""Demo survey: respondents in two waves, ECSI items from a known structural model, missing answers.

Latent scores follow the ECSI structural equations ``eta = B eta + zeta`` (Tenenhaus et al. 2005,
the model of ``reference/mobi``). Each disturbance is an account random effect plus an individual
part plus segment shifts (region on Image, industry on Quality, purchasing/finance roles on Value,
wave 2 in one region on Satisfaction). The disturbances and the item errors are then *whitened
in sample* (exact zero sample correlations, exact variances), so the latent paths hold exactly in
the generated sample and every latent has sample variance 1: what remains between the data and
the truth is measurement (reliability, rounding to 1-10, missing answers), not sampling noise.
Items are ``loading * latent + sqrt(1 - loading^2) * error``, rounded from
``mean + spread * item`` and clipped to 1-10 (skewed to the upper half by the item means).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import numpy as np
import pandas as pd

from kamreport.data.demo.accounts import AccountDraw
from kamreport.data.demo.text import comments, kano_answers
from kamreport.data.demo.truth import (DELIVERED_VALUE_ITEMS, DELIVERED_VALUE_SHIFT, ROLES,
                                       SERVQUAL_DIMENSIONS, SERVQUAL_EXPECTATION_MEAN, SERVQUAL_ITEMS,
                                       DemoTruth)


@dataclass(frozen=True)
class SurveyDraw:
    """The survey table and the true latent scores of its respondents."""

    frame: pd.DataFrame   # respondent_id, account_id, wave, survey_date, respondent_role, items, Kano, comment
    latent: pd.DataFrame  # respondent_id + one column per construct (sample mean 0, variance 1)


def _respondents(truth: DemoTruth, accounts: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Who answers: accounts drawn with probability ~ purchase_volume^0.4, per wave; date; role."""
    n1 = truth.n_respondents // 2
    waves = np.r_[np.ones(n1, np.int64), np.full(truth.n_respondents - n1, 2, np.int64)]
    weight = accounts["purchase_volume"].to_numpy(float) ** 0.4
    account = rng.choice(len(accounts), truth.n_respondents, p=weight / weight.sum())
    wave1_open = np.datetime64(truth.start_date + timedelta(weeks=40, days=1), "D")   # a Tuesday in October
    opens = np.where(waves == 1, wave1_open, wave1_open + np.timedelta64(52 * 7, "D"))
    dates = np.busday_offset(opens, rng.integers(0, 30, truth.n_respondents), roll="forward")
    roles = np.array([zh for zh, _, _ in ROLES])
    role_p = np.array([w for _, _, w in ROLES])
    frame = pd.DataFrame({
        "account": account, "wave": waves, "survey_date": pd.to_datetime(dates),
        "respondent_role": roles[rng.choice(len(roles), truth.n_respondents, p=role_p / role_p.sum())],
        "tiebreak": rng.random(truth.n_respondents),
    }).sort_values(["wave", "survey_date", "account", "tiebreak"], kind="stable", ignore_index=True)
    frame.insert(0, "respondent_id", [f"R{i + 1:05d}" for i in range(len(frame))])
    frame.insert(1, "account_id", accounts["account_id"].to_numpy()[frame["account"].to_numpy()])
    return frame.drop(columns="tiebreak")


def _whiten(matrix: np.ndarray) -> np.ndarray:
    """Center the columns and make their sample covariance (divisor n) exactly the identity."""
    centered = matrix - matrix.mean(axis=0)
    chol = np.linalg.cholesky(centered.T @ centered / len(centered))
    return np.linalg.solve(chol, centered.T).T


def latent_scores(truth: DemoTruth, people: pd.DataFrame, accounts: pd.DataFrame, effects: np.ndarray,
                  rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Latent scores (n x constructs) and whitened item errors (n x items).

    Parameters
    ----------
    truth : paths, shares of account effects, segment shifts
    people : respondents (account index, wave, role)
    accounts : account master data (region, industry)
    effects : per-account standard normal random effects, one column per construct
    rng : the generator of this part

    Returns
    -------
    (eta, errors), both with exactly the population sample moments (see the module docstring).
    """
    names = truth.construct_names
    n, k = len(people), len(names)
    share = truth.account_effect_share
    account = people["account"].to_numpy()
    raw = np.sqrt(share) * effects[account] + np.sqrt(1.0 - share) * rng.standard_normal((n, k))
    region = accounts["region"].to_numpy()[account]
    industry = accounts["industry"].to_numpy()[account]
    raw[:, names.index("Image")] += pd.Series(region).map(dict(truth.region_image_shift)).fillna(0).to_numpy()
    raw[:, names.index("Quality")] += pd.Series(industry).map(dict(truth.industry_quality_shift)).fillna(0).to_numpy()
    role = people["respondent_role"].to_numpy()
    raw[:, names.index("Value")] += pd.Series(role).map(dict(truth.role_value_shift)).fillna(0).to_numpy()
    shifted_region, size = truth.wave2_satisfaction_shift
    raw[:, names.index("Satisfaction")] += size * ((people["wave"].to_numpy() == 2) & (region == shifted_region))
    white = _whiten(np.column_stack([raw, rng.standard_normal((n, len(truth.items)))]))
    psi = np.array([truth.residual_variances[c] for c in names])
    zeta = white[:, :k] * np.sqrt(psi)
    eta = zeta @ np.linalg.inv(np.eye(k) - truth.path_matrix()).T
    return eta, white[:, k:]


def item_answers(truth: DemoTruth, eta: np.ndarray, errors: np.ndarray, rng: np.random.Generator) -> pd.DataFrame:
    """ECSI answers 1-10 with blanks (NA) and the don't-know code; nullable Int64 columns."""
    names = truth.construct_names
    n = len(eta)
    columns: dict[str, pd.Series] = {}
    for m, (item, construct, loading, mean, _, _) in enumerate(truth.items):
        continuous = loading * eta[:, names.index(construct)] + np.sqrt(1.0 - loading**2) * errors[:, m]
        answer = np.clip(np.round(mean + truth.item_spread * continuous), 1, 10).astype(np.int64)
        blank = rng.random(n) < truth.item_blank_rate
        dont_know = (rng.random(n) < truth.dont_know_rate) & ~blank & (item in truth.dont_know_items)
        answer = np.where(dont_know, truth.dont_know_code, answer)
        columns[item] = pd.Series(pd.array(np.where(blank, 0, answer), dtype="Int64")).mask(blank)
    return pd.DataFrame(columns)


def _seven(mean: np.ndarray, signal: np.ndarray, spread: float = 0.9) -> np.ndarray:
    """Answers 1-7: ``round(mean + spread * signal)`` clipped to the scale."""
    return np.clip(np.round(mean + spread * signal), 1, 7).astype(np.int64)


def service_answers(truth: DemoTruth, people: pd.DataFrame, accounts: pd.DataFrame, eta: np.ndarray,
                    rng: np.random.Generator) -> pd.DataFrame:
    """SERVQUAL pairs, delivered-value items (1-7), referrals (count) and cross-buying intention (1-5).

    SERVQUAL: per respondent and dimension an expectation factor (tied to the latent Expectation)
    and a perception factor (tied to Quality); each item is ``0.85 * factor + 0.53 * error``;
    perception means are the expectation mean plus the dimension's true gap
    (:data:`~kamreport.data.demo.truth.SERVQUAL_DIMENSIONS`). Delivered value: value items follow
    Quality (Image for image value), monetary cost follows -Value, and the segment of
    :data:`~kamreport.data.demo.truth.DELIVERED_VALUE_SHIFT` answers its cost items higher.
    Referrals ~ Poisson(exp(-0.3 + 0.7 * Loyalty)); cross_buy = round(3 + 0.9 * Loyalty + noise).
    """
    names = truth.construct_names
    n = len(people)
    latent = {c: eta[:, names.index(c)] for c in ("Expectation", "Quality", "Value", "Image", "Loyalty")}
    columns: dict[str, np.ndarray] = {}
    gaps = {key: gap for key, _, _, gap in SERVQUAL_DIMENSIONS}
    for key in gaps:
        expect = 0.5 * latent["Expectation"] + np.sqrt(0.75) * rng.standard_normal(n)
        perceive = 0.6 * latent["Quality"] + 0.8 * rng.standard_normal(n)
        for code, dim, *_ in SERVQUAL_ITEMS:
            if dim != key:
                continue
            columns[f"SQE_{code}"] = _seven(SERVQUAL_EXPECTATION_MEAN, 0.85 * expect + 0.53 * rng.standard_normal(n),
                                            0.7)
            columns[f"SQP_{code}"] = _seven(SERVQUAL_EXPECTATION_MEAN + gaps[key],
                                            0.85 * perceive + 0.53 * rng.standard_normal(n))
    order = [f"SQ{side}_{code}" for side in ("E", "P") for code, *_ in SERVQUAL_ITEMS]
    columns = {c: columns[c] for c in order}
    column, value, shifted, size = DELIVERED_VALUE_SHIFT
    in_segment = accounts[column].to_numpy()[people["account"].to_numpy()] == value
    drivers = {"product": latent["Quality"], "service": latent["Quality"], "personnel": latent["Quality"],
               "image": latent["Image"], "monetary": -latent["Value"]}
    factors = {comp: 0.6 * drivers.get(comp, np.zeros(n)) + 0.8 * rng.standard_normal(n)
               for comp in dict.fromkeys(c for _, _, c, *_ in DELIVERED_VALUE_ITEMS)}
    for item, _, component, mean, *_ in DELIVERED_VALUE_ITEMS:
        shift = size * in_segment if component in shifted else 0.0
        columns[item] = _seven(mean + shift, 1.2 * (0.85 * factors[component] + 0.53 * rng.standard_normal(n)))
    loyalty = latent["Loyalty"]
    columns["referrals"] = rng.poisson(np.exp(-0.3 + 0.7 * loyalty))
    columns["cross_buy"] = np.clip(np.round(3 + 0.9 * loyalty + 0.7 * rng.standard_normal(n)), 1, 5).astype(np.int64)
    return pd.DataFrame(columns)


def draw_survey(truth: DemoTruth, accounts: pd.DataFrame, draw: AccountDraw, rng: np.random.Generator) -> SurveyDraw:
    """Generate the full survey table (see the module docstring).

    Parameters
    ----------
    truth : the demo's parameters
    accounts : account table with ``purchase_volume`` (sampling weight), region, industry
    draw : the account draw (random effects)
    rng : the generator of this part

    Returns
    -------
    SurveyDraw
    """
    people = _respondents(truth, accounts, rng)
    eta, errors = latent_scores(truth, people, accounts, draw.survey_effects, rng)
    items = item_answers(truth, eta, errors, rng)
    kano = kano_answers(truth, len(people), rng)
    satisfaction = eta[:, truth.construct_names.index("Satisfaction")]
    frame = pd.concat([people.drop(columns="account"), items, kano], axis=1)
    frame["comment"] = comments(truth, satisfaction, rng)
    frame = pd.concat([frame, service_answers(truth, people, accounts, eta, rng)], axis=1)
    latent = pd.DataFrame(eta, columns=list(truth.construct_names))
    latent.insert(0, "respondent_id", people["respondent_id"].to_numpy())
    return SurveyDraw(frame, latent)
