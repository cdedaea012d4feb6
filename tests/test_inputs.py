"""load_inputs / check_inputs: the glue from a parameter set to validated frames."""

from __future__ import annotations

import pandas as pd
import pytest
import yaml

from kamreport.data.joins import join_accounts
from kamreport.errors import InputError, ModelError
from kamreport.inputs import check_inputs, load_inputs
from kamreport.params import Params


def test_account_master_joins_numeric_ids_and_refuses_unknown(tmp_path):
    """Ids read as 15.0 (a blank made the column float) and 15 are the same account."""
    cb = {"respondent_id": "rid", "scale": {"min": 1, "max": 10}, "constructs": {"S": {"zh": "满意", "en": "S"}},
          "items": {"S1": {"construct": "S"}}}
    (tmp_path / "cb.yaml").write_text(yaml.safe_dump(cb))
    pd.DataFrame({"rid": [1, 2, 3], "account_id": [15, None, 16], "S1": [5, 6, 7]}).to_csv(tmp_path / "s.csv", index=False)
    pd.DataFrame({"account_id": [15, 16], "region": ["华东", "西部"]}).to_csv(tmp_path / "a.csv", index=False)
    (tmp_path / "p.yaml").write_text(yaml.safe_dump({"title": "t", "segment": "region", "data": {
        "survey": "s.csv", "codebook": "cb.yaml", "accounts": "a.csv"}}))
    survey = load_inputs(Params.from_file(tmp_path / "p.yaml")).survey
    assert survey["region"].tolist()[0] == "华东" and survey["region"].tolist()[2] == "西部"
    pd.DataFrame({"account_id": [15], "region": ["华东"]}).to_csv(tmp_path / "a.csv", index=False)
    with pytest.raises(InputError, match=r"a.csv: survey account ids 16 \(1 respondents\) are not in the account master"):
        load_inputs(Params.from_file(tmp_path / "p.yaml"))


def test_one_strict_join_for_survey_and_values() -> None:
    """The value report's account join is the survey's: duplicates are an error, not dropped."""
    master = pd.DataFrame({"account_id": [15, 15, 16], "region": ["East", "East", "West"]})
    values = pd.DataFrame({"clv": [1.0, 2.0]}, index=pd.Index(["15", "16"], name="customer_id"))
    with pytest.raises(InputError, match=r"duplicate account ids at lines 2, 3"):
        join_accounts(values, master, "account_id", source="a.csv", on_index=True, unknown="keep")
    joined = join_accounts(values, master.drop_duplicates(), "account_id", source="a.csv", on_index=True,
                           unknown="keep")
    assert joined["region"].tolist() == ["East", "West"] and joined.index.equals(values.index)
    partial = join_accounts(values, master.iloc[:1], "account_id", source="a.csv", on_index=True, unknown="keep")
    assert partial["region"].isna().tolist() == [False, True]


def test_check_inputs_refuses_a_model_the_survey_cannot_fit(tmp_path) -> None:
    cb = {"scale": {"min": 1, "max": 10}, "constructs": {"S": {"zh": "满意", "en": "S"}},
          "respondent_id": "rid", "items": {"S1": {"construct": "S"}}}
    (tmp_path / "cb.yaml").write_text(yaml.safe_dump(cb))
    pd.DataFrame({"rid": [1, 2, 3], "S1": [5, 6, 7]}).to_csv(tmp_path / "s.csv", index=False)
    (tmp_path / "p.yaml").write_text(yaml.safe_dump({"title": "t", "data": {"survey": "s.csv", "codebook": "cb.yaml"},
                                                     "model": {"spec": "S =~ S1\nT =~ T1\nT ~ S"}}))
    with pytest.raises(ModelError, match="survey lacks 1 item column.*T1"):
        check_inputs(Params.from_file(tmp_path / "p.yaml"))


def test_a_new_users_published_data_loads(tmp_path, reference_dir) -> None:
    """The stumble of DESIGN.md, replayed: mobi (Tenenhaus et al. 2005) with item columns only and a
    minimal codebook, CDNOW orders exported with dollar signs and thousands separators."""
    survey = pd.read_csv(reference_dir / "mobi" / "mobi.csv")
    survey.to_csv(tmp_path / "survey.csv", index=False)
    blocks = {"IMAG": "Image", "CUEX": "Expectation", "PERQ": "Quality", "PERV": "Value", "CUSA": "Satisfaction",
              "CUSCO": "Complaints", "CUSL": "Loyalty"}
    items = {c: {"construct": blocks[c.rstrip("0123456789")]} for c in survey.columns}
    (tmp_path / "cb.yaml").write_text(yaml.safe_dump({"scale": {"min": 1, "max": 10}, "items": items}))
    orders = pd.read_csv(reference_dir / "cdnow" / "CDNOW_sample.txt", sep=r"\s+", header=None,
                         names=["master", "customer", "date", "cds", "amount"])
    orders.assign(amount=[f"${v:,.2f}" for v in orders["amount"] * 100]).to_csv(tmp_path / "o.csv", index=False)
    (tmp_path / "p.yaml").write_text(yaml.safe_dump({
        "title": "t", "language": "en", "currency": "USD", "notebooks": ["01_satisfaction", "02_customer_value"],
        "data": {"survey": "survey.csv", "codebook": "cb.yaml",
                 "transactions": {"path": "o.csv", "customer": "customer", "date": "date", "amount": "amount"}}}))
    inputs = check_inputs(Params.from_file(tmp_path / "p.yaml"))
    assert inputs.survey["respondent_id"].tolist() == [str(i) for i in range(1, 251)]
    assert inputs.codebook.labels("en")["Satisfaction"] == "Satisfaction"
    assert inputs.transactions["amount"].sum() == pytest.approx(orders["amount"].sum() * 100)
    cleaning = inputs.transactions.attrs["cleaning"]
    assert cleaning["amount_currency"] == "USD" and cleaning["amount_currency_symbols"] == len(orders)
    assert cleaning["amount_thousands_separators"] == int((orders["amount"] * 100 >= 1000).sum())


def test_check_inputs_knows_what_the_account_review_needs(tmp_path) -> None:
    """Notebook 03's criteria must be columns of the account master: refused at validate, not
    inside the notebook."""
    pd.DataFrame({"account_id": ["A", "B", "C", "D", "E", "F"], "volume": range(6)}).to_csv(
        tmp_path / "accounts.csv", index=False)
    orders = pd.DataFrame({"account_id": list("ABCDEF") * 2, "date": ["2024-01-02"] * 6 + ["2024-03-01"] * 6,
                           "amount": [10.0] * 12})
    orders.to_csv(tmp_path / "orders.csv", index=False)
    cb = {"scale": {"min": 1, "max": 5}, "items": {f"S{i}": {"construct": "Satisfaction"} for i in (1, 2)}
          | {f"L{i}": {"construct": "Loyalty"} for i in (1, 2)}}
    (tmp_path / "cb.yaml").write_text(yaml.safe_dump(cb))
    rng = __import__("numpy").random.default_rng(1)
    pd.DataFrame(rng.integers(1, 6, (40, 4)), columns=["S1", "S2", "L1", "L2"]).assign(
        account_id=list("ABCDEF" * 7)[:40]).to_csv(tmp_path / "s.csv", index=False)
    spec = {"title": "t", "notebooks": ["03_account_review"],
            "data": {"survey": "s.csv", "codebook": "cb.yaml", "accounts": "accounts.csv",
                     "transactions": {"path": "orders.csv", "customer": "account_id"}},
            "model": {"spec": "Satisfaction =~ S1 + S2\nLoyalty =~ L1 + L2\nLoyalty ~ Satisfaction",
                      "target": "Loyalty"},
            "review": {"key_weights": {"volume": 0.5, "margin": 0.5}}}
    (tmp_path / "p.yaml").write_text(yaml.safe_dump(spec))
    with pytest.raises(InputError, match=r"accounts.csv: column\(s\) 'margin' named in review.key_weights"):
        check_inputs(Params.from_file(tmp_path / "p.yaml"))
    spec["review"] = {"key_weights": {"volume": 1.0}}
    (tmp_path / "p.yaml").write_text(yaml.safe_dump(spec))
    check_inputs(Params.from_file(tmp_path / "p.yaml"))


def test_filter_restricts_survey_accounts_and_their_transactions(tmp_path) -> None:
    """filter: {region: East} keeps East's respondents, accounts and (through the account key)
    their orders; a value that leaves nothing is refused with the fix."""
    pd.DataFrame({"account_id": ["A", "B", "C"], "region": ["East", "West", "East"]}).to_csv(
        tmp_path / "accounts.csv", index=False)
    pd.DataFrame({"account_id": list("ABCABC"), "date": ["2024-01-02"] * 6, "amount": [1.0] * 6}).to_csv(
        tmp_path / "orders.csv", index=False)
    cb = {"scale": {"min": 1, "max": 5}, "items": {"S1": {"construct": "S"}}}
    (tmp_path / "cb.yaml").write_text(yaml.safe_dump(cb))
    pd.DataFrame({"account_id": list("ABCA"), "S1": [1, 2, 3, 4]}).to_csv(tmp_path / "s.csv", index=False)
    spec = {"title": "t", "notebooks": ["01_satisfaction", "02_customer_value"], "filter": {"region": "East"},
            "data": {"survey": "s.csv", "codebook": "cb.yaml", "accounts": "accounts.csv",
                     "transactions": {"path": "orders.csv", "customer": "account_id"}}}
    (tmp_path / "p.yaml").write_text(yaml.safe_dump(spec))
    inputs = load_inputs(Params.from_file(tmp_path / "p.yaml"))
    assert sorted(inputs.survey["account_id"]) == ["A", "A", "C"]
    assert sorted(inputs.accounts["account_id"]) == ["A", "C"]
    assert sorted(inputs.transactions["customer_id"].unique()) == ["A", "C"]
    spec["filter"] = {"region": "North"}
    (tmp_path / "p.yaml").write_text(yaml.safe_dump(spec))
    with pytest.raises(InputError, match=r"filter region=\['North'\] leaves no rows in the survey; fix 'filter'"):
        load_inputs(Params.from_file(tmp_path / "p.yaml"))
    spec["filter"] = {"colour": "red"}
    (tmp_path / "p.yaml").write_text(yaml.safe_dump(spec))
    with pytest.raises(InputError, match=r"filter column 'colour' is in none of the data"):
        load_inputs(Params.from_file(tmp_path / "p.yaml"))


def _review_project(tmp_path, complaints: pd.DataFrame, **extra) -> dict:
    pd.DataFrame({"account_id": ["A", "B", "C"], "region": ["East", "West", "East"]}).to_csv(
        tmp_path / "accounts.csv", index=False)
    pd.DataFrame({"acct": list("ABCABC"), "day": ["2024-01-02"] * 6, "value": ["1,000.50"] * 6,
                  "gm": ["200", "(10.5)", "30", "", "40", "50"], "line": list("xyzxyz")}).to_csv(
        tmp_path / "orders.csv", index=False)
    complaints.to_csv(tmp_path / "complaints.csv", index=False)
    cb = {"scale": {"min": 1, "max": 5}, "items": {"S1": {"construct": "S"}}}
    (tmp_path / "cb.yaml").write_text(yaml.safe_dump(cb))
    pd.DataFrame({"account_id": list("ABCA"), "S1": [1, 2, 3, 4]}).to_csv(tmp_path / "s.csv", index=False)
    spec = {"title": "t", "notebooks": ["03_account_review"],
            "data": {"survey": "s.csv", "codebook": "cb.yaml", "accounts": "accounts.csv",
                     "transactions": {"path": "orders.csv", "customer": "acct", "date": "day", "amount": "value",
                                      "margin": "gm", "product_line": "line"},
                     "complaints": {"path": "complaints.csv", "account": "client", "date": "when",
                                    "category": "cause", "severity": "level"}}, **extra}
    (tmp_path / "p.yaml").write_text(yaml.safe_dump(spec, allow_unicode=True))
    return spec


def test_complaints_and_profit_columns_load_under_the_users_names(tmp_path, monkeypatch) -> None:
    """The complaint log and the margin / product-line columns are named in the parameters (any
    column names), converted like amounts (accounting negatives, blanks), filtered with the
    accounts and pseudonymized with the same key as the transactions."""
    log = pd.DataFrame({"client": ["A", "B", "C"], "when": ["2024-01-05", "05.02.2024", "2024-03-01"],
                        "cause": ["late", "price", "late"], "level": [1, 3, 2]})
    _review_project(tmp_path, log)
    inputs = load_inputs(Params.from_file(tmp_path / "p.yaml"))
    c = inputs.complaints
    assert list(c.columns[:4]) == ["account_id", "date", "category", "severity"]
    assert c["severity"].tolist() == [1.0, 3.0, 2.0] and str(c["date"].iloc[1].date()) == "2024-02-05"
    gm = inputs.transactions["gm"]
    assert gm.iloc[:3].tolist() == [200.0, -10.5, 30.0] and pd.isna(gm.iloc[3])
    assert set(inputs.describe()["source"]) == {"survey", "transactions", "accounts", "complaints"}

    _review_project(tmp_path, log, filter={"region": "East"})
    assert sorted(load_inputs(Params.from_file(tmp_path / "p.yaml")).complaints["account_id"]) == ["A", "C"]

    monkeypatch.setenv("KAMREPORT_PSEUDONYM_KEY", "k" * 32)
    _review_project(tmp_path, log, pseudonymize=True)
    inputs = load_inputs(Params.from_file(tmp_path / "p.yaml"))
    assert not set(inputs.complaints["account_id"]) & {"A", "B", "C"}
    assert set(inputs.complaints["account_id"]) == set(inputs.transactions["customer_id"])


@pytest.mark.parametrize("change, message", [
    (lambda f: f.drop(columns="level"), r"complaints.csv: complaint severity column 'level' not found .*"
                                        r"fix data.complaints.severity"),
    (lambda f: f.assign(client=["A", None, "C"]), r"complaints.csv: column 'client' is blank at line 3; every "
                                                  r"complaint needs its account"),
    (lambda f: f.assign(level=["1", "high", "2"]), r"complaints.csv: column 'level' holds values that are no "
                                                   r"numbers at line 3 \('high'\)"),
    (lambda f: f.assign(level=[1, 5, 2]), r"complaints.csv: column 'level' is not 1, 2 or 3 at line 3 \('5'\); "
                                         r"map the levels to 1 minor, 2 major, 3 critical"),
    (lambda f: f.assign(when=["2024-01-05", "", "2024-03-01"]), r"complaints.csv: column 'when' is blank at "
                                                                r"line 3"),
])
def test_a_bad_complaint_log_is_one_line_naming_file_column_and_row(tmp_path, change, message) -> None:
    log = pd.DataFrame({"client": ["A", "B", "C"], "when": ["2024-01-05", "2024-02-05", "2024-03-01"],
                        "cause": ["late", "price", "late"], "level": [1, 3, 2]})
    _review_project(tmp_path, change(log))
    with pytest.raises(InputError, match=message):
        load_inputs(Params.from_file(tmp_path / "p.yaml"))


def test_a_named_product_line_column_must_exist(tmp_path) -> None:
    log = pd.DataFrame({"client": ["A"], "when": ["2024-01-05"], "cause": ["late"], "level": [1]})
    spec = _review_project(tmp_path, log)
    spec["data"]["transactions"]["product_line"] = "category"
    (tmp_path / "p.yaml").write_text(yaml.safe_dump(spec))
    with pytest.raises(InputError, match=r"orders.csv: product_line column 'category' not found; fix "
                                         r"data.transactions.product_line"):
        load_inputs(Params.from_file(tmp_path / "p.yaml"))


def test_remembered_reads_read_each_file_once_and_hand_out_copies(tmp_path, monkeypatch) -> None:
    """A batch's checks (one parameter set per region, say) read a file once; each caller gets
    its own copy (a filter of one set never shows in another), and a file changed in between is
    read again; outside the block nothing is remembered."""
    import kamreport.inputs as inputs_module
    from kamreport.data import readers

    pd.DataFrame({"account_id": ["A", "B", "C"], "region": ["East", "West", "East"]}).to_csv(
        tmp_path / "accounts.csv", index=False)
    pd.DataFrame({"account_id": list("ABCABC"), "date": ["2024-01-02"] * 6, "amount": [1.0] * 6}).to_csv(
        tmp_path / "orders.csv", index=False)
    spec = {"title": "t", "notebooks": ["02_customer_value"],
            "data": {"accounts": "accounts.csv", "transactions": {"path": "orders.csv", "customer": "account_id"}}}
    for region in ("East", "West"):
        (tmp_path / f"{region}.yaml").write_text(yaml.safe_dump({**spec, "filter": {"region": region}}))
    calls = []
    real = readers.read_transactions

    def counted(*args, **kwargs):
        calls.append(args[0])
        return real(*args, **kwargs)

    counted.__name__ = "read_transactions"
    monkeypatch.setattr(inputs_module, "read_transactions", counted)
    with inputs_module.remembered_reads():
        east = load_inputs(Params.from_file(tmp_path / "East.yaml"))
        west = load_inputs(Params.from_file(tmp_path / "West.yaml"))
        assert len(calls) == 1
        assert sorted(east.transactions["customer_id"].unique()) == ["A", "C"]
        assert sorted(west.transactions["customer_id"].unique()) == ["B"]
        assert east.transactions.attrs == west.transactions.attrs and east.transactions.attrs
        pd.DataFrame({"account_id": list("AB"), "date": ["2024-01-03"] * 2, "amount": [2.0] * 2}).to_csv(
            tmp_path / "orders.csv", index=False)
        again = load_inputs(Params.from_file(tmp_path / "West.yaml"))
        assert len(calls) == 2 and again.transactions["amount"].tolist() == [2.0]
    load_inputs(Params.from_file(tmp_path / "West.yaml"))
    assert len(calls) == 3
