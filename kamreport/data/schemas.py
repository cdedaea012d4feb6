"""Declarations of what valid input looks like: the survey codebook and the pandera schemas.

The codebook (``codebook.yaml``) says which survey column measures which construct, on which
scale, which codes mean "missing", which items are reverse-coded, which columns hold Kano
question pairs, and the types of the remaining columns. ``survey_schema(codebook)`` turns it into
a pandera schema; ``TRANSACTIONS_SCHEMA`` declares the canonical transaction columns.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import pandas as pd
import pandera.pandas as pa
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from kamreport.yamlfile import read_mapping
from kamreport.errors import InputError, validation_message

ColumnType = Literal["str", "int", "float", "date"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Scale(_Strict):
    min: int
    max: int

    @model_validator(mode="after")
    def _ordered(self) -> "Scale":
        if self.max <= self.min:
            raise ValueError(f"scale max ({self.max}) must be greater than min ({self.min})")
        return self


class Labels(_Strict):
    zh: str
    en: str


class Item(_Strict):
    # "construct" in YAML; renamed here because pydantic's BaseModel has a .construct() method
    construct_name: str = Field(alias="construct")
    zh: str = ""
    en: str = ""
    reverse: bool = False


class KanoAttribute(_Strict):
    functional: str
    dysfunctional: str
    zh: str = ""
    en: str = ""


class KanoBlock(_Strict):
    scale: Scale = Scale(min=1, max=5)
    attributes: dict[str, KanoAttribute] = Field(default_factory=dict)


class Codebook(_Strict):
    """The survey codebook: items -> constructs, scale, missing codes, reverse coding, Kano pairs.

    Examples
    --------
    >>> cb = Codebook.model_validate({"respondent_id": "rid", "scale": {"min": 1, "max": 10},
    ...     "constructs": {"Sat": {"zh": "满意度", "en": "Satisfaction"}},
    ...     "items": {"S1": {"construct": "Sat"}, "S2": {"construct": "Sat"}}})
    >>> cb.construct_items()
    {'Sat': ('S1', 'S2')}
    """

    name: str = "survey"
    respondent_id: str = "respondent_id"
    scale: Scale
    missing_codes: tuple[int, ...] = ()
    constructs: dict[str, Labels]
    items: dict[str, Item]
    kano: KanoBlock = KanoBlock()
    columns: dict[str, ColumnType] = Field(default_factory=dict)
    source: str = Field(default="codebook", exclude=True)

    @model_validator(mode="after")
    def _consistent(self) -> "Codebook":
        for item, spec in self.items.items():
            if spec.construct_name not in self.constructs:
                raise ValueError(
                    f"item {item!r} names construct {spec.construct_name!r}, which is not under "
                    f"'constructs' (known: {', '.join(self.constructs)})"
                )
        empty = [c for c in self.constructs if not any(i.construct_name == c for i in self.items.values())]
        if empty:
            raise ValueError(f"construct(s) without items: {', '.join(empty)}; add items or remove them")
        return self

    @classmethod
    def from_file(cls, path: str | Path) -> "Codebook":
        """Read a codebook YAML file; any problem raises one-line :class:`InputError`."""
        path = Path(path)
        raw = read_mapping(path, what="codebook file", fix_missing="pass the path of codebook.yaml",
                           shape="scale and items, optionally constructs")
        try:
            return cls.model_validate({**raw, "source": str(path)})
        except ValidationError as exc:
            raise InputError(f"{path}: {validation_message(exc)}") from None

    def construct_items(self) -> dict[str, tuple[str, ...]]:
        """Construct name -> its items, in codebook order."""
        return {
            c: tuple(i for i, spec in self.items.items() if spec.construct_name == c) for c in self.constructs
        }

    @property
    def kano_columns(self) -> tuple[str, ...]:
        return tuple(
            col for a in self.kano.attributes.values() for col in (a.functional, a.dysfunctional)
        )

    def label(self, construct: str, language: str = "en") -> str:
        """The construct's name in ``language`` ("zh" or "en"); unknown constructs unchanged."""
        labels = self.constructs.get(construct)
        if labels is None:
            return construct
        return labels.zh if language == "zh" else labels.en

    def labels(self, language: str = "en") -> dict[str, str]:
        """Construct -> its name in ``language``, for charts and tables."""
        return {c: self.label(c, language) for c in self.constructs}

    def item_text(self, item: str, language: str = "en") -> str:
        """The question wording of ``item`` in ``language`` (the item name if none is given)."""
        spec = self.items.get(item)
        text = (spec.zh if language == "zh" else spec.en) if spec else ""
        return text or item


_DTYPE_CHECKS = {
    "str": pa.Column(nullable=True),
    "int": pa.Column("Int64", nullable=True, coerce=True),
    "float": pa.Column(float, nullable=True, coerce=True),
    "date": pa.Column("datetime64[ns]", nullable=True, coerce=True),
}


def survey_schema(codebook: Codebook) -> pa.DataFrameSchema:
    """A pandera schema for survey data described by ``codebook`` (after missing codes are NA).

    Items must be whole numbers within the scale; Kano answers within the Kano scale; the
    respondent id must be present and unique.
    """
    lo, hi = codebook.scale.min, codebook.scale.max
    columns: dict[str, pa.Column] = {
        codebook.respondent_id: pa.Column(nullable=False, unique=True),
    }
    for item in codebook.items:
        columns[item] = pa.Column(
            float,
            checks=[pa.Check.in_range(lo, hi), pa.Check(lambda s: (s.dropna() % 1 == 0), element_wise=False,
                                                        name="whole_number")],
            nullable=True,
            coerce=True,
        )
    klo, khi = codebook.kano.scale.min, codebook.kano.scale.max
    for col in codebook.kano_columns:
        columns[col] = pa.Column(float, checks=pa.Check.in_range(klo, khi), nullable=True, coerce=True)
    for col, kind in codebook.columns.items():
        if col not in columns:
            columns[col] = _DTYPE_CHECKS[kind]
    return pa.DataFrameSchema(columns, strict=False, name=codebook.name)


TRANSACTIONS_SCHEMA = pa.DataFrameSchema(
    {
        "customer_id": pa.Column(nullable=False),
        "date": pa.Column("datetime64[ns]", nullable=False, coerce=True),
        "amount": pa.Column(float, nullable=False, coerce=True, checks=pa.Check(
            lambda s: pd.Series(s).abs() < 1e12, name="finite_amount")),
    },
    strict=False,
    name="transactions",
)
