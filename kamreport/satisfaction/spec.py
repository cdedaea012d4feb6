"""Model specification: lavaan-style text -> constructs, items, modes and structural paths.

A model is data: :class:`ModelSpec` is a frozen dataclass that both estimators (PLS-SEM in
:mod:`kamreport.satisfaction.pls`, CB-SEM in :mod:`kamreport.satisfaction.cbsem`) read. The text
syntax is the subset of lavaan (Rosseel 2012) that PLS-SEM and CB-SEM share:

``Name =~ item + item``   reflective construct (PLS mode A)
``Name <~ item + item``   composite / formative construct (PLS mode B)
``Target ~ Source + Source``  structural paths Source -> Target
``# ...``                 comment to the end of the line; ``;`` separates statements on one line

A statement continues on the next line when a line ends with ``+`` or the next line starts with
``+``. A construct may be declared in several ``=~`` statements (its items are appended, as in
lavaan). Rules, each a :class:`~kamreport.errors.ModelError` naming the line:
unparseable statement, construct without items, item in two constructs (or twice in one), a
construct declared with both ``=~`` and ``<~``, an item that is also a construct name (higher-order
models are not supported), a path to or from an undeclared construct, a self-loop, a path declared
twice, a cycle (named), and a construct in no structural path of a model that has paths. The
last is an error on purpose: PLS inner weights are undefined for an isolated construct, and in a
satisfaction model it is almost always a typo. A spec with no path at all is a measurement model
(a CFA, all constructs correlated) for CB-SEM.

The published index models (:func:`~kamreport.satisfaction.presets.acsi`, ``ecsi``, ``ccsi``)
are built from this module in :mod:`kamreport.satisfaction.presets`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from kamreport.errors import ModelError

Mode = Literal["A", "B"]

_NAME = re.compile(r"^[^\W\d][\w.]*$")
_STATEMENT = re.compile(r"^\s*(?P<lhs>\S.*?)\s*(?P<op>=~|<~|~~|~)\s*(?P<rhs>.*?)\s*$")
_SYNTAX_HINT = "write 'Name =~ item + item', 'Name <~ item + item' or 'Target ~ Source + Source'"


@dataclass(frozen=True)
class Construct:
    """One construct (latent variable) and its measurement block.

    Parameters
    ----------
    name : construct name, e.g. ``"Satisfaction"``.
    items : item (indicator) column names, in order.
    mode : ``"A"`` reflective (``=~``, correlation weights) or ``"B"`` composite / formative
        (``<~``, regression weights).
    """

    name: str
    items: tuple[str, ...]
    mode: Mode = "A"

    def __post_init__(self) -> None:
        object.__setattr__(self, "items", tuple(self.items))
        if self.mode not in ("A", "B"):
            raise ModelError(f"construct {self.name!r}: mode {self.mode!r} is not 'A' or 'B'")
        if not self.items:
            raise ModelError(f"construct {self.name!r} has no items; give it at least one item")
        dup = [item for item in self.items if self.items.count(item) > 1]
        if dup:
            raise ModelError(f"construct {self.name!r} lists item {dup[0]!r} twice; list it once")

    @property
    def operator(self) -> str:
        """The lavaan operator of the block: ``=~`` (mode A) or ``<~`` (mode B)."""
        return "=~" if self.mode == "A" else "<~"


@dataclass(frozen=True)
class ModelSpec:
    """A structural equation model: constructs with their items, and directed paths.

    Parameters
    ----------
    constructs : the measurement blocks, in order of first appearance.
    paths : ``(source, target)`` pairs, in text order.

    Examples
    --------
    >>> spec = ModelSpec.from_text('''
    ...     Image        =~ IMAG1 + IMAG2
    ...     Satisfaction =~ CUSA1 + CUSA2
    ...     Satisfaction ~ Image
    ... ''')
    >>> spec.names, spec.exogenous, spec.endogenous
    (('Image', 'Satisfaction'), ('Image',), ('Satisfaction',))
    >>> ModelSpec.from_text(spec.to_text()) == spec
    True
    """

    constructs: tuple[Construct, ...]
    paths: tuple[tuple[str, str], ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "constructs", tuple(self.constructs))
        object.__setattr__(self, "paths", tuple((str(s), str(t)) for s, t in self.paths))
        _check(self.constructs, self.paths, None)

    # -- construction -----------------------------------------------------------------------
    @classmethod
    def from_text(cls, text: str) -> ModelSpec:
        """Parse lavaan-style model text (see the module docstring for the syntax and rules)."""
        order: dict[str, None] = {}  # construct names in order of first appearance
        blocks: dict[str, list[str]] = {}
        modes: dict[str, tuple[Mode, int]] = {}  # name -> (mode, line of first declaration)
        owner: dict[str, str] = {}  # item -> construct
        paths: list[tuple[str, str]] = []
        lines: dict[tuple[str, ...], int] = {}  # ("c", name) / ("i", item) / ("p", s, t) -> line
        for lineno, statement in _statements(text):
            where = f"model line {lineno}:"
            match = _STATEMENT.match(statement)
            if match is None:
                raise ModelError(f"{where} cannot parse {statement!r}; {_SYNTAX_HINT}")
            lhs, op, rhs = match["lhs"], match["op"], match["rhs"]
            if op == "~~":
                raise ModelError(f"{where} covariances ('~~') are not supported in {statement!r}; "
                                 "remove the line (construct correlations follow from the paths)")
            if not _NAME.match(lhs):
                raise ModelError(f"{where} {lhs!r} left of {op!r} is not one name; {_SYNTAX_HINT}")
            terms = _terms(rhs, where, statement, op)
            if op == "~":
                for source in terms:
                    paths.append((source, lhs))
                    lines[("p", source, lhs)] = lineno  # the last declaration, for "twice"
                    order.setdefault(lhs)
                    order.setdefault(source)
                continue
            mode: Mode = "A" if op == "=~" else "B"
            first_mode, first_line = modes.setdefault(lhs, (mode, lineno))
            if first_mode != mode:
                raise ModelError(f"{where} construct {lhs!r} is declared with both '=~' and '<~' "
                                 f"(line {first_line}); choose one operator")
            lines.setdefault(("c", lhs), lineno)
            order.setdefault(lhs)
            for item in terms:
                if owner.get(item) == lhs:
                    raise ModelError(f"{where} item {item!r} is listed twice for construct "
                                     f"{lhs!r}; list it once")
                if item in owner:
                    raise ModelError(f"{where} item {item!r} is already an item of {owner[item]!r} "
                                     f"(line {lines[('i', item)]}); an item measures one construct")
                owner[item] = lhs
                lines[("i", item)] = lineno
                blocks.setdefault(lhs, []).append(item)
        if not blocks:
            raise ModelError(f"model text declares no construct; {_SYNTAX_HINT}")
        constructs = tuple(Construct(n, tuple(blocks[n]), modes[n][0])
                           for n in order if n in blocks)
        _check(constructs, tuple(paths), lines)
        return cls(constructs, tuple(paths))

    def to_text(self) -> str:
        """lavaan-style text that :meth:`from_text` parses back to an equal spec."""
        width = max(len(n) for n in self.names)
        out = [f"{c.name:<{width}} {c.operator} {' + '.join(c.items)}" for c in self.constructs]
        run: list[str] = []
        for i, (source, target) in enumerate(self.paths):
            run.append(source)
            nxt = self.paths[i + 1][1] if i + 1 < len(self.paths) else None
            if nxt != target:
                out.append(f"{target:<{width}} ~  {' + '.join(run)}")
                run = []
        return "\n".join(out) + "\n"

    # -- queries ----------------------------------------------------------------------------
    @property
    def names(self) -> tuple[str, ...]:
        """Construct names in order of first appearance."""
        return tuple(c.name for c in self.constructs)

    @property
    def items(self) -> tuple[str, ...]:
        """All item names, construct by construct."""
        return tuple(item for c in self.constructs for item in c.items)

    def construct(self, name: str) -> Construct:
        """The construct called ``name`` (ModelError if there is none)."""
        for c in self.constructs:
            if c.name == name:
                return c
        raise ModelError(f"no construct {name!r} in the model; constructs are "
                         f"{', '.join(self.names)}")

    def predecessors(self, name: str) -> tuple[str, ...]:
        """Constructs with a path into ``name``, in path order."""
        self.construct(name)
        return tuple(s for s, t in self.paths if t == name)

    def successors(self, name: str) -> tuple[str, ...]:
        """Constructs that ``name`` has a path into, in path order."""
        self.construct(name)
        return tuple(t for s, t in self.paths if s == name)

    @property
    def exogenous(self) -> tuple[str, ...]:
        """Constructs with no incoming path."""
        return tuple(n for n in self.names if n not in {t for _, t in self.paths})

    @property
    def endogenous(self) -> tuple[str, ...]:
        """Constructs with at least one incoming path."""
        return tuple(n for n in self.names if n in {t for _, t in self.paths})

    def validate_data(self, columns: Iterable[str], source: str = "data") -> None:
        """Raise ModelError listing every model item that ``columns`` lacks.

        Parameters
        ----------
        columns : the column names of the data (e.g. ``df.columns``).
        source : how to name the data in the message (a file name, "survey", ...).
        """
        present = {str(c) for c in columns}
        missing = [item for item in self.items if item not in present]
        if missing:
            owner = {item: c.name for c in self.constructs for item in c.items}
            listed = ", ".join(f"{item} ({owner[item]})" for item in missing)
            raise ModelError(f"{source} lacks {len(missing)} item column(s) the model needs: "
                             f"{listed}; rename the columns or change the model's items")


# -- parsing helpers ------------------------------------------------------------------------
def _statements(text: str) -> list[tuple[int, str]]:
    """Split text into (first line number, statement) with comments and continuations resolved."""
    pieces: list[tuple[int, str]] = []
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0]
        for part in line.split(";"):
            if part.strip():
                pieces.append((lineno, part.strip()))
    statements: list[tuple[int, str]] = []
    for lineno, part in pieces:
        if statements and (statements[-1][1].endswith("+") or part.startswith("+")):
            first, text_so_far = statements[-1]
            statements[-1] = (first, f"{text_so_far} {part}")
        else:
            statements.append((lineno, part))
    for lineno, statement in statements:
        if statement.endswith("+"):
            raise ModelError(f"model line {lineno}: {statement!r} ends with '+' but no term "
                             "follows; add the missing name or drop the '+'")
        if statement.startswith("+"):
            raise ModelError(f"model line {lineno}: {statement!r} starts with '+' but continues "
                             "no statement; join it to the statement it belongs to")
    return statements


def _terms(rhs: str, where: str, statement: str, op: str) -> list[str]:
    if not rhs:
        what = "source constructs" if op == "~" else "items"
        raise ModelError(f"{where} nothing right of {op!r} in {statement!r}; list the {what} "
                         "separated by '+'")
    terms = [t.strip() for t in rhs.split("+")]
    for term in terms:
        if not _NAME.match(term):
            raise ModelError(f"{where} {term!r} in {statement!r} is not a plain name (modifiers, "
                             "numbers and empty terms are not supported); use names joined by '+'")
    return terms


def _check(constructs: Sequence[Construct], paths: Sequence[tuple[str, str]],
           lines: Mapping[tuple[str, ...], int] | None) -> None:
    """Structural rules shared by from_text (with line numbers) and direct construction."""

    def at(*key: str) -> str:
        return f"model line {lines[key]}:" if lines and key in lines else "model:"

    names = [c.name for c in constructs]
    dup = [n for n in names if names.count(n) > 1]
    if dup:
        raise ModelError(f"model: construct {dup[0]!r} is declared twice; merge its items into one")
    owner: dict[str, str] = {}
    for c in constructs:
        for item in c.items:
            if item in owner:
                raise ModelError(f"{at('i', item)} item {item!r} is used by constructs "
                                 f"{owner[item]!r} and {c.name!r}; an item measures one construct")
            if item in names:
                raise ModelError(f"{at('i', item)} {item!r} is both a construct and an item of "
                                 f"{c.name!r}; higher-order constructs are not supported, "
                                 "rename one")
            owner[item] = c.name
    seen: set[tuple[str, str]] = set()
    for source, target in paths:
        where = at("p", source, target)
        for name, role in ((target, "to"), (source, "from")):
            if name not in names:
                raise ModelError(f"{where} path {source} -> {target} goes {role} {name!r}, "
                                 f"which is not a declared construct; declare '{name} =~ item + "
                                 "...' or fix the name")
        if source == target:
            raise ModelError(f"{where} path {source} -> {target} is a self-loop; remove it")
        if (source, target) in seen:
            raise ModelError(f"{where} path {source} -> {target} is declared twice; declare it "
                             "once")
        seen.add((source, target))
    linked = {n for p in paths for n in p}
    for name in names:
        if paths and name not in linked:  # no paths at all: a measurement model (CFA)
            raise ModelError(f"{at('c', name)} construct {name!r} is in no structural path; add "
                             f"a path ('Target ~ {name}' or '{name} ~ Source') or remove the "
                             "construct")
    cycle = _find_cycle(names, paths)
    if cycle:
        last = max(zip(cycle, cycle[1:]), key=lambda e: lines.get(("p", *e), 0) if lines else 0)
        raise ModelError(f"{at('p', *last)} the structural model has a cycle {' -> '.join(cycle)}; "
                         "only recursive (acyclic) models are supported, remove one of these paths")


def _find_cycle(names: Sequence[str], paths: Sequence[tuple[str, str]]) -> list[str] | None:
    """First directed cycle found by depth-first search, as [a, b, ..., a]; None if acyclic."""
    succ = {n: [t for s, t in paths if s == n] for n in names}
    done: set[str] = set()

    def visit(node: str, stack: list[str]) -> list[str] | None:
        if node in stack:
            return stack[stack.index(node):] + [node]
        if node not in done:
            for nxt in succ[node]:
                if found := visit(nxt, [*stack, node]):
                    return found
            done.add(node)
        return None

    return next((c for n in names if (c := visit(n, []))), None)
