"""The parameter set of one report run: what a ``params/*.yaml`` file holds.

Relative paths in a parameter file are resolved against the file's own folder, so a run gives
the same result from any working directory (cron). Unknown keys and wrong types are errors that
name the key and the file.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from kamreport.errors import InputError, validation_message
from kamreport.yamlfile import read_mapping
from kamreport.satisfaction.presets import PRESETS
from kamreport.value.tiers import DEFAULT_TIERS, check_tiers

PresetName = Literal[tuple(PRESETS)]
Scalar = str | int | float | bool  # type: ignore[valid-type]  # the registry's names



@dataclass(frozen=True)
class Notebook:
    """One report notebook (``notebooks/<name>.ipynb``) and the data sources it reads."""

    name: str
    needs: tuple[Literal["survey", "transactions"], ...]
    uses: tuple[Literal["complaints"], ...] = ()   # optional sources read when the set names them


#: THE list of report notebooks: adding one is one line here (plus its .ipynb file).
NOTEBOOKS: dict[str, Notebook] = {nb.name: nb for nb in (
    Notebook("01_satisfaction", needs=("survey",)),
    Notebook("02_customer_value", needs=("transactions",)),
    Notebook("03_account_review", needs=("survey", "transactions"), uses=("complaints",)),
)}
NotebookName = Literal[tuple(NOTEBOOKS)]  # type: ignore[valid-type]  # the registry's names


def _slug(value: object) -> str:
    """A file-name-safe rendering of a matrix value (letters of any script, digits, - and _)."""
    import re

    return re.sub(r"[^\w-]+", "_", str(value)).strip("_") or "_"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TransactionsSource(_Strict):
    """Where the orders are and which columns hold customer, date and amount."""

    path: str
    customer: str = "customer_id"
    date: str = "date"
    amount: str = "amount"
    order_id: str | None = None          # with it, exact duplicate order rows are dropped
    date_format: str | None = None       # e.g. "%d/%m/%Y" when dates are not ISO (2024-03-31)
    table: str | None = None
    # optional order-line columns of the account review's profitability and cross-buying parts
    margin: str | None = None            # gross margin amount of the line (money, like amount)
    cost_to_serve: str | None = None     # cost to serve the line (money): profit = margin - cost_to_serve
    product_line: str | None = None      # product line / category: cross-buying and its rules
    # where customer_summary runs: duckdb (in process) or spark (only per-customer rows come back)
    engine: Literal["duckdb", "spark"] = "duckdb"
    spark: "SparkOptions | None" = None  # with engine spark; default master local[*]

    @model_validator(mode="after")
    def _spark_only_with_spark(self) -> "TransactionsSource":
        if self.spark is not None and self.engine != "spark":
            raise ValueError("data.transactions.spark is given but engine is not spark; add engine: spark")
        return self


class SparkOptions(_Strict):
    """The Spark session of ``engine: spark``: ``local[*]``, ``spark://host:7077``, ``yarn`` or
    ``sc://host:15002`` (Spark Connect), and ``spark.*`` settings (never written to a report)."""

    master: str = "local[*]"
    conf: dict[str, str | int | float | bool] = Field(default_factory=dict)


TransactionsSource.model_rebuild()


class ComplaintsSource(_Strict):
    """The complaint log (optional): one row per complaint, linked to an account.

    Only ``account`` and ``date`` are required in the file; without ``category`` there are no
    root-cause shares, without ``severity`` no share of critical complaints.
    """

    path: str
    account: str = "account_id"          # the account column (same ids as data.account_key)
    date: str = "date"
    category: str | None = "category"    # root cause / complaint category
    severity: str | None = "severity"    # 1 minor, 2 major, 3 critical
    resolved_days: str | None = None     # days to resolution (blank = still open)
    date_format: str | None = None
    table: str | None = None


class DataSources(_Strict):
    survey: str | None = None
    codebook: str | None = None
    transactions: TransactionsSource | None = None
    accounts: str | None = None
    complaints: ComplaintsSource | None = None   # the complaint log (account review KPIs)
    account_key: str = "account_id"     # the column linking survey, accounts and transactions
    account_name: str = "account_name"  # the accounts' name column, where there is one
    personal_columns: tuple[str, ...] = ()   # other names of people/firms, pseudonymized too
    weight: str | None = None           # survey weight column: weighted PLS and indices
    survey_table: str | None = None

    @model_validator(mode="after")
    def _survey_needs_codebook(self) -> "DataSources":
        if self.survey and not self.codebook:
            raise ValueError("a survey needs its codebook: add data.codebook")
        return self


class ModelOptions(_Strict):
    """How the satisfaction model is estimated (see kamreport.satisfaction.analysis)."""

    preset: PresetName = "ecsi"
    spec: str | None = None              # lavaan-style text; overrides the preset when given
    weighting: Literal["path", "factorial", "centroid"] = "path"
    bootstrap: int = Field(default=1000, le=100_000)   # 0 = none, else at least 100 (see below)
    target: str = "Satisfaction"
    cbsem: bool = True                   # also fit the covariance-based model and show its fit
    cbsem_estimator: Literal["ML", "MLR"] = "MLR"   # MLR: robust to non-normal (Likert) answers
    compare: bool = True                 # invariance and multi-group paths across wave and segment
    permutations: int = Field(default=1000, ge=100, le=100_000)   # for the multi-group test

    @field_validator("bootstrap")
    @classmethod
    def _enough_resamples(cls, value: int) -> int:
        if value != 0 and value < 100:
            raise ValueError("use 0 (no bootstrap) or at least 100 resamples; 1000+ for reports")
        return value


class ValueOptions(_Strict):
    observation_end: date | None = None
    holdout_end: date | None = None
    freq: Literal["D", "W", "M"] = "W"
    clv_months: int = Field(default=12, ge=1, le=120)
    discount_rate: float = Field(default=0.01, ge=0, lt=1)   # monthly
    margin: float = Field(default=1.0, gt=0, le=1)


class ReviewOptions(_Strict):
    """The account review (notebook 03): which constructs, criteria and rules it uses."""

    satisfaction: str = "Satisfaction"            # construct read as the account's satisfaction
    loyalty: str = "Loyalty"                      # construct read as attitudinal loyalty
    key_weights: dict[str, float] = Field(default_factory=dict)    # account-master column -> weight
    key_directions: dict[str, Literal["higher", "lower"]] = Field(default_factory=dict)
    top_n: int = Field(default=10, ge=1)
    margin_column: str | None = None              # numeric margin measure in the account master
    margin_cuts: tuple[float, float] | None = None   # medium from, high from
    window: str = "90D"                           # lifecycle window
    cards: int = Field(default=12, ge=0)          # account cards shown (VIP and key accounts)
    # satisfaction x loyalty typology (Jones & Sasser 1995), on the 0-100 construct scores
    typology_satisfaction_cut: float = Field(default=70.0, ge=0, le=100)   # satisfied from
    typology_loyalty_cut: float = Field(default=70.0, ge=0, le=100)        # loyal from
    apostle_cut: float = Field(default=90.0, ge=0, le=100)      # apostle: both at least this
    terrorist_cut: float = Field(default=30.0, ge=0, le=100)    # terrorist: both below this
    trap_alive_cut: float = Field(default=0.5, gt=0, lt=1)      # P(alive) below it = defecting
    satisfaction_bands: tuple[float, ...] = (30.0, 50.0, 70.0, 90.0)   # band edges of the curve
    # profitability: without data.transactions.margin, margin = amount x margin_rate
    margin_rate: float | None = Field(default=None, gt=0, lt=1)
    break_even_margins: tuple[float, ...] = (0.10, 0.20, 0.30, 0.40)
    break_even_discounts: tuple[float, ...] = (0.02, 0.05, 0.10, 0.15)
    # retention and complaint KPIs: the period compared with the one before
    kpi_freq: Literal["M", "Q", "Y"] = "Q"
    kpi_complete_only: bool = True                # compare only periods that have ended
    rules_min_support: float = Field(default=0.05, gt=0, le=1)     # product-line association rules
    rules_min_confidence: float = Field(default=0.3, gt=0, le=1)
    rules_min_lift: float = Field(default=1.0, ge=0)
    rules_max_len: int | None = Field(default=2, ge=2)   # lines per rule: 2 = "buys A -> buys B"
    rules_shown: int = Field(default=10, ge=0)
    comments_shown: int = Field(default=10, ge=0)   # most negative comments of the top tiers
    comment_tiers: int = Field(default=2, ge=1)     # how many top tiers (VIP, Key) they come from

    @field_validator("key_weights")
    @classmethod
    def _weights_sum_to_one(cls, weights: dict[str, float]) -> dict[str, float]:
        if weights and abs(sum(weights.values()) - 1) > 1e-9:
            raise ValueError(f"key-account weights must sum to 1 (they sum to {sum(weights.values()):.6g}); "
                             "fix review.key_weights")
        return weights

    def typology_cuts(self):
        """The typology's cut points as :class:`kamreport.value.typology.TypologyCuts`."""
        from kamreport.value.typology import TypologyCuts

        return TypologyCuts(satisfaction=self.typology_satisfaction_cut, loyalty=self.typology_loyalty_cut,
                            apostle_satisfaction=self.apostle_cut, apostle_loyalty=self.apostle_cut,
                            terrorist_satisfaction=self.terrorist_cut, terrorist_loyalty=self.terrorist_cut)

    @field_validator("satisfaction_bands")
    @classmethod
    def _bands_increase(cls, bands: tuple[float, ...]) -> tuple[float, ...]:
        if not bands or any(b <= a for a, b in zip(bands, bands[1:])) or not 0 < bands[0] or bands[-1] >= 100:
            raise ValueError("review.satisfaction_bands must be increasing cut points between 0 and 100, "
                             "e.g. [30, 50, 70, 90]")
        return bands

    @model_validator(mode="after")
    def _cuts_are_ordered(self) -> "ReviewOptions":
        low = min(self.typology_satisfaction_cut, self.typology_loyalty_cut)
        high = max(self.typology_satisfaction_cut, self.typology_loyalty_cut)
        if not self.terrorist_cut < low or not high <= self.apostle_cut:
            raise ValueError("review cuts must satisfy terrorist_cut < typology_*_cut <= apostle_cut "
                             f"(they are {self.terrorist_cut:g}, {self.typology_satisfaction_cut:g}/"
                             f"{self.typology_loyalty_cut:g}, {self.apostle_cut:g})")
        return self


class OutputOptions(_Strict):
    formats: tuple[Literal["html", "pdf", "xlsx"], ...] = ("html",)
    dir: str = "reports"


class Params(_Strict):
    """One report run.

    Examples
    --------
    >>> p = Params.model_validate({"title": "Q3", "language": "en",
    ...                            "data": {"survey": "s.csv", "codebook": "cb.yaml"}})
    >>> p.notebooks
    ('01_satisfaction',)
    """

    title: str
    subtitle: str = ""
    language: Literal["zh", "en"] = "zh"
    currency: str = Field(default="CNY", pattern=r"^[A-Z]{3}$")   # ISO 4217: every money label
    company: str = ""
    notebooks: tuple[NotebookName, ...] = ("01_satisfaction",)
    data: DataSources = DataSources()
    segment: str | None = None
    wave: str | None = None
    model: ModelOptions = ModelOptions()
    value: ValueOptions = ValueOptions()
    review: ReviewOptions = ReviewOptions()
    tiers: dict[str, float] = Field(default_factory=lambda: dict(DEFAULT_TIERS))
    output: OutputOptions = OutputOptions()
    seed: int = 2026
    # a subset: every notebook sees only the rows whose column holds the value (or one of the
    # values); survey, accounts and, through the account key, transactions
    filter: dict[str, Scalar | list[Scalar]] = Field(default_factory=dict)
    # one report per value: {region: [华东, 华北]} expands into one parameter set per region
    matrix: dict[str, list[Scalar]] = Field(default_factory=dict)
    # stable keyed pseudonyms (HMAC-SHA256, key from $KAMREPORT_PSEUDONYM_KEY) for account ids,
    # account names and respondent ids in every output
    pseudonymize: bool = False
    source: str = Field(default="(inline)", exclude=True)
    base_dir: str = Field(default=".", exclude=True)
    variant: str = Field(default="", exclude=True)   # set by expand(): the matrix values

    @field_validator("tiers")
    @classmethod
    def _tiers_are_shares(cls, tiers: dict[str, float]) -> dict[str, float]:
        try:
            return check_tiers(tiers)
        except InputError as exc:  # pydantic reports a ValueError with the key that holds it
            raise ValueError(str(exc)) from None

    @field_validator("matrix")
    @classmethod
    def _matrix_lists_values(cls, matrix: dict[str, list]) -> dict[str, list]:
        for column, values in matrix.items():
            if not values or len(set(map(str, values))) != len(values):
                raise ValueError(f"matrix column {column!r} needs a list of distinct values")
        return matrix

    @model_validator(mode="after")
    def _notebooks_have_their_data(self) -> "Params":
        for name in self.notebooks:
            for source in NOTEBOOKS[name].needs:
                if not getattr(self.data, source):
                    extra = " (and data.codebook)" if source == "survey" else ""
                    raise ValueError(f"notebook {name} needs data.{source}{extra}")
        if not self.notebooks:
            raise ValueError("notebooks is empty: list at least one of " + ", ".join(NOTEBOOKS))
        return self

    @classmethod
    def from_file(cls, path: str | Path) -> "Params":
        """Read and validate a parameter file; problems raise one-line :class:`InputError`."""
        path = Path(path)
        raw = read_mapping(path, what="parameter file", fix_missing="check the path",
                           shape="key: value lines")
        try:
            return cls.model_validate({**raw, "source": str(path), "base_dir": str(path.resolve().parent)})
        except ValidationError as exc:
            raise InputError(f"{path}: {validation_message(exc)}") from None

    def resolve(self, relative: str | None) -> str | None:
        """A data path from this file, made absolute against the file's folder (URLs unchanged)."""
        if relative is None or "://" in relative:
            return relative
        p = Path(relative).expanduser()
        return str(p if p.is_absolute() else (Path(self.base_dir) / p).resolve())

    def sources(self) -> dict[str, str]:
        """The data sources this set names, by role (survey, transactions, accounts), as given."""
        d = self.data
        found = {"survey": d.survey, "transactions": d.transactions.path if d.transactions else None,
                 "accounts": d.accounts, "complaints": d.complaints.path if d.complaints else None}
        return {role: where for role, where in found.items() if where}

    @property
    def name(self) -> str:
        """The report set's name: the file name without extension (+ its matrix values)."""
        stem = Path(self.source).stem if self.source != "(inline)" else "report"
        return f"{stem}-{self.variant}" if self.variant else stem

    def expand(self) -> list["Params"]:
        """One parameter set per combination of the ``matrix`` values (itself when none).

        Each gets ``filter`` extended by its values and a name that follows them.

        Examples
        --------
        >>> p = Params.model_validate({"title": "Review", "data": {"survey": "s.csv", "codebook": "c.yaml"},
        ...                            "matrix": {"region": ["华东", "West"]}, "source": "review.yaml"})
        >>> [(q.name, q.filter) for q in p.expand()]
        [('review-华东', {'region': '华东'}), ('review-West', {'region': 'West'})]
        """
        if not self.matrix:
            return [self]
        import itertools

        columns = list(self.matrix)
        out = []
        for values in itertools.product(*(self.matrix[c] for c in columns)):
            variant = "-".join(_slug(v) for v in values)
            out.append(self.model_copy(update={"filter": {**self.filter, **dict(zip(columns, values))},
                                               "matrix": {}, "variant": variant}))
        return out
