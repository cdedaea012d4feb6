"""The YAML reader of parameter files and codebooks: libyaml's speed, PyYAML's values and messages."""

from __future__ import annotations

import yaml
import pytest

from kamreport import yamlfile
from kamreport.errors import InputError

TEXT = """\
title: 年度报告
when: 2026-01-31
flags: [yes, no, on, off, ~]
numbers: {int: 0x1F, float: 1e3, octal: 0o17, sexagesimal: 1:30}
items:
  - &q1 {name: Q1, label: "质量 \\u2014 总体"}
  - *q1
"""


def test_values_are_those_of_pyyamls_safe_loader(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text(TEXT, encoding="utf-8")
    got = yamlfile.read_mapping(path, what="parameter file", fix_missing="", shape="")
    assert got == yaml.safe_load(TEXT)
    assert yamlfile._FAST_LOADER is getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def test_a_syntax_error_has_pyyamls_message_and_line(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text("a: 1\nb: [1, 2\nc: 3\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        yamlfile.read_mapping(path, what="parameter file", fix_missing="", shape="")
    try:
        yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        expected = f"line {exc.problem_mark.line + 1}: not valid YAML ({exc.problem})"
    assert str(caught.value).endswith(expected)


def test_python_tags_stay_refused(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text("a: !!python/object/apply:os.system ['true']\n", encoding="utf-8")
    with pytest.raises(InputError, match="not valid YAML"):
        yamlfile.read_mapping(path, what="parameter file", fix_missing="", shape="")
