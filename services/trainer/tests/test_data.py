"""Dataset files in each format and container, and how bad rows are handled."""

import csv
import json
from pathlib import Path

import pytest

from conftest import write_rows
from kubetune_trainer.data import Conversation, Labeled, Turn, load_examples, split
from kubetune_trainer.errors import ExitCode, TrainerError


def test_when_alpaca_rows_have_an_input_it_joins_the_instruction(tmp_path: Path) -> None:
    rows = [
        {"instruction": "Translate", "input": "bonjour", "output": "hello"},
        {"instruction": "Say hi", "output": "hi"},
    ]
    loaded = load_examples(write_rows(tmp_path / "a.jsonl", rows), "alpaca")
    assert loaded.examples == [
        Conversation((Turn("user", "Translate\n\nbonjour"), Turn("assistant", "hello"))),
        Conversation((Turn("user", "Say hi"), Turn("assistant", "hi"))),
    ]


def test_when_chatml_rows_come_from_a_json_file_every_turn_is_kept(tmp_path: Path) -> None:
    messages = [
        {"role": "system", "content": "be brief"},
        {"role": "user", "content": "hi"},
        {"role": "assistant", "content": "hello"},
    ]
    path = tmp_path / "c.json"
    path.write_text(json.dumps([{"messages": messages}]))
    (example,) = load_examples(path, "chatml").examples
    assert isinstance(example, Conversation)
    assert [t.role for t in example.turns] == ["system", "user", "assistant"]


def test_when_qa_rows_come_from_csv_they_become_question_and_answer_turns(tmp_path: Path) -> None:
    path = tmp_path / "q.csv"
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, ["question", "answer"])
        writer.writeheader()
        writer.writerow({"question": "why, though?", "answer": "because"})
    (example,) = load_examples(path, "qa").examples
    assert example == Conversation((Turn("user", "why, though?"), Turn("assistant", "because")))


def test_when_text_label_rows_use_labels_lists_or_pipes_they_are_multi_label(
    tmp_path: Path,
) -> None:
    path = tmp_path / "t.csv"
    path.write_text("text,labels\nsome text,b|a\n")
    (example,) = load_examples(path, "text-label").examples
    assert example == Labeled("some text", ("a", "b"), multi=True)
    single = load_examples(
        write_rows(tmp_path / "s.jsonl", [{"text": "x", "label": 3}]), "text-label"
    )
    assert single.examples == [Labeled("x", ("3",), multi=False)]


def test_when_a_few_rows_are_bad_they_are_skipped_and_counted(tmp_path: Path) -> None:
    path = tmp_path / "q.jsonl"
    good = [json.dumps({"question": f"q{i}", "answer": "a"}) for i in range(3)]
    path.write_text("\n".join([*good, "{broken", json.dumps({"question": "no answer"})]))
    loaded = load_examples(path, "qa")
    assert (len(loaded.examples), loaded.skipped) == (3, 2)
    assert loaded.first_problem == "row 4: not an object"


def test_when_most_rows_are_bad_the_run_stops_with_exit_code_3(tmp_path: Path) -> None:
    rows = [{"question": "q", "answer": "a"}, {"instruction": "x"}, {"instruction": "y"}]
    with pytest.raises(TrainerError) as caught:
        load_examples(write_rows(tmp_path / "q.jsonl", rows), "qa")
    assert caught.value.code == ExitCode.DATA
    assert (
        "2 of 3 rows are not valid qa rows (first: row 2: missing 'question')"
        in caught.value.message
    )


def test_when_the_dataset_has_an_unknown_extension_it_is_a_data_error(tmp_path: Path) -> None:
    path = tmp_path / "data.parquet"
    path.write_bytes(b"PAR1")
    with pytest.raises(TrainerError, match=r"must be \.json, \.jsonl or \.csv"):
        load_examples(path, "qa")


def test_when_a_share_is_held_out_the_split_is_seeded_and_disjoint() -> None:
    examples = [Labeled(str(i), ("a",)) for i in range(10)]
    train, held = split(examples, 0.2, seed=1)
    assert (len(train), len(held)) == (8, 2)
    assert set(train).isdisjoint(held)
    assert split(examples, 0.2, seed=1) == (train, held)
    assert len(split(examples, 0.01, seed=1)[1]) == 1
