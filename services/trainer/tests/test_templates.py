"""Prompt templates and loss masking: only the assistant's words (and its end-of-turn
marker) are learned; everything the model is given is masked out of the loss."""

from pathlib import Path

import pytest
from transformers import AutoTokenizer

from kubetune_trainer.data import Conversation, Turn
from kubetune_trainer.templates import IGNORE, Piece, mask_labels, render, tokenize

QA = Conversation((Turn("user", "what do cats say"), Turn("assistant", "cats say meow")))
CHAT = Conversation(
    (
        Turn("system", "be brief"),
        Turn("user", "what colour is grass"),
        Turn("assistant", "grass is green"),
        Turn("user", "what colour is the sky"),
        Turn("assistant", "the sky is blue"),
    )
)


def test_when_alpaca_renders_a_question_the_response_and_eos_are_the_learned_part() -> None:
    pieces = render("alpaca", QA, "</s>")
    text = "".join(p.text for p in pieces)
    assert text.endswith("### Instruction:\nwhat do cats say\n\n### Response:\ncats say meow</s>")
    assert [p.text for p in pieces if p.learned] == ["cats say meow</s>"]


def test_when_chatml_renders_a_conversation_each_assistant_turn_is_learned_with_im_end() -> None:
    pieces = render("chatml", CHAT, "</s>")
    assert "".join(p.text for p in pieces).startswith("<|im_start|>system\nbe brief<|im_end|>\n")
    assert [p.text for p in pieces if p.learned] == [
        "grass is green<|im_end|>",
        "the sky is blue<|im_end|>",
    ]


def test_when_llama_renders_a_conversation_the_system_prompt_sits_in_the_first_inst() -> None:
    pieces = render("llama", CHAT, "</s>")
    text = "".join(p.text for p in pieces)
    assert text.startswith("[INST] <<SYS>>\nbe brief\n<</SYS>>\n\nwhat colour is grass [/INST] ")
    assert "grass is green</s>[INST] what colour is the sky [/INST] the sky is blue</s>" in text


def test_when_a_token_overlaps_a_learned_span_only_then_it_is_learned() -> None:
    offsets = [(0, 0), (0, 3), (3, 6), (5, 9), (9, 12)]
    labels = mask_labels([5, 6, 7, 8, 9], offsets, [(6, 9)])
    assert labels == [IGNORE, IGNORE, IGNORE, 8, IGNORE]


@pytest.mark.parametrize("template", ["alpaca", "chatml", "llama"])
def test_when_an_example_is_tokenized_the_prompt_is_masked_and_the_answer_learned(
    tiny_llama: Path, template: str
) -> None:
    tokenizer = AutoTokenizer.from_pretrained(str(tiny_llama))
    pieces = render(template, CHAT, tokenizer.eos_token)
    row = tokenize(tokenizer, pieces, max_length=512)
    ids, labels = row["input_ids"], row["labels"]
    assert ids[0] == tokenizer.bos_token_id and labels[0] == IGNORE
    learned = [label for label in labels if label != IGNORE]
    end = "<|im_end|>" if template == "chatml" else "</s>"
    # Compared without spaces: a special token makes the tokenizer start a new word.
    assert "".join(tokenizer.decode(learned).split()) == f"grassisgreen{end}theskyisblue{end}"
    first_learned = next(i for i, label in enumerate(labels) if label != IGNORE)
    prompt = tokenizer.decode(ids[1:first_learned])
    assert prompt.rstrip().endswith(
        "[/INST]" if template == "llama" else "assistant" if template == "chatml" else ""
    )
    assert "what colour is grass" in prompt


def test_when_an_example_is_longer_than_the_limit_it_is_truncated(tiny_llama: Path) -> None:
    tokenizer = AutoTokenizer.from_pretrained(str(tiny_llama))
    row = tokenize(tokenizer, [Piece("grass is green " * 50, False), Piece("blue", True)], 16)
    assert len(row["input_ids"]) == len(row["labels"]) == 16
    assert set(row["labels"]) == {IGNORE}
