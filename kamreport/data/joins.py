"""The one way account attributes are joined to survey answers or per-customer values.

Account ids are compared as text, the same way on both sides (:func:`~kamreport.data.sources.as_id`:
15 and 15.0 match), the account master must hold one row per account (duplicates are an error,
never silently dropped), and the join is checked many-to-one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import pandas as pd

from kamreport.data.sources import as_id
from kamreport.errors import InputError


def join_accounts(frame: pd.DataFrame, accounts: pd.DataFrame, key: str, *, source: str,
                  on_index: bool = False, unknown: Literal["error", "keep"] = "error",
                  what: tuple[str, str] = ("survey", "respondents")) -> pd.DataFrame:
    """``frame`` with the account master's columns that it does not have yet.

    Parameters
    ----------
    frame : survey answers (``key`` a column) or per-customer values (ids in the index,
        ``on_index=True``)
    accounts : the account master, ``key`` one of its columns
    key : the account id column of the master (and of ``frame`` unless ``on_index``)
    source : the master's file name, for messages
    unknown : ``"error"``: an id of ``frame`` missing from the master raises; ``"keep"``: its
        master columns stay empty (a master that lists only some customers)

    Raises
    ------
    InputError
        duplicate ids in the master, or (``unknown="error"``) ids the master lacks.

    Examples
    --------
    >>> master = pd.DataFrame({"account_id": [15, 16], "region": ["East", "West"]})
    >>> survey = pd.DataFrame({"account_id": [15.0, None, 16.0], "Q1": [7, 8, 9]})  # floats: a blank id
    >>> join_accounts(survey, master, "account_id", source="accounts.csv")["region"].tolist()
    ['East', nan, 'West']
    """
    if key not in accounts.columns:
        raise InputError(f"{source}: account key column {key!r} not found (columns present: "
                         f"{', '.join(map(str, accounts.columns[:12]))}); fix data.account_key")
    master = accounts.assign(**{key: as_id(accounts[key])})
    duplicated = master[key].duplicated(keep=False)
    if duplicated.any():
        rows = ", ".join(str(i + 2) for i in master.index[duplicated][:5])
        raise InputError(f"{source}: column {key!r} has duplicate account ids at lines {rows}; "
                         "keep one row per account")
    ids = as_id(frame.index.to_series(index=frame.index) if on_index else frame[key])
    if unknown == "error":
        missing = ids[ids.notna() & ~ids.isin(master[key])]
        if len(missing):
            shown = ", ".join(map(str, missing.drop_duplicates().head(5)))
            raise InputError(f"{source}: {what[0]} account ids {shown} ({len(missing)} {what[1]}) are not "
                             "in the account "
                             f"master; add them to {Path(source).name} or fix {key!r}")
    extra = [c for c in master.columns if c not in frame.columns and c != key]
    attributes = master.set_index(key)[extra]
    if on_index:
        joined = frame.join(attributes.reindex(ids.to_numpy()).set_axis(frame.index))
        return joined
    return frame.assign(**{key: ids}).merge(attributes, left_on=key, right_index=True, how="left",
                                            validate="many_to_one")
