"""Issue 2's bar: a 备注 column with no helpful header, through the ``default`` pipeline.

No ID, 残疾人证号, mobile, landline or bank number survives in full, at least 98 % of cue-word names are
masked, and no hard negative (统一社会信用代码, 文号, amounts, dates, 12345, project codes, 邮政编码) changes.
"""

from __future__ import annotations

import pytest
from conftest import published_rows

from deid.publish import run
from examples.synthetic import Note, free_text_notes, write_csv
from examples.synthetic import Roster as SyntheticRoster
from recognizers.normalize import digits_and_letters

NOTES = 240


@pytest.fixture(scope="module")
def notes_and_output(tmp_path_factory, key_file) -> tuple[list[Note], list[str]]:
    notes = free_text_notes(NOTES, seed=9)
    roster = SyntheticRoster(
        "default", "情况登记", ["序号", "备注"], [[str(i + 1), n.text] for i, n in enumerate(notes)], []
    )
    folder = tmp_path_factory.mktemp("free-text")
    source = write_csv(roster, folder / "notes.csv")
    run([source], "default", folder / "out", key_file)
    rows = published_rows(folder / "out" / "notes.csv")
    return notes, [row[1] for row in rows[2:]]


def test_no_identifier_survives_in_full(notes_and_output):
    notes, published = notes_and_output
    survivors = [
        i
        for i, (note, text) in enumerate(zip(notes, published))
        if any(s in digits_and_letters(text).upper() for s in note.secrets)
    ]
    assert not survivors, f"{len(survivors)} of {len(notes)} identifiers survived, e.g. note #{survivors[:3]}"


def test_cue_word_names_are_masked(notes_and_output):
    notes, published = notes_and_output
    masked = sum(1 for note, text in zip(notes, published) if not any(name in text for name in note.names))
    assert masked / len(notes) >= 0.98, f"only {masked}/{len(notes)} cue-word names masked"


def test_hard_negatives_are_unchanged(notes_and_output):
    notes, published = notes_and_output
    changed = [note.kept[0] for note, text in zip(notes, published) if note.kept[0] not in text]
    assert not changed, f"hard negatives changed: {sorted(set(changed))}"


def test_rest_of_the_sentence_stays(notes_and_output):
    notes, published = notes_and_output
    for note, text in zip(notes, published):
        cue = next(
            c
            for c in (
                "户主",
                "申请人",
                "联系人",
                "其子",
                "其女",
                "其妻",
                "其夫",
                "家属",
                "监护人",
                "制表人",
                "审核人",
                "经办人",
            )
            if note.text.startswith(c)
        )
        assert text.startswith(cue)
