"""Pseudonymized reports: stable keyed pseudonyms for the identifiers of accounts and people.

A pseudonym is ``<prefix>-`` and the first 12 hex digits of HMAC-SHA256(key, value): the same
value gets the same pseudonym in every run with the same key, and without the key it cannot be
traced back. The key comes from the environment variable ``KAMREPORT_PSEUDONYM_KEY`` and is
never written anywhere.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Iterable

import pandas as pd

from kamreport.errors import InputError

KEY_VARIABLE = "KAMREPORT_PSEUDONYM_KEY"
MIN_KEY_LENGTH = 16


def pseudonym_key() -> bytes:
    """The key from ``$KAMREPORT_PSEUDONYM_KEY``; absent or short: a one-line InputError."""
    key = os.environ.get(KEY_VARIABLE, "")
    if len(key) < MIN_KEY_LENGTH:
        what = "is not set" if not key else f"is shorter than {MIN_KEY_LENGTH} characters"
        raise InputError(f"pseudonymize: true needs a secret key, but ${KEY_VARIABLE} {what}; fix: "
                         f"export {KEY_VARIABLE}=\"$(openssl rand -hex 32)\" (keep it outside the "
                         "parameter file; the same key gives the same pseudonyms)")
    return key.encode("utf-8")


def pseudonym(value: object, key: bytes, prefix: str) -> str:
    """The pseudonym of ``value`` (its text; 15 and 15.0 differ, so pass normalized ids).

    Examples
    --------
    >>> pseudonym("A-1007", b"k" * 16, "ACC")
    'ACC-c05765329b71'
    """
    digest = hmac.new(key, str(value).encode("utf-8"), hashlib.sha256).hexdigest()
    return f"{prefix}-{digest[:12]}"


def pseudonymize_columns(frame: pd.DataFrame, columns: Iterable[tuple[str, str]], key: bytes,
                         *, index_prefix: str | None = None) -> pd.DataFrame:
    """``frame`` with each (column, prefix) replaced by pseudonyms (missing values stay missing);
    columns the frame lacks are passed over. ``index_prefix``: the index too."""
    out = frame.copy()
    for column, prefix in columns:
        if column in out.columns:
            values = out[column]
            out[column] = values.map(lambda v: v if pd.isna(v) else pseudonym(v, key, prefix)).astype("string")
    if index_prefix is not None:
        out.index = pd.Index([pseudonym(v, key, index_prefix) for v in out.index], name=out.index.name)
    return out
