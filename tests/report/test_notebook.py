"""The notebook helpers: no kernel-wide state, warnings captured and filtered into caveats,
headings with their notes filled from results, tables with local pandas options."""

from __future__ import annotations

import logging
import warnings

import pandas as pd
import pytest

from kamreport.report import notebook as kn


@pytest.fixture
def shown(monkeypatch):
    """What the helpers display (instead of IPython's display)."""
    out = []
    monkeypatch.setattr(kn, "display", out.append)
    return out


def test_setup_leaves_warnings_logging_and_pandas_alone():
    filters, level = list(warnings.filters), logging.getLogger().level
    options = {k: pd.get_option(k) for k in kn.DISPLAY_OPTIONS}
    kn.setup("zh")
    assert warnings.filters == filters and logging.getLogger().level == level
    assert {k: pd.get_option(k) for k in kn.DISPLAY_OPTIONS} == options


def test_captured_keeps_ours_and_statistics_drops_noise():
    class ConvergenceWarning(UserWarning):
        pass

    filters = list(warnings.filters)
    with kn.captured() as caught:
        warnings.warn("fit did not converge", ConvergenceWarning)
        warnings.warn("overflow in exp", RuntimeWarning)
        warnings.warn("overflow in exp", RuntimeWarning)
        warnings.warn("old api", DeprecationWarning)
        warnings.warn("changes in pandas 4", FutureWarning)
        warnings.warn("some library chatter", UserWarning)
        assert caught == []  # filled when the block ends
    assert caught == ["fit did not converge", "overflow in exp"]
    assert warnings.filters == filters


def test_captured_keeps_kamreport_warnings():
    from kamreport.satisfaction import index

    record = warnings.WarningMessage("negative outer weight", UserWarning, index.__file__, 1)
    assert kn.relevant(record)
    assert not kn.relevant(warnings.WarningMessage("x", DeprecationWarning, index.__file__, 1))
    assert not kn.relevant(warnings.WarningMessage("x", UserWarning, "/elsewhere/lib.py", 1))
    cell = "/tmp/ipykernel_4242/1234567.py"  # kamreport's warning with stacklevel=2
    assert kn.relevant(warnings.WarningMessage("negative outer weight", UserWarning, cell, 3))


@pytest.mark.parametrize("language, title", [("zh", "注意事项"), ("en", "Caveats")])
def test_caveats_box(shown, language, title):
    kn.caveats([], language)
    assert shown == []
    kn.caveats(["weights <negative>", "weights <negative>", "slow"], language)
    (box,) = shown
    assert title in box.data and box.data.count("<li>") == 2 and "&lt;negative&gt;" in box.data
    assert "Warning" not in box.data  # the demo reports must not show the word


@pytest.mark.parametrize("language", ["zh", "en"])
def test_heading_fills_its_note(shown, language):
    thresholds = type(
        "T", (), {"alpha": 0.75, "ave": 0.5, "htmt_strict": 0.85, "htmt_liberal": 0.9, "vif": 3.0}
    )()
    kn.heading("measurement", language, t=thresholds)
    assert "0.75" in shown[1].data
    kn.heading("collinearity", language, level=3, vif=thresholds.vif)
    assert shown[2].data.startswith("### ") and "VIF < 3" in shown[2].data
    kn.heading("model", language)
    assert "*** p<.001" in shown[-1].data
    kn.heading("pyramid", language, note_text="custom note")
    assert shown[-1].data == "custom note"
    with pytest.raises(KeyError, match="needs t"):
        kn.heading("measurement", language)


def test_table_sets_pandas_options_only_while_displaying(monkeypatch):
    seen = {}
    monkeypatch.setattr(
        kn, "display", lambda obj: seen.update({k: pd.get_option(k) for k in kn.DISPLAY_OPTIONS})
    )
    before = {k: pd.get_option(k) for k in kn.DISPLAY_OPTIONS}
    kn.table(pd.DataFrame({"a": [1]}))
    assert seen == kn.DISPLAY_OPTIONS
    assert {k: pd.get_option(k) for k in kn.DISPLAY_OPTIONS} == before
