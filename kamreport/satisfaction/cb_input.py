"""Input side of CB-SEM: the model checks, the data checks, and the model text for semopy.

Identification follows lavaan's ``sem()``: each construct is a latent factor with its first
loading fixed to 1; a single item's residual variance is fixed to 0 (``auto.fix.single``, e.g.
``CUSCO ~~ 0*CUSCO`` in ECSI); exogenous constructs covary; endogenous constructs have residual
variances and no residual covariances; item residuals covary only as listed in
``residual_covariances`` (lavaan ``y1 ~~ y5``, which the spec text cannot say). Composite
(``<~``) constructs are refused: this is a common-factor model; :func:`fit_pls` fits composites.
semopy compiles that text into the LISREL matrices (:mod:`kamreport.satisfaction.cb_structure`).
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np
import pandas as pd

from kamreport.errors import InputError, ModelError
from kamreport.satisfaction.spec import ModelSpec


def check_model(spec: ModelSpec | str, pairs: Sequence[tuple[str, str]]
                ) -> tuple[ModelSpec, tuple[tuple[str, str], ...]]:
    """The spec (parsed if text) and the residual-covariance pairs, checked (ModelError)."""
    spec = ModelSpec.from_text(spec) if isinstance(spec, str) else spec
    for c in spec.constructs:
        if c.mode != "A":
            raise ModelError(f"CB-SEM needs reflective constructs; construct {c.name!r} is "
                             "composite ('<~'): declare it with '=~' or use fit_pls")
    out: list[tuple[str, str]] = []
    for pair in pairs:
        a, b = (str(pair[0]), str(pair[1])) if len(pair) == 2 else ("", "")
        if a not in spec.items or b not in spec.items or a == b or {(a, b), (b, a)} & set(out):
            raise ModelError(f"residual covariance {pair!r} is not a new pair of two different "
                             f"model items; name two of {', '.join(spec.items)}")
        out.append((a, b))
    return spec, tuple(out)


def prepare_data(data: pd.DataFrame, spec: ModelSpec, missing: str
                 ) -> tuple[pd.DataFrame, int]:
    """The spec's items as float64 and the number of rows dropped.

    ``missing="listwise"`` drops rows with a missing item, ``"fiml"`` only rows with every item
    missing, ``"error"`` raises when a row has a missing item.
    """
    if not isinstance(data, pd.DataFrame):
        raise InputError(f"data is a {type(data).__name__}; pass a pandas DataFrame")
    spec.validate_data(data.columns)
    items = data.loc[:, list(spec.items)]
    text = [str(c) for c, kind in items.dtypes.items() if kind.kind not in "iuf"]
    if text:
        raise InputError(f"item column(s) {', '.join(text)} are not numeric; recode them to "
                         "numbers (and declare missing codes) before fitting")
    items = items.astype("float64")
    holes = items.isna()
    incomplete = holes.any(axis=1).to_numpy()
    if incomplete.any() and missing == "error":
        rows = ", ".join(map(str, items.index[incomplete][:5]))
        cols = ", ".join(items.columns[holes.any()][:5])
        raise InputError(f"{int(incomplete.sum())} row(s) have missing items (rows {rows}; "
                         f"columns {cols}); impute them or pass missing='listwise' or 'fiml'")
    drop = holes.all(axis=1).to_numpy() if missing == "fiml" else incomplete
    items = items.loc[~drop]
    p = items.shape[1]
    if len(items) <= p:
        kind = "usable" if missing == "fiml" else "complete"
        raise InputError(f"{len(items)} {kind} row(s) for {p} items; CB-SEM needs more rows "
                         "than items (in practice 5-10 per parameter): collect more data")
    empty = [str(c) for c, k in items.notna().sum().items() if k < 2]
    if empty:
        raise InputError(f"item(s) {', '.join(empty)} have fewer than 2 answers; drop them from "
                         "the model")
    constant = [str(c) for c, sd in items.std(ddof=0).items()
                if sd <= 1e-12 * max(1.0, items[c].abs().max())]
    if constant:
        raise InputError(f"item(s) {', '.join(constant)} are constant (variance 0); drop them "
                         "from the model")
    corr = items.corr().to_numpy() if missing == "fiml" else np.corrcoef(items.to_numpy(),
                                                                         rowvar=False)
    if not np.all(np.isfinite(corr)) or np.linalg.eigvalsh(corr)[0] < 1e-10:
        raise InputError("the items are linearly dependent (singular sample covariance matrix); "
                         "drop duplicated or sum-score items from the model")
    return items, int(drop.sum())


def semopy_syntax(spec: ModelSpec, pairs: tuple[tuple[str, str], ...],
                  alias: dict[str, str]) -> str:
    """semopy model text of the spec, in aliases (``v0, v1, ...``)."""
    lines = [f"{alias[c.name]} =~ " + " + ".join(alias[i] for i in c.items)
             for c in spec.constructs]
    lines += [f"{alias[t]} ~ " + " + ".join(alias[s] for s in spec.predecessors(t))
              for t in spec.endogenous]
    lines += [f"{alias[c.items[0]]} ~~ 0*{alias[c.items[0]]}"
              for c in spec.constructs if len(c.items) == 1]  # lavaan's auto.fix.single
    lines += [f"{alias[a]} ~~ {alias[b]}" for a, b in pairs]
    return "\n".join(lines)


def new_model(description: str, p: int) -> Any:
    """A compiled ``semopy.Model``; ModelError when it has more parameters than moments."""
    import semopy  # deferred: importing kamreport.satisfaction stays cheap
    model = semopy.Model(description)  # variances keep semopy's bound [0, inf)
    free = sum(parameter.active for parameter in model.parameters.values())
    if free > p * (p + 1) // 2:
        raise ModelError(f"{free} free parameters exceed the {p * (p + 1) // 2} (co)variances of "
                         f"the {p} items; drop paths or residual covariances, or add items")
    return model


@contextmanager
def one_blas_thread() -> Iterator[None]:
    """Run BLAS single-threaded: CB-SEM's matrices are small, and OpenBLAS threads on them cost
    more than they bring (ECSI/mobi: 5x slower with 2 threads on a busy 2-core machine)."""
    try:
        from threadpoolctl import threadpool_limits  # with scikit-learn (via pingouin)
    except ImportError:  # pragma: no cover - no control, numpy's default threads
        yield
        return
    with threadpool_limits(limits=1, user_api="blas"):
        yield


@contextmanager
def quiet() -> Iterator[None]:
    """Silence semopy's root-logger messages and scipy's warnings during one fit (restored)."""
    previous = logging.root.manager.disable
    logging.disable(logging.WARNING)
    try:
        with warnings.catch_warnings(action="ignore"):
            yield
    finally:
        logging.disable(previous)
