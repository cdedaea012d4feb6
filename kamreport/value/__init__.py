"""Customer value: customer summary, RFM, pyramid, concentration, BG/NBD + Gamma-Gamma CLV."""

from __future__ import annotations

import importlib

_API = {
    "customer_summary": "summary",
    "SummaryResult": "summary",
    "rfm_scores": "rfm",
    "pyramid": "rfm",
    "tier_profile": "rfm",
    "tier_migration": "rfm",
    # modules are not named like their functions ("lorenz", not "concentration"; "lifetime",
    # not "clv"): importing a submodule sets the package attribute of its name to the module,
    # which would shadow a function of the same name
    "concentration": "lorenz",
    "Concentration": "lorenz",
    "abc_classes": "lorenz",
    "fit_bgnbd": "bgnbd",
    "BgNbdFit": "bgnbd",
    "fit_pareto_nbd": "paretonbd",
    "ParetoNbdFit": "paretonbd",
    "fit_gamma_gamma": "gammagamma",
    "GammaGammaFit": "gammagamma",
    "clv": "lifetime",
    "holdout_table": "lifetime",
    # more customers than memory: patterns collapsed in the engine, scores streamed (issue 15)
    "customer_patterns": "scoring",
    "fit_bgnbd_patterns": "scoring",
    "customer_batches": "scoring",
    "score_chunks": "scoring",
    "remote_clv": "scoring",
    "RemoteClv": "scoring",
    # account review: loyalty, satisfaction x value, lifecycle, key accounts, cards
    "loyalty_matrix": "relationship",
    "attitudinal_loyalty": "relationship",
    "behavioural_loyalty": "relationship",
    "loyalty_summary": "relationship",
    "account_construct_scores": "relationship",
    "LOYALTY_ACTIONS": "relationship",
    "account_satisfaction": "satisfaction_grid",
    "value_satisfaction_grid": "satisfaction_grid",
    "driver_gaps": "satisfaction_grid",
    "at_risk_list": "satisfaction_grid",
    "lifecycle_stage": "lifecycle",
    "purchase_windows": "lifecycle",
    "active_period_share": "lifecycle",
    "stage_transitions": "lifecycle",
    "LifecycleThresholds": "lifecycle",
    "key_account_score": "keyaccount",
    "weight_sensitivity": "keyaccount",
    "relationship_level": "keyaccount",
    "tier_relationship_levels": "keyaccount",
    "account_cards": "cards",
    "CardRules": "cards",
    # retention, cross-buying, complaint and referral KPIs (issue 14)
    "retention_rates": "retention",
    "cohort_retention": "retention",
    "repeat_purchase_rate": "retention",
    "CohortRetention": "retention",
    "basket": "crossbuying",
    "lines_per_account": "crossbuying",
    "product_line_rules": "crossbuying",
    "CrossBuying": "crossbuying",
    "complaint_rates": "complaints",
    "complaints_by_group": "complaints",
    "severity_distribution": "complaints",
    "root_cause_shares": "complaints",
    "mean_resolution_days": "complaints",
    "referral_rate": "complaints",
    "ReferralRate": "complaints",
    "retention_kpis": "kpis",
    "KpiTable": "kpis",
    "KPIS": "kpis",
}

#: public submodules used as namespaces (``kano.classify``, ``kano.summary``)
_MODULES = ("kano",)

__all__ = sorted([*_API, *_MODULES])

def __getattr__(name: str):
    # Lazy, so that the light parts (rfm) do not pay for the heavy imports of others.
    if name in _MODULES:
        return importlib.import_module(f"{__name__}.{name}")
    if name in _API:
        module = importlib.import_module(f"{__name__}.{_API[name]}")
        return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
