"""The optional survey blocks of the codebook: SERVQUAL pairs, delivered-value items, answer roles.

Declared in ``codebook.yaml`` next to the items (see :class:`~kamreport.data.schemas.Codebook`);
:func:`check_blocks` refuses a column with two roles or a pair of one column, in one line.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator


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


class ServqualPair(_Strict):
    expectation: str
    perception: str
    zh: str = ""
    en: str = ""


class ServqualDimension(_Strict):
    zh: str = ""
    en: str = ""
    pairs: dict[str, ServqualPair]


class ServqualBlock(_Strict):
    """SERVQUAL expectation / perception pairs per dimension (Parasuraman, Zeithaml & Berry 1988)."""

    scale: Scale = Scale(min=1, max=7)
    dimensions: dict[str, ServqualDimension]


class DeliveredValueBlock(_Strict):
    """Customer delivered value items (Kotler): value and cost components -> their items."""

    scale: Scale = Scale(min=1, max=7)
    value: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    cost: dict[str, tuple[str, ...]] = Field(default_factory=dict)


class AnswersBlock(_Strict):
    """Survey columns with a role: referrals (count >= 0), cross-buying intention, free-text comment."""

    referral: str | None = None
    cross_buying: str | None = None
    comment: str | None = None


def check_blocks(codebook) -> None:
    """SERVQUAL pairs of two distinct columns, no column in two places, components with items."""
    seen: dict[str, str] = {item: f"items.{item}" for item in codebook.items}
    seen |= {col: "kano" for col in codebook.kano_columns}

    def claim(column: str, where: str) -> None:
        if column in seen:
            raise ValueError(f"column {column!r} is used in {seen[column]} and in {where}; "
                             "give each survey column one role")
        seen[column] = where

    if codebook.servqual is not None:
        if not codebook.servqual.dimensions:
            raise ValueError("servqual lists no dimensions; add servqual.dimensions or remove servqual")
        for dim, spec in codebook.servqual.dimensions.items():
            if not spec.pairs:
                raise ValueError(f"servqual dimension {dim!r} has no pairs; add pairs or remove it")
            for key, pair in spec.pairs.items():
                if pair.expectation == pair.perception:
                    raise ValueError(f"servqual pair {dim}.{key} names {pair.expectation!r} as both "
                                     "expectation and perception; give two different columns")
                claim(pair.expectation, f"servqual.{dim}.{key}")
                claim(pair.perception, f"servqual.{dim}.{key}")
    if codebook.delivered_value is not None:
        block = codebook.delivered_value
        if not block.value or not block.cost:
            raise ValueError("delivered_value needs both value and cost components; add the missing side")
        for side, components in (("value", block.value), ("cost", block.cost)):
            for comp, items in components.items():
                if not items:
                    raise ValueError(f"delivered_value.{side}.{comp} lists no items; add items or remove it")
                for item in items:
                    claim(item, f"delivered_value.{side}.{comp}")
    for role, column in codebook.answer_columns().items():
        claim(column, f"answers.{role}")
