"""Prompt templates for causal-LM examples, and the token labels with the prompt masked.

A template renders a conversation into text pieces, each marked as learned (the
assistant's words and its end-of-turn marker) or not (everything the model is given).
The labels come from the tokenizer's character offsets over the whole text, so a token
is learned exactly when its text overlaps a learned piece (a word-start token such as
"▁the" carries the space before the answer's first word); tokenizing the pieces
separately would add spurious word-start markers at every boundary.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from .data import Conversation
from .errors import invalid

IGNORE = -100
TEMPLATES = ("alpaca", "chatml", "llama")
ALPACA_HEADER = (
    "Below is an instruction that describes a task. "
    "Write a response that appropriately completes the request.\n\n"
)


@dataclass(frozen=True)
class Piece:
    text: str
    learned: bool


def _alpaca(conversation: Conversation, eos: str) -> list[Piece]:
    pieces = [Piece(ALPACA_HEADER, False)]
    for turn in conversation.turns:
        if turn.role == "assistant":
            pieces += [Piece("### Response:\n", False), Piece(turn.content + eos, True)]
            pieces.append(Piece("\n\n", False))
        elif turn.role == "user":
            pieces.append(Piece(f"### Instruction:\n{turn.content}\n\n", False))
        else:
            pieces.append(Piece(f"{turn.content}\n\n", False))
    return pieces[:-1]


def _chatml(conversation: Conversation, _eos: str) -> list[Piece]:
    pieces = []
    for turn in conversation.turns:
        pieces.append(Piece(f"<|im_start|>{turn.role}\n", False))
        if turn.role == "assistant":
            pieces += [Piece(f"{turn.content}<|im_end|>", True), Piece("\n", False)]
        else:
            pieces.append(Piece(f"{turn.content}<|im_end|>\n", False))
    return pieces[:-1]


def _llama(conversation: Conversation, eos: str) -> list[Piece]:
    """Llama-2 chat: [INST] … [/INST] answer</s>, the system prompt inside the first [INST]."""
    pieces, system = [], ""
    for turn in conversation.turns:
        if turn.role == "system":
            system = f"<<SYS>>\n{turn.content}\n<</SYS>>\n\n"
        elif turn.role == "user":
            pieces.append(Piece(f"[INST] {system}{turn.content} [/INST] ", False))
            system = ""
        else:
            pieces.append(Piece(turn.content + eos, True))
    return pieces


RENDERERS: dict[str, Callable[[Conversation, str], list[Piece]]] = {
    "alpaca": _alpaca,
    "chatml": _chatml,
    "llama": _llama,
}


def default_template(data_format: str) -> str:
    return "chatml" if data_format == "chatml" else "alpaca"


def render(template: str, conversation: Conversation, eos: str) -> list[Piece]:
    if template not in RENDERERS:
        raise invalid(f"template {template!r} is unknown; supported: {', '.join(TEMPLATES)}")
    return RENDERERS[template](conversation, eos)


def learned_spans(pieces: Sequence[Piece]) -> list[tuple[int, int]]:
    spans, at = [], 0
    for piece in pieces:
        if piece.learned:
            spans.append((at, at + len(piece.text)))
        at += len(piece.text)
    return spans


def mask_labels(
    ids: Sequence[int], offsets: Sequence[tuple[int, int]], spans: Sequence[tuple[int, int]]
) -> list[int]:
    """Each token's label is its id when its text overlaps a learned span, else IGNORE.

    Tokens without text (offsets (0, 0), such as a leading BOS) are never learned.
    """
    labels = []
    for token, (start, end) in zip(ids, offsets, strict=True):
        inside = end > start and any(start < b and end > a for a, b in spans)
        labels.append(token if inside else IGNORE)
    return labels


def tokenize(tokenizer: Any, pieces: Sequence[Piece], max_length: int) -> dict[str, list[int]]:
    """input_ids, attention_mask and labels (prompt masked) of one rendered example."""
    text = "".join(piece.text for piece in pieces)
    encoded = tokenizer(text, return_offsets_mapping=True, truncation=True, max_length=max_length)
    ids = list(encoded["input_ids"])
    labels = mask_labels(ids, encoded["offset_mapping"], learned_spans(pieces))
    return {"input_ids": ids, "attention_mask": [1] * len(ids), "labels": labels}
