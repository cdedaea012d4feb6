"""Declarations of what valid input looks like: the survey codebook and the pandera schemas.

The codebook (``codebook.yaml``) says which survey column measures which construct, on which
scale, which codes mean "missing", which items are reverse-coded, which columns hold Kano
question pairs, and the types of the remaining columns. ``survey_schema(codebook)`` turns it into
a pandera schema; ``TRANSACTIONS_SCHEMA`` declares the canonical transaction columns.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import sys

import pandas as pd
from pydantic import Field, ValidationError, model_validator

from kamreport.data.blocks import (AnswersBlock, DeliveredValueBlock, Scale, ServqualBlock, _Strict,
                                   check_blocks)
from kamreport.yamlfile import read_mapping
from kamreport.errors import InputError, validation_message


def _import_pandera():
    """``pandera.pandas``, without pandera's import-time probe of ``pyspark.pandas``.

    Where pyspark is installed (our ``spark`` extra), importing pandera also imports
    ``pyspark.pandas`` (~0.4 s of every report) only so that pyspark can patch pandas for
    pandas-on-Spark type hints; we validate pandas frames only and never use pandas-on-Spark.
    The probe is told the module is absent for the duration of the import (it catches the
    ImportError), then the entry is removed, so a later ``import pyspark.pandas`` works.
    """
    if "pandera" in sys.modules or "pyspark.pandas" in sys.modules:
        import pandera.pandas as pa
        return pa
    sys.modules["pyspark.pandas"] = None  # type: ignore[assignment]
    try:
        import pandera.pandas as pa
    finally:
        if sys.modules.get("pyspark.pandas", 0) is None:
            del sys.modules["pyspark.pandas"]
    return pa


pa = _import_pandera()

ColumnType = Literal["str", "int", "float", "date"]


class Labels(_Strict):
    """A construct's name in each report language; an empty one falls back to the construct's key."""

    zh: str = ""
    en: str = ""


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

    The minimal codebook is ``scale`` and ``items: {ITEM: {construct: NAME}}``. Everything else is
    optional: ``constructs`` (labels; derived from the items, in order of first appearance, when
    absent), ``zh``/``en`` labels (each falls back on its own to the construct name or item code,
    or to the SPSS variable label of a ``.sav`` survey, see :meth:`with_sav_labels`),
    ``respondent_id`` (absent: the survey's ``respondent_id`` column if it has one, else the row
    number 1..n), ``missing_codes``, ``reverse``, Kano pairs, column types, ``values``:
    per column, value -> its English label, for English reports (:meth:`translate`), and the
    blocks ``servqual`` (dimension -> pairs of expectation / perception columns),
    ``delivered_value`` (value and cost components -> items) and ``answers`` (the referral,
    cross-buying and comment columns), read as plain mappings by :meth:`servqual_pairs`,
    :meth:`value_components`, :meth:`cost_components` and :meth:`answer_columns`.

    Examples
    --------
    >>> cb = Codebook.model_validate({"scale": {"min": 1, "max": 10},
    ...     "items": {"S1": {"construct": "Sat"}, "S2": {"construct": "Sat"}, "L1": {"construct": "Loy"}}})
    >>> cb.construct_items(), cb.labels("zh"), cb.respondent_id
    ({'Sat': ('S1', 'S2'), 'Loy': ('L1',)}, {'Sat': 'Sat', 'Loy': 'Loy'}, None)
    >>> cb = Codebook.model_validate({"respondent_id": "rid", "scale": {"min": 1, "max": 10},
    ...     "constructs": {"Sat": {"en": "Satisfaction"}},
    ...     "items": {"S1": {"construct": "Sat"}, "S2": {"construct": "Sat"}}})
    >>> cb.labels("en"), cb.labels("zh")
    ({'Sat': 'Satisfaction'}, {'Sat': 'Sat'})
    """

    name: str = "survey"
    respondent_id: str | None = None
    scale: Scale
    missing_codes: tuple[int, ...] = ()
    constructs: dict[str, Labels] = Field(default_factory=dict)
    items: dict[str, Item]
    kano: KanoBlock = KanoBlock()
    servqual: ServqualBlock | None = None
    delivered_value: DeliveredValueBlock | None = None
    answers: AnswersBlock = AnswersBlock()
    columns: dict[str, ColumnType] = Field(default_factory=dict)
    values: dict[str, dict[str, str]] = Field(default_factory=dict)
    value_labels: dict[str, dict[str, str]] = Field(default_factory=dict)
    source: str = Field(default="codebook", exclude=True)

    @model_validator(mode="before")
    @classmethod
    def _derive(cls, raw):
        """Constructs from the items when the codebook lists none; value keys as text (YAML 1: x)."""
        if not isinstance(raw, dict):
            return raw
        raw = dict(raw)
        items = raw.get("items")
        if raw.get("constructs") is None and isinstance(items, dict):
            names = [spec.get("construct") for spec in items.values() if isinstance(spec, dict)]
            raw["constructs"] = {n: {} for n in dict.fromkeys(names) if isinstance(n, str)}
        for key in ("values", "value_labels"):
            table = raw.get(key)
            if isinstance(table, dict):
                raw[key] = {str(col): _value_table(m) for col, m in table.items()}
        return raw

    @model_validator(mode="after")
    def _consistent(self) -> "Codebook":
        if not self.items:
            raise ValueError("the codebook lists no items; add items: {ITEM: {construct: NAME}}")
        for item, spec in self.items.items():
            if spec.construct_name not in self.constructs:
                raise ValueError(
                    f"item {item!r} names construct {spec.construct_name!r}, which is not under "
                    f"'constructs' (known: {', '.join(self.constructs)})"
                )
        empty = [c for c in self.constructs if not any(i.construct_name == c for i in self.items.values())]
        if empty:
            raise ValueError(f"construct(s) without items: {', '.join(empty)}; add items or remove them")
        check_blocks(self)
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

    @property
    def id_column(self) -> str:
        """The survey column that holds (or will hold) the respondent id."""
        return self.respondent_id or "respondent_id"

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

    def servqual_pairs(self) -> dict[str, list[tuple[str, str]]]:
        """SERVQUAL dimension -> its (expectation, perception) column pairs; empty without the block.

        Examples
        --------
        >>> cb = Codebook.model_validate({"scale": {"min": 1, "max": 7}, "items": {"Q1": {"construct": "S"}},
        ...     "servqual": {"dimensions": {"reliability": {"pairs": {"R1": {"expectation": "E1",
        ...                                                                "perception": "P1"}}}}}})
        >>> cb.servqual_pairs(), cb.servqual_labels("en")
        ({'reliability': [('E1', 'P1')]}, {'reliability': 'reliability'})
        """
        if self.servqual is None:
            return {}
        return {dim: [(p.expectation, p.perception) for p in spec.pairs.values()]
                for dim, spec in self.servqual.dimensions.items()}

    def servqual_labels(self, language: str = "en") -> dict[str, str]:
        """SERVQUAL dimension -> its name in ``language`` (the key when none is given)."""
        if self.servqual is None:
            return {}
        return {dim: (spec.zh if language == "zh" else spec.en) or dim
                for dim, spec in self.servqual.dimensions.items()}

    def servqual_pair_labels(self, language: str = "en") -> dict[str, str]:
        """SERVQUAL pair key -> its wording in ``language`` (the key when none is given)."""
        if self.servqual is None:
            return {}
        return {key: (p.zh if language == "zh" else p.en) or key
                for spec in self.servqual.dimensions.values() for key, p in spec.pairs.items()}

    def value_components(self) -> dict[str, list[str]]:
        """Delivered-value *value* component -> its items (product, service, personnel, image)."""
        return {} if self.delivered_value is None else {c: list(i) for c, i in self.delivered_value.value.items()}

    def cost_components(self) -> dict[str, list[str]]:
        """Delivered-value *cost* component -> its items (monetary, time, energy, psychic).

        Examples
        --------
        >>> cb = Codebook.model_validate({"scale": {"min": 1, "max": 7}, "items": {"Q1": {"construct": "S"}},
        ...     "delivered_value": {"value": {"product": ["V1"]}, "cost": {"time": ["C1", "C2"]}},
        ...     "answers": {"referral": "refs"}})
        >>> cb.value_components(), cb.cost_components(), cb.answer_columns()
        ({'product': ['V1']}, {'time': ['C1', 'C2']}, {'referral': 'refs'})
        """
        return {} if self.delivered_value is None else {c: list(i) for c, i in self.delivered_value.cost.items()}

    def answer_columns(self) -> dict[str, str]:
        """Role (referral, cross_buying, comment) -> survey column, for the roles declared."""
        return {role: col for role, col in self.answers.model_dump().items() if col}

    @property
    def block_columns(self) -> dict[str, tuple[str, int, int]]:
        """Every SERVQUAL and delivered-value column -> (where it is declared, scale min, scale max)."""
        out: dict[str, tuple[str, int, int]] = {}
        if self.servqual is not None:
            lo, hi = self.servqual.scale.min, self.servqual.scale.max
            for dim, spec in self.servqual.dimensions.items():
                for key, p in spec.pairs.items():
                    out |= {p.expectation: (f"servqual.{dim}.{key}", lo, hi),
                            p.perception: (f"servqual.{dim}.{key}", lo, hi)}
        if self.delivered_value is not None:
            lo, hi = self.delivered_value.scale.min, self.delivered_value.scale.max
            for side in ("value", "cost"):
                for comp, items in getattr(self.delivered_value, side).items():
                    out |= {i: (f"delivered_value.{side}.{comp}", lo, hi) for i in items}
        return out

    def label(self, construct: str, language: str = "en") -> str:
        """The construct's name in ``language`` ("zh" or "en"); its key when none is given."""
        labels = self.constructs.get(construct)
        if labels is None:
            return construct
        return (labels.zh if language == "zh" else labels.en) or construct

    def labels(self, language: str = "en") -> dict[str, str]:
        """Construct -> its name in ``language``, for charts and tables."""
        return {c: self.label(c, language) for c in self.constructs}

    def item_text(self, item: str, language: str = "en") -> str:
        """The question wording of ``item`` in ``language`` (the item name if none is given)."""
        spec = self.items.get(item)
        text = (spec.zh if language == "zh" else spec.en) if spec else ""
        return text or item

    def with_sav_labels(self, meta) -> "Codebook":
        """This codebook with an SPSS file's labels as defaults: variable labels become item texts
        (both languages) where the codebook gives none, value labels become ``value_labels``
        of the columns the codebook has none for.

        Parameters
        ----------
        meta : pyreadstat's metadata (``read_sav(...)[1]``) or the ``sav_labels`` that
            :func:`~kamreport.data.read_survey` leaves in ``frame.attrs`` for a ``.sav`` survey:
            anything with ``column_names_to_labels`` and ``variable_value_labels``

        Examples
        --------
        >>> cb = Codebook.model_validate({"scale": {"min": 1, "max": 5}, "items": {"Q1": {"construct": "S"}}})
        >>> meta = {"column_names_to_labels": {"Q1": "Overall satisfaction"},
        ...         "variable_value_labels": {"region": {1.0: "North", 2.0: "South"}}}
        >>> sav = cb.with_sav_labels(meta)
        >>> sav.item_text("Q1", "en"), sav.translate("region", pd.Series([2, 1, 3]), "zh").tolist()
        ('Overall satisfaction', ['South', 'North', 3])
        """
        get = meta.get if isinstance(meta, dict) else lambda key: getattr(meta, key, None)
        texts = {k: v for k, v in (get("column_names_to_labels") or {}).items() if v}
        items = {
            code: spec.model_copy(update={"zh": spec.zh or texts.get(code, ""),
                                          "en": spec.en or texts.get(code, "")})
            for code, spec in self.items.items()
        }
        found = {str(col): {_value_key(k): str(v) for k, v in labels.items()}
                 for col, labels in (get("variable_value_labels") or {}).items() if labels}
        return self.model_copy(update={"items": items, "value_labels": found | dict(self.value_labels)})

    def translate(self, column: str, values: pd.Series, language: str = "en") -> pd.Series:
        """``values`` of survey/account column ``column`` as a report in ``language`` shows them.

        Coded values get their ``value_labels`` (SPSS value labels) in every language; English
        reports then apply the codebook's ``values`` translations. Values without an entry are
        unchanged; a Chinese report shows the data as it is (apart from the code labels).

        Examples
        --------
        >>> cb = Codebook.model_validate({"scale": {"min": 1, "max": 5}, "items": {"Q1": {"construct": "S"}},
        ...                               "values": {"region": {"华东": "East China"}}})
        >>> cb.translate("region", pd.Series(["华东", "华南"]), "en").tolist()
        ['East China', '华南']
        >>> cb.translate("region", pd.Series(["华东", "华南"]), "zh").tolist()
        ['华东', '华南']
        """
        mapping = dict(self.value_labels.get(column, {}))
        if language != "zh":
            english = self.values.get(column, {})
            mapping = {k: english.get(v, v) for k, v in mapping.items()} | english
        if not mapping:
            return values
        keys = values.map(_value_key, na_action="ignore")
        translated = keys.map(mapping)
        return translated.where(translated.notna(), values).rename(values.name)


def _value_table(mapping):
    """A ``values`` entry with text keys and labels (anything else is left for pydantic to refuse)."""
    return {_value_key(k): str(v) for k, v in mapping.items()} if isinstance(mapping, dict) else mapping


def _value_key(value) -> str:
    """A value as a lookup key: whole numbers without ``.0`` (SPSS codes are floats)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


_DTYPE_CHECKS = {
    "str": pa.Column(nullable=True),
    "int": pa.Column("Int64", nullable=True, coerce=True),
    "float": pa.Column(float, nullable=True, coerce=True),
    "date": pa.Column("datetime64[ns]", nullable=True, coerce=True),
}


def _whole() -> pa.Check:
    return pa.Check(lambda s: (s.dropna() % 1 == 0), element_wise=False, name="whole_number")


def survey_schema(codebook: Codebook) -> pa.DataFrameSchema:
    """A pandera schema for survey data described by ``codebook`` (after missing codes are NA).

    Items must be whole numbers within the scale; Kano answers within the Kano scale; the
    respondent id must be present and unique.
    """
    lo, hi = codebook.scale.min, codebook.scale.max
    columns: dict[str, pa.Column] = {
        codebook.id_column: pa.Column(nullable=False, unique=True),
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
    for col, (_, blo, bhi) in codebook.block_columns.items():
        columns[col] = pa.Column(float, checks=[pa.Check.in_range(blo, bhi), _whole()], nullable=True, coerce=True)
    for role in ("referral", "cross_buying"):
        col = codebook.answer_columns().get(role)
        if col and col not in columns:
            low = pa.Check.ge(0) if role == "referral" else pa.Check.ge(1)
            columns[col] = pa.Column(float, checks=[low, _whole()], nullable=True, coerce=True)
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
