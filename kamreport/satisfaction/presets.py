"""Preset satisfaction-index models: ACSI, ECSI and CCSI as :class:`ModelSpec` objects.

Each preset fixes the constructs and the structural paths of a published index model; the item
columns default to those of the ECSI mobile-phone survey ``mobi`` (:data:`DEFAULT_ITEMS`) and are
replaced per construct with ``items=``, the measurement modes with ``modes=``. :data:`PRESETS`
is the registry by name (what ``model.preset`` in a parameter file chooses from).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from kamreport.errors import ModelError
from kamreport.satisfaction.spec import Construct, Mode, ModelSpec

#: Default item names: those of the ECSI mobile-phone survey ``mobi`` (Tenenhaus et al. 2005).
DEFAULT_ITEMS: Mapping[str, tuple[str, ...]] = {
    "Image": tuple(f"IMAG{i}" for i in range(1, 6)),
    "Expectation": tuple(f"CUEX{i}" for i in range(1, 4)),
    "Quality": tuple(f"PERQ{i}" for i in range(1, 8)),
    "Value": tuple(f"PERV{i}" for i in range(1, 3)),
    "Satisfaction": tuple(f"CUSA{i}" for i in range(1, 4)),
    "Complaints": ("CUSCO",),
    "Loyalty": tuple(f"CUSL{i}" for i in range(1, 4)),
}


def _preset(model: str, paths_text: str, items: Mapping[str, Sequence[str]] | None,
            modes: Mapping[str, Mode] | None) -> ModelSpec:
    """Build a preset from 'Source>Target' pairs; constructs in order of first appearance."""
    paths = tuple(tuple(p.split(">")) for p in paths_text.split())
    names = tuple(dict.fromkeys(n for p in paths for n in p))
    for arg, given in (("items", items), ("modes", modes)):
        unknown = sorted(set(given or {}) - set(names))
        if unknown:
            raise ModelError(f"{model}(): {arg} names unknown construct(s) {', '.join(unknown)}; "
                             f"the {model} constructs are {', '.join(names)}")
    blocks = {**DEFAULT_ITEMS, **{k: tuple(v) for k, v in (items or {}).items()}}
    constructs = tuple(Construct(n, tuple(blocks[n]), (modes or {}).get(n, "A")) for n in names)
    return ModelSpec(constructs, paths)  # type: ignore[arg-type]


def acsi(items: Mapping[str, Sequence[str]] | None = None,
         modes: Mapping[str, Mode] | None = None) -> ModelSpec:
    """American Customer Satisfaction Index model: 6 constructs, 9 paths.

    Expectation -> Quality, Value, Satisfaction; Quality -> Value, Satisfaction;
    Value -> Satisfaction; Satisfaction -> Complaints, Loyalty; Complaints -> Loyalty.

    Parameters
    ----------
    items : construct name -> item columns (from the survey codebook); constructs left out keep
        the mobi item names (:data:`DEFAULT_ITEMS`).
    modes : construct name -> ``"A"`` or ``"B"``; default ``"A"`` (reflective) for all.

    References
    ----------
    Fornell, Johnson, Anderson, Cha & Bryant (1996), "The American Customer Satisfaction Index:
    nature, purpose, and findings", *Journal of Marketing* 60(4), 7-18, Figure 1.

    Examples
    --------
    >>> acsi().names[:3], len(acsi().paths)
    (('Expectation', 'Quality', 'Value'), 9)
    """
    return _preset("acsi", "Expectation>Quality Expectation>Value Quality>Value "
                   "Expectation>Satisfaction Quality>Satisfaction Value>Satisfaction "
                   "Satisfaction>Complaints Satisfaction>Loyalty Complaints>Loyalty", items, modes)


def ecsi(items: Mapping[str, Sequence[str]] | None = None,
         modes: Mapping[str, Mode] | None = None) -> ModelSpec:
    """European Customer Satisfaction Index model, exactly as estimated on ``mobi``: 7 constructs.

    Image -> Expectation, Satisfaction, Loyalty; Expectation -> Quality, Value, Satisfaction;
    Quality -> Value, Satisfaction; Value -> Satisfaction; Satisfaction -> Complaints, Loyalty;
    Complaints -> Loyalty (12 paths). Parameters as :func:`acsi`.

    References
    ----------
    Tenenhaus, Esposito Vinzi, Chatelin & Lauro (2005), "PLS path modeling", *Computational
    Statistics & Data Analysis* 48(1), 159-205 (the model of ``reference/mobi``).

    Examples
    --------
    >>> len(ecsi().paths), ecsi().exogenous
    (12, ('Image',))
    """
    return _preset("ecsi", "Image>Expectation Expectation>Quality Expectation>Value Quality>Value "
                   "Image>Satisfaction Expectation>Satisfaction Quality>Satisfaction "
                   "Value>Satisfaction Satisfaction>Complaints Image>Loyalty "
                   "Satisfaction>Loyalty Complaints>Loyalty", items, modes)


def ccsi(items: Mapping[str, Sequence[str]] | None = None,
         modes: Mapping[str, Mode] | None = None) -> ModelSpec:
    """Chinese Customer Satisfaction Index (CCSI) model: 6 constructs, 11 paths.

    Image (brand image 品牌形象), Expectation (预期质量), Quality (感知质量), Value (感知价值),
    Satisfaction (顾客满意度), Loyalty (顾客忠诚); no Complaints block. Paths:
    Image -> Expectation, Quality, Satisfaction, Loyalty; Expectation -> Quality, Value,
    Satisfaction; Quality -> Value, Satisfaction; Value -> Satisfaction; Satisfaction -> Loyalty.
    Parameters as :func:`acsi`.

    The CCSI of the China Quality Association / Tsinghua University (as taught for the Chinese
    quality-engineer examination, 质量专业资格考试 "中国顾客满意指数") fixes six constructs and
    eleven causal relations, with Image, Expectation, Quality and Value as causes of Satisfaction
    and Loyalty as its consequence. That description does not list the eleven paths one by one:
    the set here is our choice (the ECSI chain without Complaints, plus Image -> Quality). Check
    it against the CCSI manual you work with, or pass your own text to
    :meth:`ModelSpec.from_text`.

    Examples
    --------
    >>> len(ccsi().paths), ccsi().names[0]
    (11, 'Image')
    """
    return _preset("ccsi", "Image>Expectation Image>Quality Expectation>Quality Expectation>Value "
                   "Quality>Value Image>Satisfaction Expectation>Satisfaction Quality>Satisfaction "
                   "Value>Satisfaction Image>Loyalty Satisfaction>Loyalty", items, modes)


#: The preset models by name: the one list (``model.preset`` in params, the CLI, the notebooks).
PRESETS: Mapping[str, Callable[..., ModelSpec]] = {"acsi": acsi, "ecsi": ecsi, "ccsi": ccsi}
