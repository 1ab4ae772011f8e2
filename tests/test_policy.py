"""Pipelines load, resolve ``extends``, and reject bad files with one line naming file, key and choices."""

from __future__ import annotations

import pytest

from deid.columns import COLUMN_TYPES
from deid.errors import PolicyError
from deid.policy import TEXT_ENTITIES, describe_rule, list_pipelines, load_pipeline


def test_every_builtin_covers_every_column_type_and_entity():
    for pipeline in list_pipelines():
        assert set(pipeline.columns) == set(COLUMN_TYPES), pipeline.name
        assert set(pipeline.text) == set(TEXT_ENTITIES), pipeline.name


def test_builtins_are_listed_with_default_last():
    names = [p.name for p in list_pipelines()]
    assert {"default", "dibao", "linshi"} <= set(names)
    assert names[-1] == "default"


@pytest.mark.parametrize("alias", ["dibao", "低保", "城乡低保"])
def test_chinese_alias_finds_the_pipeline(alias):
    assert load_pipeline(alias).name == "dibao"


def test_matrix_minimum_in_dibao():
    dibao = load_pipeline("dibao")
    assert dibao.columns["phone"].action == "drop_column"
    assert dibao.columns["bank_card"].action == "drop_column"
    assert dibao.columns["diagnosis"].action == "drop_column"
    id_rule = dibao.columns["id_card"]
    assert (id_rule.action, id_rule.keep_first, id_rule.keep_last) == ("mask", 6, 4)
    assert dibao.columns["address"].level == "village"
    assert dibao.text["CN_USCC"].action == "keep"


def test_user_file_extends_a_builtin_and_overrides_one_rule(tmp_path):
    path = tmp_path / "mine.yaml"
    path.write_text("name: mine\nextends: 低保\ncolumns:\n  address: {action: generalize, level: township}\n", "utf-8")
    mine = load_pipeline(str(path))
    assert mine.columns["address"].level == "township"
    assert mine.columns["address"].origin == "mine:columns.address"
    assert mine.columns["id_card"].origin == "dibao:columns.id_card"
    assert mine.chain == ["mine", "dibao", "default"]
    assert mine.policy_hash != load_pipeline("dibao").policy_hash


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("name: x\ncolumnz: {}\n", "unknown key 'columnz'; allowed: name, title"),
        ("name: x\ncolumns:\n  idcard: mask\n", "unknown column type 'idcard'; allowed: person_name"),
        ("name: x\ncolumns:\n  id_card: {action: hide}\n", "unknown action in columns.id_card 'hide'; allowed: keep"),
        ("name: x\ntext:\n  SSN: mask\n", "unknown entity 'SSN'; allowed: CN_ID_CARD"),
        (
            "name: x\ncolumns:\n  id_card: {action: mask, keep_frist: 6}\n",
            "unknown option of columns.id_card (mask) 'keep_frist'",
        ),
        (
            "name: x\ncolumns:\n  address: {action: generalize, level: street}\n",
            "unknown level in columns.address 'street'",
        ),
        ("name: x\ncolumns:\n  id_card: keep\n", "columns.id_card cannot be kept in full"),
        ("name: x\ntext:\n  CN_PHONE: keep\n", "text.CN_PHONE cannot be kept in full"),
        ("name: x\ncolumns:\n  id_card: {action: mask, keep_first: -1}\n", "keep_first must be a whole number"),
        ("name: x\nextends: nosuch\n", "unknown pipeline 'nosuch'"),
        ("name: x\ncolumns: [1, 2]\n", "'columns' must be a mapping"),
        ("- just\n- a list\n", "a pipeline file must be a mapping"),
        ("name: x\ncolumns:\n  id_card: {action: mask\n", "not valid YAML at line"),
    ],
)
def test_bad_pipeline_files_give_one_clear_line(tmp_path, text, expected):
    path = tmp_path / "bad.yaml"
    path.write_text(text, "utf-8")
    with pytest.raises(PolicyError) as caught:
        load_pipeline(str(path))
    message = str(caught.value)
    assert expected in message
    assert str(path) in message or "unknown pipeline" in message
    assert "\n" not in message


def test_extends_loop_is_refused(tmp_path):
    (tmp_path / "a.yaml").write_text(f"name: a\nextends: {tmp_path / 'b.yaml'}\n", "utf-8")
    (tmp_path / "b.yaml").write_text(f"name: b\nextends: {tmp_path / 'a.yaml'}\n", "utf-8")
    with pytest.raises(PolicyError, match="loops back"):
        load_pipeline(str(tmp_path / "a.yaml"))


def test_missing_pipeline_file_is_named(tmp_path):
    with pytest.raises(PolicyError, match="no such pipeline file"):
        load_pipeline(str(tmp_path / "nope.yaml"))


def test_every_rule_describes_itself_in_chinese():
    for pipeline in list_pipelines():
        for column, rule in pipeline.columns.items():
            assert describe_rule(rule, COLUMN_TYPES[column].entity)
        for entity, rule in pipeline.text.items():
            assert describe_rule(rule, entity)
