"""What the demo writes besides the tables: the survey codebook (YAML) and the README.

Both are rendered from :class:`~kamreport.data.demo.truth.DemoTruth` and the generated frames,
never from hand-written numbers.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
import yaml

from kamreport import __version__
from kamreport.data.demo.truth import (COMPLAINT_CATEGORIES, CONSTRUCTS, DELIVERED_VALUE_COMPONENTS,
                                       DELIVERED_VALUE_ITEMS, DELIVERED_VALUE_SHIFT, INDUSTRIES, MARGIN_CLASSES,
                                       MARGIN_RATES, PRODUCT_LINES, REGIONS, ROLES, SERVQUAL_DIMENSIONS,
                                       SERVQUAL_EXPECTATION_MEAN, SERVQUAL_ITEMS, DemoTruth)

KANO_NAMES = {"A": "attractive 魅力", "O": "one-dimensional 期望", "M": "must-be 必备", "I": "indifferent 无差异"}


def codebook_dict(truth: DemoTruth) -> dict[str, Any]:
    """The survey codebook in the shape ``kamreport.data.Codebook`` reads."""
    return {
        "name": "Demo key-account satisfaction survey",
        "respondent_id": "respondent_id",
        "scale": {"min": 1, "max": 10},
        "missing_codes": [truth.dont_know_code],
        "constructs": {name: {"zh": zh, "en": en} for name, zh, en in CONSTRUCTS},
        "items": {item: {"construct": construct, "zh": zh, "en": en, "reverse": False}
                  for item, construct, _, _, zh, en in truth.items},
        "kano": {
            "scale": {"min": 1, "max": 5},
            "attributes": {key: {"functional": f, "dysfunctional": d, "zh": zh, "en": en}
                           for key, f, d, zh, en, _, _ in truth.kano},
        },
        "servqual": {
            "scale": {"min": 1, "max": 7},
            "dimensions": {key: {"zh": zh, "en": en, "pairs": {
                f"SQ_{code}": {"expectation": f"SQE_{code}", "perception": f"SQP_{code}", "zh": izh, "en": ien}
                for code, dim, izh, ien in SERVQUAL_ITEMS if dim == key}}
                for key, zh, en, _ in SERVQUAL_DIMENSIONS},
        },
        "delivered_value": {
            "scale": {"min": 1, "max": 7},
            **{side: {comp: [i for i, s, c, *_ in DELIVERED_VALUE_ITEMS if s == side and c == comp]
                      for comp in dict.fromkeys(c for _, s, c, *_ in DELIVERED_VALUE_ITEMS if s == side)}
               for side in ("value", "cost")},
        },
        "answers": {"referral": "referrals", "cross_buying": "cross_buy", "comment": "comment"},
        "columns": {"account_id": "str", "wave": "int", "survey_date": "date",
                    "respondent_role": "str", "comment": "str", "referrals": "int", "cross_buy": "int"},
        # English labels of the data values, for English reports (survey and account master)
        "values": {"region": {zh: en for zh, en, _ in REGIONS},
                   "industry": {zh: en for zh, en, _ in INDUSTRIES},
                   "respondent_role": {zh: en for zh, en, _ in ROLES},
                   "product_line": {zh: en for zh, en, *_ in PRODUCT_LINES},
                   "margin_class": {zh: en for zh, en in MARGIN_CLASSES},
                   "category": {zh: en for zh, en, _ in COMPLAINT_CATEGORIES}},
    }


def codebook_yaml(truth: DemoTruth) -> str:
    header = (f"# Codebook of the kamreport demo survey (seed {truth.seed}).\n"
              f"# {truth.dont_know_code} = \"don't know\" (a missing code). CUSCO is worded so that higher = the\n"
              "# complaint was (or would be) handled better, i.e. fewer grounds for complaint: not reverse-coded.\n")
    body = yaml.safe_dump(codebook_dict(truth), allow_unicode=True, sort_keys=False, default_flow_style=None,
                          width=4096)
    return header + body


def _table(header: tuple[str, ...], rows: list[tuple[Any, ...]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def sum_score_paths(survey: pd.DataFrame, truth: DemoTruth) -> dict[tuple[str, str], float]:
    """OLS path estimates on standardized sum scores of the mean-replaced items (a PLS proxy).

    Parameters
    ----------
    survey : the demo survey (don't-know codes are treated as missing)
    truth : gives the items of each construct and the paths

    Returns
    -------
    dict (source, target) -> standardized coefficient
    """
    scores = {}
    for name in truth.construct_names:
        items = [i for i, c, *_ in truth.items if c == name]
        block = survey[items].astype("Float64").mask(survey[items] == truth.dont_know_code)
        block = block.fillna(block.mean()).to_numpy(float).mean(axis=1)
        scores[name] = (block - block.mean()) / block.std()
    estimates = {}
    for target in dict.fromkeys(t for _, t, _ in truth.paths):
        sources = [s for s, t, _ in truth.paths if t == target]
        design = np.column_stack([scores[s] for s in sources])
        coef = np.linalg.lstsq(design, scores[target], rcond=None)[0]
        estimates.update({(s, target): float(c) for s, c in zip(sources, coef)})
    return estimates


def readme_text(truth: DemoTruth, frames: Mapping[str, pd.DataFrame], stats: Mapping[str, Any]) -> str:
    """The data set's README: files, labels, true parameters and realised counts."""
    psi = truth.residual_variances
    ols = sum_score_paths(frames["survey"], truth)
    kano_rows = [(k, f, d, zh, en, f"{c} ({KANO_NAMES[c]})", f"{s:.2f}") for k, f, d, zh, en, c, s in truth.kano]
    item_rows = [(i, c, f"{lam:.2f}", f"{m:.1f}", zh, en) for i, c, lam, m, zh, en in truth.items]
    label_rows = ([("region", zh, en, f"{w:.2f}") for zh, en, w in REGIONS]
                  + [("industry", zh, en, f"{w:.2f}") for zh, en, w in INDUSTRIES]
                  + [("respondent_role", zh, en, f"{w:.2f}") for zh, en, w in ROLES]
                  + [("product_line", zh, en, "") for zh, en, *_ in PRODUCT_LINES]
                  + [("margin_class", zh, en, "") for zh, en in MARGIN_CLASSES]
                  + [("category (complaints)", zh, en, f"{w:.2f}") for zh, en, w in COMPLAINT_CATEGORIES])
    file_rows = [("accounts.csv", len(frames["accounts"]), "one row per account: master data and key-account attributes"),
                 ("survey.csv", len(frames["survey"]),
                  "one row per respondent (two waves): ECSI items, Kano pairs, comment, SERVQUAL pairs, "
                  "delivered-value items, referrals, cross_buy"),
                 ("transactions.csv", len(frames["transactions"]),
                  "one row per order line (amount, margin, cost_to_serve), with the dirt listed below"),
                 ("complaints.csv", len(frames["complaints"]) if frames.get("complaints") is not None else "",
                  "one row per complaint: category, severity 1-3, days to resolution"),
                 ("codebook.yaml", "", "the survey codebook (`kamreport.data.Codebook.from_file`)"),
                 ("README.md", "", "this file")]
    missing_rows = [(k, v) for k, v in stats.items() if k.startswith("survey_")]
    tx_rows = [(k, v) for k, v in stats.items() if k.startswith("tx_") or k.startswith("accounts_")]
    return "\n".join([
        "# kamreport demo data set", "",
        f"Synthetic data of a B2B IT supplier (servers, networks, software, cloud and services) with "
        f"{truth.n_accounts} key accounts. Written by `kamreport.data.demo.write_demo_data` "
        f"(kamreport {__version__}), seed **{truth.seed}**: the same seed gives byte-identical files. "
        "Every number below comes from the generator's `DemoTruth` or is counted in the written data.", "",
        "## Files", "", _table(("file", "rows", "content"), file_rows), "",
        "## Labels (values are Chinese; English for reports)", "",
        _table(("column", "value", "English", "share drawn"), label_rows), "",
        "## Survey: the true structural model (ECSI, standardized latent variables)", "",
        "The truth is the **latent** path coefficients below; every latent has variance 1 (disturbance "
        "variances in the last column). Disturbances and item errors are whitened in the sample, so these "
        "paths hold exactly for the generated latent scores (`DemoData.latent`). Estimators on the items see "
        "them through measurement error: PLS (mode A) and sum scores are consistent only up to the blocks' "
        "reliability and under-estimate the larger paths slightly; the loadings are high so that PLS with "
        "mean-replaced items stays within about ±0.05 of every path. The last column is the realised "
        "sum-score OLS estimate (mean-replaced items, don't-know as missing), a PLS proxy.", "",
        _table(("source", "target", "true path", "disturbance variance of target", "sum-score OLS"),
               [(s, t, f"{v:.2f}", f"{psi[t]:.4f}", f"{ols[(s, t)]:.3f}") for s, t, v in truth.paths]), "",
        f"Items: `loading * latent + sqrt(1 - loading^2) * error`, answer = "
        f"`clip(round(mean + {truth.item_spread:g} * item), 1, 10)`. CUSCO is the single item of Complaints "
        "and is generated without error (loading 1, as lavaan's `CUSCO ~~ 0*CUSCO`); it is worded so that "
        "higher = complaint handled better, so it is **not** reverse-coded. No item is reverse-coded.", "",
        _table(("item", "construct", "loading", "mean", "question (zh)", "question (en)"), item_rows), "",
        f"Structure in the data: {truth.account_effect_share:.0%} of every disturbance's variance is an account "
        f"random effect (respondents of one account correlate); shifts added to disturbances before whitening "
        f"(in disturbance SD units): Image by region {dict(truth.region_image_shift)}, Quality by industry "
        f"{dict(truth.industry_quality_shift)}, Value by role {dict(truth.role_value_shift)}, Satisfaction in "
        f"wave 2 of region {truth.wave2_satisfaction_shift[0]} +{truth.wave2_satisfaction_shift[1]:g}. "
        "Respondents are drawn per wave with probability ~ purchase_volume^0.4 (two cross-sections, not a "
        "panel); wave 2 is 52 weeks after wave 1.", "",
        f"Missing answers: every ECSI item blank with probability {truth.item_blank_rate:g}; "
        f"code {truth.dont_know_code} (\"don't know\", declared in `missing_codes`) with probability "
        f"{truth.dont_know_rate:g} on {', '.join(truth.dont_know_items)}; Kano answers blank with probability "
        f"{truth.kano_blank_rate:g}. Comments: blank with probability {truth.comment_blank_rate:g}, English "
        f"with {truth.comment_english_rate:g}, sentiment following latent satisfaction. Realised:", "",
        _table(("count", "value"), missing_rows), "",
        "Kano attributes (answers 1 like, 2 must-be, 3 neutral, 4 live with, 5 dislike; Berger et al. 1993). "
        "Each respondent's category is the designed one with the given share, else another main category "
        "(equal shares), reverse 3 %, questionable 2 %:", "",
        _table(("attribute", "functional", "dysfunctional", "zh", "en", "true category", "share"), kano_rows), "",
        "## Transactions: the true customer-base model", "",
        f"Time unit **week**. BG/NBD (Fader, Hardie & Lee 2005): purchase rate lambda ~ Gamma(r = {truth.bgnbd_r:g}, "
        f"alpha = {truth.bgnbd_alpha:g}), dropout after each repeat purchase day with p ~ Beta(a = {truth.bgnbd_a:g}, "
        f"b = {truth.bgnbd_b:g}); p is tied to the account's survey loyalty effect by a Gaussian copula "
        f"(correlation -{truth.loyalty_dropout_correlation:g}; its marginal stays Beta, independent of lambda). "
        f"Gamma-Gamma spend per purchase day: z ~ Gamma(p = {truth.gg_p:g}, nu), nu ~ Gamma(q = {truth.gg_q:g}, "
        f"v = {truth.gg_v:g}) CNY (mean {truth.gg_p * truth.gg_v / (truth.gg_q - 1):,.0f} CNY per day). "
        "lambda, p and nu are drawn by stratified sampling (one draw per 1/n quantile interval, in random "
        "order), so their sample distributions follow the true ones closely; the per-account values are in "
        "`DemoData.account_truth`. "
        f"Every account's first purchase falls in the first {truth.cohort_weeks} weeks (a cohort, as in CDNOW); "
        "after it, each day is a purchase day with probability lambda / 7 (a Bernoulli process: the wait is "
        "geometric, >= 1 day, mean 1 / lambda weeks; lambda / 7 is capped at 0.95), so an account's purchase "
        "days are distinct and a summary that merges same-day orders sees exactly the generated purchase days. "
        "Each purchase day is split into order lines (rows; more lines for bigger days) whose amounts sum to "
        "the day's value.", "",
        f"- window: {truth.start_date} to {truth.end_date} ({truth.n_days // 7} weeks)",
        f"- calibration: {truth.start_date} to {truth.calibration_end} "
        f"({(truth.calibration_end - truth.start_date).days // 7 + 1} weeks); holdout: {truth.holdout_start} to "
        f"{truth.end_date}",
        f"- dirt (documented, on existing purchase days of the same account): {truth.n_returns} returns "
        f"(order_id RT..., negative amount, part of an order line of that day), {truth.n_zero_amount} "
        f"zero-amount orders (free samples), {truth.n_duplicates} exact duplicate rows. Drop duplicates and "
        "non-positive amounts to get the generated purchases back exactly.", "",
        _table(("count", "value"), tx_rows), "",
        "## Accounts", "",
        "`purchase_volume`: realised annual revenue (clean rows / years) times log-normal noise "
        f"(sd {truth.purchase_volume_noise_sd:g}), rounded to 1,000 CNY. `high_margin_share`: realised share "
        "of revenue in margin class 高. `service_demand` follows size, `price_sensitivity` the inverse margin "
        "propensity, `partnership_willingness` the account's loyalty effect (1-5 with noise). "
        "`contract_start`: 0-45 days before the first order.", "",
        *_issue14_section(truth, stats),
        *_planted_section(stats),
    ])


def _issue14_section(truth: DemoTruth, stats: Mapping[str, Any]) -> list[str]:
    """Profit columns, complaints, SERVQUAL, delivered value, referrals and cross-buying."""
    from kamreport.data.demo import complaints as c
    from kamreport.data.demo import transactions as t

    servqual_rows = [(f"SQE_{code} / SQP_{code}", dim, zh, en) for code, dim, zh, en in SERVQUAL_ITEMS]
    gaps = ", ".join(f"{k} {g:+.1f}" for k, _, _, g in SERVQUAL_DIMENSIONS)
    labels = {k: (zh, en) for k, zh, en in DELIVERED_VALUE_COMPONENTS}
    dv_rows = [(i, side, f"{comp} {labels[comp][0]}", f"{m:.1f}", zh, en)
               for i, side, comp, m, zh, en in DELIVERED_VALUE_ITEMS]
    column, value, shifted, size = DELIVERED_VALUE_SHIFT
    facts = stats.get("planted_facts", {})
    return [
        "## Profit, product lines, complaints (transactions.csv, complaints.csv)", "",
        "`margin` (gross margin of the order line, CNY) = amount x (rate of its margin class "
        f"{dict(zip([zh for zh, _ in MARGIN_CLASSES], MARGIN_RATES))} "
        "+ a product-line offset + N(0, 0.02) per order); returns carry a negative margin. `cost_to_serve` (CNY) = "
        f"({t.ORDER_COST:g} + {t.COST_RATE:g} x |amount|) x (0.5 + 0.25 x service_demand), for every row "
        "(returns and free samples cost too). Profit of an account = sum(margin) - sum(cost_to_serve).", "",
        f"Product lines an account buys: servers, networking and spare parts always; software licences "
        f"with probability {t.P_SOFTWARE:g}; cloud services with {t.P_CLOUD_WITH:g} among software buyers and "
        f"{t.P_CLOUD_WITHOUT:g} among the others (the planted association: buyers of 软件许可 also buy 云服务); "
        f"maintenance with {t.P_MAINTENANCE:g}. Orders of a line the account does not buy are booked under "
        "a hardware line.", "",
        f"Complaints: {c.BASE_RATE:g} per account-year at the median activity (x sqrt(purchase days / median), "
        f"capped at {c.MAX_ACTIVITY:g}), x exp(-0.5 x the account's satisfaction effect); at-risk accounts "
        f"x {c.AT_RISK_FACTOR:g} (in the second half of their span), terrorists and hostages x "
        f"{c.UNHAPPY_FACTOR:g}, both more severe (severity 1/2/3 with {c.SEVERITY_P_UNHAPPY} instead of "
        f"{c.SEVERITY_P}). Category shares in the labels table (late delivery dominates). `resolved_days` ~ "
        "Gamma(2, 1.5 x severity^1.5), blank for half of the complaints of the last 14 days (still open).", "",
        "## Survey: SERVQUAL, delivered value, referrals, cross-buying", "",
        f"SERVQUAL (Parasuraman, Zeithaml & Berry 1988), 1-7: expectation SQE_* (mean "
        f"{SERVQUAL_EXPECTATION_MEAN:g}) and "
        f"perception SQP_* per item; true mean gaps P - E by dimension: {gaps}.", "",
        _table(("columns", "dimension", "zh", "en"), servqual_rows), "",
        f"Delivered value (顾客让渡价值, Kotler), 1-7: value items follow perceived quality (image value: "
        f"image), monetary cost follows -perceived value; respondents of {column} = {value} answer the "
        f"{' and '.join(shifted)} cost items {size:g} points higher.", "",
        _table(("item", "side", "component", "mean", "zh", "en"), dv_rows), "",
        "`referrals`: accounts/people referred in the last 12 months ~ Poisson(exp(-0.3 + 0.7 x Loyalty)); "
        "`cross_buy`: intention to buy further product lines, round(3 + 0.9 x Loyalty + N(0, 0.7^2)) in 1-5.", "",
        "Realised (`DemoData.stats[\"planted_facts\"]`): " + "; ".join(
            f"{k}: {v}" for k, v in facts.items() if not isinstance(v, (dict, list))), "",
    ]


def _planted_section(stats: Mapping[str, Any]) -> list[str]:
    """What the account review must find (kamreport.data.demo.planted), account by account."""
    from kamreport.data.demo.planted import AT_RISK_DROP, NEW_DAYS, WORSE_COHORT, WORSE_COHORT_SHARE
    from kamreport.data.demo.transactions import LOSS_COST_RATE, LOSS_DISCOUNT

    planted = stats.get("planted")
    if not planted:
        return []
    return [
        "## Planted for the account review", "",
        "Not draws of the models above (tests of the BG/NBD and Gamma-Gamma truths leave them out):", "",
        f"- **at risk** (high value, falling satisfaction): wave-2 respondents of these top-5 % accounts answer "
        f"the Satisfaction and Quality items {AT_RISK_DROP:g} points lower: {', '.join(planted['at_risk'])}",
        f"- **exploration** (考察期): small accounts whose first order falls in the last {NEW_DAYS} days: "
        f"{', '.join(planted['exploration'])}",
        "- **build-up** (形成期): their last 90 days repeat their earlier orders (twice the purchase days): "
        f"{', '.join(planted['build_up'])}",
        "- all four loyalty types and declining accounts (衰退期, dropouts) come from the model itself.",
        *[f"- **{name}** ({words}): {', '.join(planted.get(name, [])) or 'none'}" for name, words in (
            ("apostles", "Satisfaction and Loyalty answers 9-10, buy to the end"),
            ("mercenaries", "Satisfaction 9-10, Loyalty 2-4, stop ordering 200-300 days before the end"),
            ("hostages", "Satisfaction 2-4, Loyalty 9-10, buy to the end"),
            ("terrorists", "Satisfaction and Loyalty 2-4, stop ordering 200-300 days before the end"),
            ("loss_making", f"deep discount ({LOSS_DISCOUNT:g} off the margin rate) and "
                            f"{LOSS_COST_RATE:g} x amount more cost to serve: negative profit"),
        )],
        f"- **worse_cohort** (first purchase in {WORSE_COHORT}): {WORSE_COHORT_SHARE:.0%} of its accounts stop "
        f"ordering 90-300 days after their first order: {', '.join(planted.get('worse_cohort', [])) or 'none'}", "",
    ]
