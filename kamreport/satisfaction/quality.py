"""Reliability and validity of measurement blocks.

Cronbach's alpha comes from pingouin (raw alpha, on the items' covariances); standardized alpha
(on correlations, what SmartPLS and seminr print) is given beside it and labelled as such.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pingouin as pg

from kamreport.data.schemas import Codebook
from kamreport.errors import InputError


def cronbach_alpha(data: pd.DataFrame, items: list[str] | tuple[str, ...], *, ci: float = 0.95) -> dict:
    """Raw Cronbach's alpha of ``items`` (pingouin, listwise), its CI, and standardized alpha.

    Standardized alpha is ``k·r̄ / (1 + (k−1)·r̄)`` with ``r̄`` the mean inter-item correlation.

    References
    ----------
    Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests.
    *Psychometrika* 16, 297–334.

    Examples
    --------
    >>> df = pd.DataFrame({"a": [1, 2, 3, 4, 5], "b": [2, 2, 3, 5, 5], "c": [1, 3, 3, 4, 4]})
    >>> round(cronbach_alpha(df, ["a", "b", "c"])["alpha"], 3)
    0.925
    """
    missing = [i for i in items if i not in data.columns]
    if missing:
        raise InputError(f"survey: item column(s) {', '.join(missing)} missing for Cronbach's alpha; check the codebook")
    block = data[list(items)].astype(float).dropna()
    k = len(items)
    if k < 2:
        return {"items": k, "n": len(block), "alpha": np.nan, "ci_low": np.nan, "ci_high": np.nan,
                "alpha_std": np.nan}
    alpha, (lo, hi) = pg.cronbach_alpha(data=block, ci=ci)
    corr = np.corrcoef(block.to_numpy(), rowvar=False)
    r_bar = corr[np.triu_indices(k, 1)].mean()
    return {"items": k, "n": len(block), "alpha": float(alpha), "ci_low": float(lo), "ci_high": float(hi),
            "alpha_std": float(k * r_bar / (1 + (k - 1) * r_bar))}


def alpha_table(survey: pd.DataFrame, codebook: Codebook, *, ci: float = 0.95) -> pd.DataFrame:
    """Cronbach's alpha (raw, with CI; and standardized) for every construct of the codebook.

    Single-item constructs get NaN (alpha is undefined for one item).
    """
    rows = [{"construct": c, **cronbach_alpha(survey, items, ci=ci)}
            for c, items in codebook.construct_items().items()]
    return pd.DataFrame(rows).set_index("construct")
