"""ModelSpec: lavaan-style parsing, structure queries, presets and error messages."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kamreport.errors import ModelError
from kamreport.satisfaction.presets import DEFAULT_ITEMS, acsi, ccsi, ecsi
from kamreport.satisfaction.spec import Construct, ModelSpec

MOBI_TEXT = """
    # the ECSI model of Tenenhaus et al. (2005), reference/mobi/README.md
    Image        =~ IMAG1 + IMAG2 + IMAG3 + IMAG4 + IMAG5
    Expectation  =~ CUEX1 + CUEX2 + CUEX3
    Quality      =~ PERQ1 + PERQ2 + PERQ3 + PERQ4
                  + PERQ5 + PERQ6 + PERQ7          # continued: next line starts with '+'
    Value        =~ PERV1 +
                    PERV2                          # continued: line ends with '+'
    Satisfaction =~ CUSA1 + CUSA2 + CUSA3
    Complaints   =~ CUSCO
    Loyalty      =~ CUSL1 + CUSL2 + CUSL3
    Expectation  ~ Image
    Quality      ~ Expectation
    Value        ~ Expectation + Quality
    Satisfaction ~ Image + Expectation + Quality + Value
    Complaints   ~ Satisfaction
    Loyalty      ~ Image + Satisfaction + Complaints
"""


def test_parse_mobi_model_equals_ecsi_preset():
    """The text of reference/mobi/README.md parses to exactly the ecsi() preset."""
    spec = ModelSpec.from_text(MOBI_TEXT)
    assert spec == ecsi()
    assert spec.names == ("Image", "Expectation", "Quality", "Value", "Satisfaction",
                          "Complaints", "Loyalty")
    assert spec.construct("Quality").items == tuple(f"PERQ{i}" for i in range(1, 8))
    assert spec.construct("Value").items == ("PERV1", "PERV2")
    assert len(spec.items) == 24 and spec.items[:2] == ("IMAG1", "IMAG2")
    assert spec.paths[:3] == (("Image", "Expectation"), ("Expectation", "Quality"),
                              ("Expectation", "Value"))


def test_structure_queries():
    spec = ecsi()
    assert spec.predecessors("Loyalty") == ("Image", "Satisfaction", "Complaints")
    assert spec.successors("Image") == ("Expectation", "Satisfaction", "Loyalty")
    assert spec.exogenous == ("Image",)
    assert spec.endogenous == spec.names[1:]
    with pytest.raises(ModelError, match="no construct 'Price' in the model"):
        spec.construct("Price")


def test_mode_b_semicolons_and_repeated_blocks():
    spec = ModelSpec.from_text("Price <~ P1 + P2; Sat =~ S1\nSat =~ S2 # appended\nSat ~ Price")
    assert spec.construct("Price") == Construct("Price", ("P1", "P2"), "B")
    assert spec.construct("Sat").items == ("S1", "S2")
    assert "Price <~ P1 + P2" in spec.to_text()


def test_names_follow_first_appearance_including_paths():
    spec = ModelSpec.from_text("Sat ~ Price\nPrice =~ p1\nSat =~ s1")
    assert spec.names == ("Sat", "Price")
    assert ModelSpec.from_text(spec.to_text()) == spec


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("A =~ a1\nB b1\n",
         "model line 2: cannot parse 'B b1'; write 'Name =~ item + item', 'Name <~ item + item' "
         "or 'Target ~ Source + Source'"),
        ("A =~ a1\nB =~\nB ~ A",
         "model line 2: nothing right of '=~' in 'B =~'; list the items separated by '+'"),
        ("A =~ a1 + a2\nB =~ a2 + b1\nB ~ A",
         "model line 2: item 'a2' is already an item of 'A' (line 1); an item measures one "
         "construct"),
        ("A =~ a1 + a1\nB =~ b1\nB ~ A",
         "model line 1: item 'a1' is listed twice for construct 'A'; list it once"),
        ("A =~ a1\nB =~ b1\nA <~ a2\nB ~ A",
         "model line 3: construct 'A' is declared with both '=~' and '<~' (line 1); choose one "
         "operator"),
        ("A =~ a1\nB =~ b1\nB ~ A\nC ~ A",
         "model line 4: path A -> C goes to 'C', which is not a declared construct; declare "
         "'C =~ item + ...' or fix the name"),
        ("A =~ a1\nB =~ b1\nB ~ A + X",
         "model line 3: path X -> B goes from 'X', which is not a declared construct; declare "
         "'X =~ item + ...' or fix the name"),
        ("A =~ a1\nB =~ b1\nB ~ A\nB ~ B", "model line 4: path B -> B is a self-loop; remove it"),
        ("A =~ a1\nB =~ b1\nC =~ c1\nB ~ A\nC ~ B\nA ~ C",
         "model line 6: the structural model has a cycle A -> B -> C -> A; only recursive "
         "(acyclic) models are supported, remove one of these paths"),
        ("A =~ a1\nB =~ b1\nC =~ c1\nB ~ A",
         "model line 3: construct 'C' is in no structural path; add a path ('Target ~ C' or "
         "'C ~ Source') or remove the construct"),
        ("A =~ a1\nB =~ b1\nB ~ A\nB ~ A",
         "model line 4: path A -> B is declared twice; declare it once"),
        ("A =~ a1\nA ~~ B",
         "model line 2: covariances ('~~') are not supported in 'A ~~ B'; remove the line "
         "(construct correlations follow from the paths)"),
        ("A =~ 0.5*a1",
         "model line 1: '0.5*a1' in 'A =~ 0.5*a1' is not a plain name (modifiers, numbers and "
         "empty terms are not supported); use names joined by '+'"),
        ("A =~ a1 +\n\n# nothing follows\n",
         "model line 1: 'A =~ a1 +' ends with '+' but no term follows; add the missing name or "
         "drop the '+'"),
        ("+ a1", "model line 1: '+ a1' starts with '+' but continues no statement; join it to "
                 "the statement it belongs to"),
        ("A =~ a1\nB =~ A\nB ~ A",
         "model line 2: 'A' is both a construct and an item of 'B'; higher-order constructs are "
         "not supported, rename one"),
        ("# only a comment\n",
         "model text declares no construct; write 'Name =~ item + item', 'Name <~ item + item' "
         "or 'Target ~ Source + Source'"),
        ("A B =~ a1",
         "model line 1: 'A B' left of '=~' is not one name; write 'Name =~ item + item', "
         "'Name <~ item + item' or 'Target ~ Source + Source'"),
    ],
)
def test_parse_errors_name_line_and_problem(text, message):
    with pytest.raises(ModelError, match=f"^{re.escape(message)}$"):
        ModelSpec.from_text(text)


def test_cycle_in_long_model_is_named():
    text = "\n".join(f"C{i} =~ x{i}" for i in range(5))
    text += "\nC1 ~ C0\nC2 ~ C1\nC3 ~ C2\nC4 ~ C3\nC2 ~ C4"
    with pytest.raises(ModelError, match=r"^model line 10: the structural model has a cycle "
                                         r"C2 -> C3 -> C4 -> C2;"):
        ModelSpec.from_text(text)


def test_validate_data_lists_every_missing_item():
    spec = ecsi()
    spec.validate_data(list(spec.items) + ["extra"])
    columns = [c for c in spec.items if c not in ("CUSCO", "PERV2")]
    with pytest.raises(ModelError, match=re.escape(
            "survey.csv lacks 2 item column(s) the model needs: PERV2 (Value), CUSCO (Complaints); "
            "rename the columns or change the model's items")):
        spec.validate_data(columns, source="survey.csv")


def test_direct_construction_is_checked():
    a, b = Construct("A", ("a1",)), Construct("B", ("b1",))
    with pytest.raises(ModelError, match="^construct 'A' has no items"):
        Construct("A", ())
    with pytest.raises(ModelError, match="mode 'C' is not 'A' or 'B'"):
        Construct("A", ("a1",), "C")  # type: ignore[arg-type]
    with pytest.raises(ModelError, match="^model: path A -> C goes to 'C'"):
        ModelSpec((a, b), (("A", "C"),))
    with pytest.raises(ModelError, match="^model: item 'a1' is used by constructs 'A' and 'B'"):
        ModelSpec((a, Construct("B", ("a1",))), (("A", "B"),))
    with pytest.raises(ModelError, match="^model: the structural model has a cycle A -> B -> A"):
        ModelSpec((a, b), (("A", "B"), ("B", "A")))


def test_presets():
    """ACSI (Fornell et al. 1996, Fig. 1): 6 constructs, 9 paths; ECSI = the mobi model; CCSI."""
    a = acsi()
    assert a.names == ("Expectation", "Quality", "Value", "Satisfaction", "Complaints", "Loyalty")
    assert set(a.paths) == {
        ("Expectation", "Quality"), ("Expectation", "Value"), ("Quality", "Value"),
        ("Expectation", "Satisfaction"), ("Quality", "Satisfaction"), ("Value", "Satisfaction"),
        ("Satisfaction", "Complaints"), ("Satisfaction", "Loyalty"), ("Complaints", "Loyalty")}
    c = ccsi()
    assert c.names == ("Image", "Expectation", "Quality", "Value", "Satisfaction", "Loyalty")
    assert len(c.paths) == 11 and set(c.predecessors("Satisfaction")) == {
        "Image", "Expectation", "Quality", "Value"}
    assert c.successors("Satisfaction") == ("Loyalty",)
    custom = acsi(items={"Value": ["V1", "V2", "V3"]}, modes={"Value": "B"})
    assert custom.construct("Value") == Construct("Value", ("V1", "V2", "V3"), "B")
    assert custom.construct("Quality").items == DEFAULT_ITEMS["Quality"]
    with pytest.raises(ModelError, match=r"^acsi\(\): items names unknown construct\(s\) Image;"):
        acsi(items={"Image": ["I1"]})


def test_round_trip_of_presets():
    for spec in (acsi(), ecsi(), ccsi(), acsi(modes={"Quality": "B"})):
        assert ModelSpec.from_text(spec.to_text()) == spec


@st.composite
def model_specs(draw: st.DrawFn) -> ModelSpec:
    """Random valid models: a DAG over constructs in order, every construct in some path."""
    k = draw(st.integers(2, 7))
    names = draw(st.lists(st.from_regex(r"[A-Z][a-z]{0,6}[0-9]?", fullmatch=True), min_size=k,
                          max_size=k, unique=True))
    constructs = []
    for j, name in enumerate(names):
        n_items = draw(st.integers(1, 4))
        mode = draw(st.sampled_from(["A", "B"]))
        constructs.append(Construct(name, tuple(f"{name.lower()}_{j}_{i}" for i in range(n_items)),
                                    mode))
    pairs = [(names[i], names[j]) for j in range(k) for i in range(j)]
    chosen = draw(st.lists(st.sampled_from(pairs), unique=True, min_size=1))
    for j, name in enumerate(names):  # make sure every construct is linked
        if not any(name in p for p in chosen):
            chosen.append((names[j - 1], name) if j else (name, names[1]))
    chosen = draw(st.permutations(chosen))
    return ModelSpec(tuple(constructs), tuple(chosen))


@settings(max_examples=150, deadline=None)
@given(model_specs())
def test_to_text_round_trips(spec: ModelSpec):
    text = spec.to_text()
    assert ModelSpec.from_text(text) == spec
    # reflowing every statement over several '+'-continued lines changes nothing
    reflowed = "\n".join(line.replace(" + ", " +\n    ") for line in text.splitlines())
    assert ModelSpec.from_text(reflowed) == spec


@settings(max_examples=100, deadline=None)
@given(model_specs())
def test_structure_invariants(spec: ModelSpec):
    assert set(spec.exogenous) | set(spec.endogenous) == set(spec.names)
    assert not set(spec.exogenous) & set(spec.endogenous)
    for name in spec.names:
        for p in spec.predecessors(name):
            assert name in spec.successors(p)
    assert len(set(spec.items)) == len(spec.items)


def test_measurement_only_spec_is_a_cfa() -> None:
    """A spec with only '=~' lines (no path at all) is a CFA for CB-SEM: accepted, no paths."""
    spec = ModelSpec.from_text("visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7")
    assert spec.paths == () and spec.endogenous == ()
    assert spec.exogenous == ("visual", "textual", "speed")
    assert ModelSpec.from_text(spec.to_text()) == spec
    one = ModelSpec.from_text("F =~ a + b + c")
    assert one.names == ("F",) and one.paths == ()


def test_isolated_construct_in_a_model_with_paths_is_still_refused() -> None:
    with pytest.raises(ModelError, match="construct 'C' is in no structural path"):
        ModelSpec.from_text("A =~ a1\nB =~ b1\nC =~ c1 + c2\nB ~ A")
