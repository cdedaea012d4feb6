"""Reading the YAML files users write (parameter sets, codebooks): one way, one-line errors."""

from __future__ import annotations

from pathlib import Path

import yaml

from kamreport.errors import InputError

#: libyaml's parser where PyYAML has it (6x faster: a batch reads the same codebook for each of
#: its parameter sets, and every report's kernel reads it again); the same safe constructor.
_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_mapping(path: str | Path, *, what: str, fix_missing: str, shape: str) -> dict:
    """The top-level mapping of the YAML file ``path``.

    Parameters
    ----------
    what : how the file is named in messages ("parameter file", "codebook file")
    fix_missing : the fix to print when the file does not exist
    shape : what the mapping should hold, printed when the file is not a mapping

    Raises
    ------
    InputError
        file missing, not valid YAML (with its line), or not a mapping.

    Examples
    --------
    >>> import tempfile, os
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = os.path.join(d, "x.yaml")
    ...     _ = open(p, "w").write("a: [1, 2\\n")
    ...     read_mapping(p, what="parameter file", fix_missing="", shape="")
    Traceback (most recent call last):
    ...
    kamreport.errors.InputError: .../x.yaml: line 2: not valid YAML (expected ',' or ']', but got '<stream end>')
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
        try:
            raw = yaml.load(text, Loader=_FAST_LOADER)  # noqa: S506 - CSafeLoader is the safe loader
        except yaml.YAMLError:   # the pure-Python parser's message and line, as users have always had them
            raw = yaml.safe_load(text)
    except FileNotFoundError:
        raise InputError(f"{path}: {what} not found; {fix_missing}") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: {what} is not UTF-8 text; save it as UTF-8") from None
    except OSError as exc:  # a folder, a path through a file, no permission
        raise InputError(f"{path}: {what} cannot be read ({exc.strerror}); {fix_missing}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}:" if mark else ""
        raise InputError(f"{path}:{where} not valid YAML ({getattr(exc, 'problem', exc)})") from None
    if not isinstance(raw, dict):
        raise InputError(f"{path}: a {what.removesuffix(' file')} must be a YAML mapping ({shape})")
    return raw
