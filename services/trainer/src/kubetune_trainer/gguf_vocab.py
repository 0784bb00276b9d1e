"""A Hugging Face tokenizer.json turned into llama.cpp's "llama" (SentencePiece-style)
vocabulary: the token list in id order, a score per token and a token type.

llama.cpp's SPM tokenizer repeatedly merges the adjacent pair whose concatenation is a
token with the highest score, so a BPE merge learned earlier (a lower rank) must score
higher: a merged token scores minus its merge rank. Single characters and bytes are never
the result of a merge, so their score does not matter.
"""

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import ExitCode, TrainerError

NORMAL, UNKNOWN, CONTROL, USER_DEFINED, BYTE = 1, 2, 3, 4, 6


@dataclass(frozen=True)
class Vocab:
    tokens: list[str]
    scores: list[float]
    types: list[int]
    special: dict[str, int]
    add_bos: bool


def merge_pairs(raw: list[Any]) -> list[tuple[str, str]]:
    """tokenizer.json merges, written as "a b" strings or as [a, b] pairs."""
    pairs = []
    for merge in raw:
        a, b = merge.split(" ", 1) if isinstance(merge, str) else merge
        pairs.append((str(a), str(b)))
    return pairs


def _check_spm(document: dict[str, Any]) -> dict[str, Any]:
    model = document.get("model", {})
    if model.get("type") != "BPE" or not model.get("byte_fallback"):
        raise TrainerError(
            ExitCode.OUTPUT,
            "GGUF export supports SentencePiece-style BPE tokenizers (byte fallback, as in "
            "Llama 2, Mistral, TinyLlama); this tokenizer.json is "
            f"{model.get('type')} without byte fallback",
        )
    return dict(model)


def _token_type(token: str, added: dict[str, dict[str, Any]], unk: str | None) -> int:
    if token == unk:
        return UNKNOWN
    if token in added:
        return CONTROL if added[token].get("special") else USER_DEFINED
    if len(token) == 6 and token.startswith("<0x") and token.endswith(">"):
        return BYTE
    return NORMAL


def read_vocab(tokenizer_dir: Path) -> Vocab:
    document = json.loads((tokenizer_dir / "tokenizer.json").read_text(encoding="utf-8"))
    model = _check_spm(document)
    ids: dict[str, int] = dict(model["vocab"])
    added = {t["content"]: t for t in document.get("added_tokens", [])}
    ids.update({content: token["id"] for content, token in added.items()})
    tokens = [""] * (max(ids.values()) + 1)
    for token, index in ids.items():
        tokens[index] = token
    rank: dict[str, int] = {}
    for i, (a, b) in enumerate(merge_pairs(model.get("merges", []))):
        rank.setdefault(a + b, i)
    unk = model.get("unk_token")
    config = _tokenizer_config(tokenizer_dir)
    special = {
        key: ids[name]
        for key in ("bos", "eos", "unk", "pad")
        if isinstance(name := config.get(f"{key}_token"), str) and name in ids
    }
    return Vocab(
        tokens=tokens,
        scores=[-float(rank[t]) if t in rank else 0.0 for t in tokens],
        types=[_token_type(t, added, unk) for t in tokens],
        special=special,
        add_bos=_adds_bos(document, special.get("bos")),
    )


def _tokenizer_config(folder: Path) -> dict[str, Any]:
    path = folder / "tokenizer_config.json"
    if not path.exists():
        return {}
    config: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    for key, value in list(config.items()):
        if isinstance(value, dict) and "content" in value:  # older AddedToken form
            config[key] = value["content"]
    return config


def _adds_bos(document: dict[str, Any], bos: int | None) -> bool:
    """Whether the tokenizer's post-processor puts BOS first, as llama.cpp must too."""
    processor = document.get("post_processor") or {}
    single = processor.get("single", [])
    first = single[0] if single else {}
    return bos is not None and "SpecialToken" in first


def chat_template(tokenizer_dir: Path) -> str | None:
    template = _tokenizer_config(tokenizer_dir).get("chat_template")
    jinja = tokenizer_dir / "chat_template.jinja"
    if template is None and jinja.exists():
        template = jinja.read_text(encoding="utf-8")
    return template if isinstance(template, str) else None
