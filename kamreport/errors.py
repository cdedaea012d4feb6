"""Exception types of kamreport.

Every error a user can cause is one of these, with a one-line message that names the file,
the column, the row(s) and the fix. The CLI maps them to exit codes (see ``exit_code``).
"""

from __future__ import annotations


class KamreportError(Exception):
    """Base class of every error kamreport raises on purpose."""

    exit_code = 1


class InputError(KamreportError, ValueError):
    """Bad input data or parameters: the user can fix it (exit code 2)."""

    exit_code = 2


class ModelError(KamreportError, ValueError):
    """A model specification that cannot be estimated (unknown item, cycle, ...)."""

    exit_code = 2


class ConvergenceError(KamreportError, RuntimeError):
    """An estimator did not converge, or converged to an improper solution."""

    exit_code = 1


class RenderError(KamreportError, RuntimeError):
    """Executing or converting a report notebook failed."""

    exit_code = 1


def exit_code(exc: BaseException) -> int:
    """Exit code for ``exc``: 2 for input/model errors, 1 for everything else."""
    return getattr(exc, "exit_code", 1)


def validation_message(exc) -> str:
    """The first error of a pydantic ``ValidationError`` as one line: the key path, what is wrong."""
    err = exc.errors()[0]
    key = ".".join(str(p) for p in err["loc"]) or "(top level)"
    if err["type"] == "extra_forbidden":
        return f"unknown key {key!r}; remove it or check its spelling"
    if err["type"] == "missing":
        return f"required key {key!r} is missing"
    more = f" (and {len(exc.errors()) - 1} more problem(s))" if len(exc.errors()) > 1 else ""
    msg = err["msg"].removeprefix("Value error, ")
    if not err["loc"]:  # a check across keys: the message says it all
        return f"{msg}{more}"
    return f"key {key!r}: {msg}; got {err.get('input')!r}{more}"


def first_line(exc: BaseException | str) -> str:
    """The first non-blank line of ``exc``'s message (or of a text), else the exception's type name.

    Examples
    --------
    >>> first_line(ValueError("bad value\\nTraceback ..."))
    'bad value'
    >>> first_line(KeyError())
    'KeyError'
    """
    lines = [line for line in str(exc).strip().splitlines() if line.strip()]
    return lines[0].strip() if lines else (type(exc).__name__ if isinstance(exc, BaseException) else "")
