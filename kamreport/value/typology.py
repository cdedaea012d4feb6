"""Satisfaction x loyalty types per account (Jones & Sasser 1995) and the satisfaction-loyalty curve.

Jones and Sasser ("Why satisfied customers defect", HBR 1995) cross satisfaction with loyalty:
loyalists (high, high; the extreme corner: apostles), mercenaries (satisfied, not loyal),
hostages (loyal, not satisfied: locked in) and defectors (low, low; the extreme corner:
terrorists). Their finding, that only *completely* satisfied customers are reliably loyal, is
read from the curve of loyalty against satisfaction bands: the jump between the top band and
the next. The satisfaction trap (满意陷阱) is the share of satisfied accounts that are not loyal
or are defecting.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.optimize import isotonic_regression

from kamreport.errors import InputError
from kamreport.value.relationship import _numeric

#: How far a 0-100 score may stray outside 0-100 by floating-point rounding (e.g. 100 + 1.4e-14 from a
#: weighted mean of top answers); it is clipped, anything further is refused.
ROUNDING = 1e-9


def _score(series, role: str) -> pd.Series:
    values = _numeric(series, role)
    near = values.between(-ROUNDING, 100 + ROUNDING)
    return values.where(~near, values.clip(0.0, 100.0))

#: type -> recommended action code (the words are the report layer's)
TYPOLOGY_ACTIONS: dict[str, str] = {
    "apostle": "advocate",              # completely satisfied and loyal: references, referrals
    "loyalist": "retain",               # keep them satisfied; move them to completely satisfied
    "mercenary": "earn_loyalty",        # satisfied but not loyal: find what would make them stay
    "hostage": "fix_root_causes",       # loyal by lock-in: fix the causes before the lock ends
    "defector": "diagnose_defection",   # ask why, win back the ones worth it
    "terrorist": "contain_damage",      # resolve complaints first: they talk
}
TYPOLOGY_TYPES: tuple[str, ...] = tuple(TYPOLOGY_ACTIONS)


@dataclass(frozen=True)
class TypologyCuts:
    """Cut points on the 0-100 scores. At or above ``satisfaction`` (``loyalty``) is satisfied
    (loyal); at or above both apostle cuts is an apostle; at or below both terrorist cuts a
    terrorist.

    Defaults: 70 for satisfied / loyal (7 of 10 on a ten-point reading), 90 for the apostles'
    "completely satisfied" top box, 30 for the terrorists' mirror corner.
    """

    satisfaction: float = 70.0
    loyalty: float = 70.0
    apostle_satisfaction: float = 90.0
    apostle_loyalty: float = 90.0
    terrorist_satisfaction: float = 30.0
    terrorist_loyalty: float = 30.0

    def __post_init__(self):
        if not (self.terrorist_satisfaction < self.satisfaction <= self.apostle_satisfaction
                and self.terrorist_loyalty < self.loyalty <= self.apostle_loyalty):
            raise InputError(f"TypologyCuts: need terrorist < satisfied/loyal <= apostle cuts, got {self}; "
                             "fix the cut points")


def typology(satisfaction: pd.Series, loyalty: pd.Series, cuts: TypologyCuts = TypologyCuts()) -> pd.DataFrame:
    """The Jones & Sasser type of each account.

    ==================  ==========================  ==========================
    satisfied \\ loyal   yes                          no
    ==================  ==========================  ==========================
    yes                  ``loyalist`` (``apostle``)    ``mercenary``
    no                   ``hostage``                  ``defector`` (``terrorist``)
    ==================  ==========================  ==========================

    Parameters
    ----------
    satisfaction, loyalty : Series indexed by account
        0-100 scores (e.g. the Satisfaction and Loyalty columns of the account construct
        scores). Aligned by an outer join.
    cuts : TypologyCuts

    Returns
    -------
    DataFrame
        Index account; ``satisfaction``, ``loyalty``, ``satisfied``, ``loyal`` (boolean, NA when
        unknown), ``quadrant`` (loyalist / mercenary / hostage / defector) and ``type`` (the
        quadrant, or apostle / terrorist in the extreme corners); NaN where a score is missing.

    References
    ----------
    Jones, T. O. & Sasser, W. E. (1995). Why satisfied customers defect. Harvard Business
    Review 73(6), 88-99.

    Examples
    --------
    >>> s = pd.Series([95., 80, 80, 40, 20], index=list("abcde"))
    >>> l = pd.Series([95., 70, 69.9, 80, 30], index=list("abcde"))
    >>> typology(s, l)["type"].tolist()
    ['apostle', 'loyalist', 'mercenary', 'hostage', 'terrorist']
    """
    sat = _score(satisfaction, "typology satisfaction")
    loy = _score(loyalty, "typology loyalty")
    index = sat.index.append(loy.index.difference(sat.index, sort=False))
    sat, loy = sat.reindex(index), loy.reindex(index)
    bad = [(n, s) for n, s in (("satisfaction", sat), ("loyalty", loy)) if ((s < 0) | (s > 100)).any()]
    if bad:
        name, s = bad[0]
        raise InputError(f"typology: {name} of account {s[(s < 0) | (s > 100)].index[0]!r} is outside 0-100; "
                         "fix: pass 0-100 scores")
    known = (sat.notna() & loy.notna()).to_numpy()
    satisfied, loyal = (sat >= cuts.satisfaction).to_numpy(), (loy >= cuts.loyalty).to_numpy()
    quadrant = np.select([satisfied & loyal, satisfied, loyal], ["loyalist", "mercenary", "hostage"], "defector")
    apostle = (sat >= cuts.apostle_satisfaction).to_numpy() & (loy >= cuts.apostle_loyalty).to_numpy()
    terrorist = (sat <= cuts.terrorist_satisfaction).to_numpy() & (loy <= cuts.terrorist_loyalty).to_numpy()
    kind = np.where(apostle, "apostle", np.where(terrorist, "terrorist", quadrant))
    out = pd.DataFrame({"satisfaction": sat, "loyalty": loy}, index=index)
    out["satisfied"] = pd.array(np.where(sat.isna(), None, satisfied), dtype="boolean")
    out["loyal"] = pd.array(np.where(loy.isna(), None, loyal), dtype="boolean")
    out["quadrant"] = pd.Series(np.where(known, quadrant, None), index=index, dtype=object)
    out["type"] = pd.Series(np.where(known, kind, None), index=index, dtype=object)
    out.index.name = "account"
    out.attrs["cuts"] = cuts
    return out


def typology_summary(types: pd.DataFrame, revenue: pd.Series) -> pd.DataFrame:
    """Accounts and revenue per type, with the action code of each type.

    Parameters
    ----------
    types : DataFrame from :func:`typology`
    revenue : Series indexed by account (missing counts as 0)

    Returns
    -------
    DataFrame
        Index ``type`` in :data:`TYPOLOGY_TYPES` order; ``n_accounts``, ``share_accounts``,
        ``revenue``, ``share_revenue`` (over the typed accounts; NaN when their revenue is 0) and
        ``action`` (:data:`TYPOLOGY_ACTIONS`). ``attrs["n_untyped"]``: accounts without a type.

    Examples
    --------
    >>> t = typology(pd.Series([95., 20], index=["a", "b"]), pd.Series([95., 20], index=["a", "b"]))
    >>> typology_summary(t, pd.Series([30., 10], index=["a", "b"]))["share_revenue"].tolist()
    [0.75, 0.0, 0.0, 0.0, 0.0, 0.25]
    """
    if "type" not in types.columns:
        raise InputError("typology_summary: types has no 'type' column; fix: pass typology() output")
    kind = types["type"]
    money = _numeric(revenue, "typology_summary revenue").reindex(types.index).fillna(0.0)
    known = kind.notna()
    counts = kind[known].value_counts().reindex(TYPOLOGY_TYPES, fill_value=0).astype("int64")
    money_by = money[known].groupby(kind[known]).sum().reindex(TYPOLOGY_TYPES, fill_value=0.0)
    total = float(money_by.sum())
    out = pd.DataFrame({
        "n_accounts": counts,
        "share_accounts": counts / counts.sum() if counts.sum() else np.nan,
        "revenue": money_by,
        "share_revenue": money_by / total if total != 0 else np.nan,
        "action": [TYPOLOGY_ACTIONS[t] for t in TYPOLOGY_TYPES],
    }, index=pd.Index(TYPOLOGY_TYPES, name="type"))
    out.attrs["n_untyped"] = int((~known).sum())
    return out


@dataclass(frozen=True)
class SatisfactionTrap:
    """Satisfied accounts that are not loyal (attitude) or are defecting (behaviour)."""

    n_satisfied: int
    n_not_loyal: int            # satisfied, loyalty below its cut (mercenaries)
    n_defecting: int            # satisfied, P(alive) below alive_cut (0 when P(alive) is not given)
    n_trapped: int              # not loyal or defecting
    share_not_loyal: float      # of the satisfied; NaN when none is satisfied
    share_defecting: float
    share_trapped: float
    alive_cut: float | None


def satisfaction_trap(types: pd.DataFrame, p_alive: pd.Series | None = None, *,
                      alive_cut: float = 0.5) -> SatisfactionTrap:
    """The satisfaction-trap shares among the satisfied accounts.

    Parameters
    ----------
    types : DataFrame from :func:`typology`
    p_alive : Series indexed by account, optional
        P(alive) (or any 0-1 measure of still buying); below ``alive_cut`` is defecting.
    alive_cut : float, default 0.5

    Returns
    -------
    SatisfactionTrap

    Examples
    --------
    >>> t = typology(pd.Series([80., 80, 80, 40]), pd.Series([80., 50, 90, 90]))
    >>> trap = satisfaction_trap(t, pd.Series([.9, .9, .2, .9]))
    >>> trap.n_satisfied, trap.n_not_loyal, trap.n_defecting, round(trap.share_trapped, 4)
    (3, 1, 1, 0.6667)
    """
    if not {"satisfied", "loyal"} <= set(types.columns):
        raise InputError("satisfaction_trap: types lacks 'satisfied'/'loyal'; fix: pass typology() output")
    if not 0 < alive_cut < 1:
        raise InputError(f"satisfaction_trap: alive_cut must be between 0 and 1, got {alive_cut!r}")
    sat = types["satisfied"].fillna(False).to_numpy(bool) & types["loyal"].notna().to_numpy()
    not_loyal = sat & ~types["loyal"].fillna(True).to_numpy(bool)
    if p_alive is not None:
        alive = _numeric(p_alive, "satisfaction_trap p_alive").reindex(types.index).to_numpy()
        defecting = sat & (alive < alive_cut)
    else:
        defecting = np.zeros(len(types), bool)
    n = int(sat.sum())
    trapped = not_loyal | defecting

    def share(k):
        return k / n if n else np.nan
    return SatisfactionTrap(n, int(not_loyal.sum()), int(defecting.sum()), int(trapped.sum()),
                            share(int(not_loyal.sum())), share(int(defecting.sum())), share(int(trapped.sum())),
                            alive_cut if p_alive is not None else None)


def isotonic_fit(x: pd.Series, y: pd.Series) -> pd.Series:
    """The non-decreasing least-squares fit of ``y`` on ``x`` (ties in ``x`` pooled first).

    Examples
    --------
    >>> isotonic_fit(pd.Series([3., 1, 2]), pd.Series([2., 1, 3])).tolist()
    [2.5, 1.0, 2.5]
    """
    frame = pd.DataFrame({"x": np.asarray(x, np.float64), "y": np.asarray(y, np.float64)}).dropna()
    pooled = frame.groupby("x")["y"].agg(["mean", "count"])
    fitted = isotonic_regression(pooled["mean"].to_numpy(), weights=pooled["count"].to_numpy(np.float64)).x
    return pd.Series(np.asarray(x, np.float64), index=getattr(x, "index", None)).map(
        pd.Series(fitted, index=pooled.index)).astype(np.float64)


def _band_labels(edges: Sequence[float]) -> list[str]:
    inner = [f"[{a:g}, {b:g})" for a, b in zip(edges[:-2], edges[1:-1])]
    return inner + [f"[{edges[-2]:g}, {edges[-1]:g}]"]


@dataclass(frozen=True)
class LoyaltyCurve:
    """Loyalty against satisfaction bands, raw means and isotonic fits."""

    bands: pd.DataFrame            # band: low, high, n, satisfaction, <m>, <m>_fit for each measure
    accounts: pd.DataFrame         # account: satisfaction, band, <m>, <m>_fit (isotonic on the accounts)
    top_jump: dict[str, float]     # measure -> top band mean - next band mean (NaN if either is empty)
    top_jump_fit: dict[str, float]
    measures: tuple[str, ...]
    edges: tuple[float, ...]
    caveats: tuple[str, ...] = field(default_factory=tuple)


def satisfaction_loyalty_curve(satisfaction: pd.Series, loyalty: pd.Series,
                               behaviour: Mapping[str, pd.Series] | None = None, *,
                               bands: Sequence[float] = (30.0, 50.0, 70.0, 90.0)) -> LoyaltyCurve:
    """Loyalty by satisfaction band, fitted non-decreasing (isotonic regression).

    Parameters
    ----------
    satisfaction, loyalty : Series indexed by account (0-100)
        ``loyalty`` is attitudinal (the measure ``loyalty``).
    behaviour : mapping name -> Series indexed by account, optional
        Behavioural loyalty as given, e.g. ``{"repeat_rate": ..., "p_alive": ...}`` (0-1).
    bands : inner band edges, default (30, 50, 70, 90)
        Bands are [0, 30), [30, 50), ..., [90, 100]: a score on an edge goes to the upper band.
        The top band is "completely satisfied", the one below it "satisfied".

    Returns
    -------
    LoyaltyCurve
        ``bands[m]`` is the mean of measure m over the band's accounts; ``bands[m + "_fit"]``
        the isotonic fit of those means (weights = accounts); ``accounts[m + "_fit"]`` the
        isotonic fit on the accounts themselves. ``top_jump[m]`` = mean in the top band - mean in
        the next band: how much more loyal the completely satisfied are.

    References
    ----------
    Jones & Sasser (1995), HBR: the satisfaction-loyalty curve of highly competitive markets.

    Examples
    --------
    >>> s = pd.Series([20., 60, 75, 80, 95, 99])
    >>> l = pd.Series([10., 40, 50, 50, 90, 80])
    >>> curve = satisfaction_loyalty_curve(s, l)
    >>> curve.bands["loyalty"].tolist()[2:], curve.top_jump["loyalty"]
    ([40.0, 50.0, 85.0], 35.0)
    """
    edges = (0.0, *map(float, bands), 100.0)
    if list(edges) != sorted(set(edges)):
        raise InputError(f"satisfaction_loyalty_curve: bands {tuple(bands)} must increase strictly inside "
                         "(0, 100); fix them")
    sat = _score(satisfaction, "satisfaction_loyalty_curve satisfaction").dropna()
    measures = {"loyalty": _score(loyalty, "satisfaction_loyalty_curve loyalty")}
    for name, series in (behaviour or {}).items():
        if name in measures:
            raise InputError(f"satisfaction_loyalty_curve: behaviour measure {name!r} clashes; fix: rename it")
        measures[name] = _numeric(series, f"satisfaction_loyalty_curve {name}")
    if ((sat < 0) | (sat > 100)).any():
        raise InputError("satisfaction_loyalty_curve: satisfaction outside 0-100; fix: pass 0-100 scores")
    labels = _band_labels(edges)
    position = np.clip(np.searchsorted(edges, sat.to_numpy(), side="right") - 1, 0, len(labels) - 1)
    accounts = pd.DataFrame({"satisfaction": sat,
                             "band": pd.Categorical.from_codes(position, labels, ordered=True)}, index=sat.index)
    table = pd.DataFrame({"low": edges[:-1], "high": edges[1:]}, index=pd.Index(labels, name="band"))
    table["n"] = accounts["band"].value_counts().reindex(labels, fill_value=0).astype("int64")
    table["satisfaction"] = accounts.groupby("band", observed=False)["satisfaction"].mean()
    jump, jump_fit, caveats = {}, {}, []
    for name, values in measures.items():
        accounts[name] = values.reindex(sat.index)
        have = accounts[name].notna()
        accounts[f"{name}_fit"] = np.nan
        if have.any():
            accounts.loc[have, f"{name}_fit"] = isotonic_fit(accounts.loc[have, "satisfaction"],
                                                             accounts.loc[have, name]).to_numpy()
        grouped = accounts[have].groupby("band", observed=False)[name]
        table[name], count = grouped.mean(), grouped.count().reindex(labels, fill_value=0)
        filled = table[name].notna().to_numpy()
        table[f"{name}_fit"] = np.nan
        if filled.any():
            table.loc[filled, f"{name}_fit"] = isotonic_regression(
                table.loc[filled, name].to_numpy(), weights=count[filled].to_numpy(np.float64)).x
        jump[name] = float(table[name].iloc[-1] - table[name].iloc[-2])
        jump_fit[name] = float(table[f"{name}_fit"].iloc[-1] - table[f"{name}_fit"].iloc[-2])
    if table["n"].iloc[-1] == 0 or table["n"].iloc[-2] == 0:
        caveats.append("the top band or the one below it has no account: no jump")
    return LoyaltyCurve(bands=table, accounts=accounts, top_jump=jump, top_jump_fit=jump_fit,
                        measures=tuple(measures), edges=edges, caveats=tuple(caveats))
