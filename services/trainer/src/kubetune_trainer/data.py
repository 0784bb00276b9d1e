"""Reading a dataset file (JSON, JSONL or CSV) into rows of one of the four formats.

A row that does not have its format's shape is skipped and counted, not fatal: real
datasets have a few broken lines. When most rows are bad the file is the wrong one (or
the format is), and the run stops with exit code 3 rather than training on scraps.
"""

import csv
import json
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import ExitCode, TrainerError

ROLES = ("system", "user", "assistant")


@dataclass(frozen=True)
class Turn:
    role: str
    content: str


@dataclass(frozen=True)
class Conversation:
    """A causal-LM example: the assistant turns are what the model learns to write."""

    turns: tuple[Turn, ...]


@dataclass(frozen=True)
class Labeled:
    """A classification example: one label (single-label) or a set (multi-label)."""

    text: str
    labels: tuple[str, ...]
    multi: bool = False


Example = Conversation | Labeled


@dataclass(frozen=True)
class Loaded:
    examples: list[Example]
    skipped: int
    first_problem: str | None


class BadRowError(ValueError):
    pass


def _text(row: dict[str, Any], key: str, required: bool = True) -> str:
    value = row.get(key)
    if value is None or value == "":
        if required:
            raise BadRowError(f"missing {key!r}")
        return ""
    if not isinstance(value, str):
        raise BadRowError(f"{key!r} is not a string")
    return value


def alpaca_row(row: dict[str, Any]) -> Conversation:
    instruction, extra = _text(row, "instruction"), _text(row, "input", required=False)
    prompt = f"{instruction}\n\n{extra}" if extra else instruction
    return Conversation((Turn("user", prompt), Turn("assistant", _text(row, "output"))))


def qa_row(row: dict[str, Any]) -> Conversation:
    return Conversation(
        (Turn("user", _text(row, "question")), Turn("assistant", _text(row, "answer")))
    )


def _messages(row: dict[str, Any]) -> list[Any]:
    messages = row.get("messages")
    if isinstance(messages, str):  # CSV cells hold the list as JSON
        try:
            messages = json.loads(messages)
        except json.JSONDecodeError as error:
            raise BadRowError("'messages' is not a JSON list") from error
    if not isinstance(messages, list) or not messages:
        raise BadRowError("'messages' is not a non-empty list")
    return messages


def chatml_row(row: dict[str, Any]) -> Conversation:
    turns = []
    for message in _messages(row):
        if not isinstance(message, dict) or message.get("role") not in ROLES:
            raise BadRowError(f"a message's role must be one of {', '.join(ROLES)}")
        turns.append(Turn(message["role"], _text(message, "content")))
    if turns[-1].role != "assistant":
        raise BadRowError("the last message is not the assistant's")
    return Conversation(tuple(turns))


def _label_list(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):  # CSV: "a|b"
        value = [part.strip() for part in value.split("|")]
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise BadRowError("'labels' is not a list of label names")
    return tuple(sorted(set(value)))


def text_label_row(row: dict[str, Any]) -> Labeled:
    text = _text(row, "text")
    if "labels" in row:
        return Labeled(text, _label_list(row["labels"]), multi=True)
    label = row.get("label")
    if isinstance(label, int) and not isinstance(label, bool):
        label = str(label)
    if not isinstance(label, str) or not label:
        raise BadRowError("missing 'label' (or 'labels')")
    return Labeled(text, (label,))


PARSERS: dict[str, Callable[[dict[str, Any]], Example]] = {
    "alpaca": alpaca_row,
    "qa": qa_row,
    "chatml": chatml_row,
    "text-label": text_label_row,
}


def _json_rows(text: str) -> Iterator[Any]:
    document = json.loads(text)
    if isinstance(document, dict) and isinstance(document.get("data"), list):
        document = document["data"]
    if not isinstance(document, list):
        raise TrainerError(ExitCode.DATA, "a JSON dataset must be a list of rows")
    yield from document


def _jsonl_rows(text: str) -> Iterator[Any]:
    for line in text.splitlines():
        if line.strip():
            try:
                yield json.loads(line)
            except json.JSONDecodeError:
                yield None  # counted as a bad row


def raw_rows(path: Path) -> Iterator[Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise TrainerError(ExitCode.DATA, f"cannot read the dataset {path}: {error}") from error
    suffix = path.suffix.lower()
    if suffix == ".csv":
        yield from csv.DictReader(text.splitlines())
    elif suffix == ".jsonl":
        yield from _jsonl_rows(text)
    elif suffix == ".json":
        try:
            yield from _json_rows(text)
        except json.JSONDecodeError as error:
            raise TrainerError(ExitCode.DATA, f"the dataset {path} is not JSON: {error}") from error
    else:
        raise TrainerError(ExitCode.DATA, f"{path}: the dataset must be .json, .jsonl or .csv")


def load_examples(path: Path, data_format: str) -> Loaded:
    parse = PARSERS[data_format]
    examples: list[Example] = []
    skipped, first_problem = 0, None
    for number, row in enumerate(raw_rows(path), start=1):
        try:
            if not isinstance(row, dict):
                raise BadRowError("not an object")
            examples.append(parse(row))
        except BadRowError as problem:
            skipped += 1
            first_problem = first_problem or f"row {number}: {problem}"
    if not examples or skipped > len(examples):
        raise TrainerError(
            ExitCode.DATA,
            f"{path}: {skipped} of {skipped + len(examples)} rows are not valid "
            f"{data_format} rows (first: {first_problem or 'the file has no rows'})",
        )
    return Loaded(examples, skipped, first_problem)


def split(examples: list[Example], share: float, seed: int) -> tuple[list[Example], list[Example]]:
    """Seeded shuffle, then the held-out share (at least one row when share > 0)."""
    shuffled = examples[:]
    random.Random(seed).shuffle(shuffled)
    held = round(len(shuffled) * share)
    held = min(max(held, 1 if share > 0 else 0), len(shuffled) - 1)
    return shuffled[held:], shuffled[:held]
