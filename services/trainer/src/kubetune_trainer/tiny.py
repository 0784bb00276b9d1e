"""Tiny models built from configuration, for tests and local trial runs: nothing is
downloaded. A llama-architecture causal LM with a SentencePiece-style BPE tokenizer
(byte fallback, word-start markers, the layout llama.cpp's "llama" vocabulary expects),
and a BERT-architecture encoder with a WordPiece tokenizer. Both tokenizers are trained
on the given texts with the `tokenizers` library; the weights are random (seeded).
"""

import json
import sys
from collections.abc import Sequence
from pathlib import Path

import torch
from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors
from tokenizers.trainers import BpeTrainer, WordPieceTrainer
from transformers import (
    BertConfig,
    BertModel,
    LlamaConfig,
    LlamaForCausalLM,
    PreTrainedTokenizerFast,
)

from .gguf_vocab import merge_pairs

LLAMA_SPECIALS = ["<unk>", "<s>", "</s>", "<|im_start|>", "<|im_end|>"]
BYTES = [f"<0x{b:02X}>" for b in range(256)]
CHATML = (
    "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + "
    "message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
)


def _spm_bpe(texts: Sequence[str], vocab_size: int) -> Tokenizer:
    """Trains merges, then lays the vocabulary out as Llama's: specials, the 256 byte
    tokens, then the learned pieces, so unknown characters fall back to bytes."""
    trainer_tok = Tokenizer(models.BPE())
    trainer_tok.pre_tokenizer = pre_tokenizers.Metaspace(prepend_scheme="first", split=False)
    trainer_tok.train_from_iterator(texts, BpeTrainer(vocab_size=vocab_size, show_progress=False))
    learned = json.loads(trainer_tok.to_str())["model"]
    pieces = sorted(learned["vocab"], key=lambda piece: learned["vocab"][piece])
    vocab = {token: i for i, token in enumerate(LLAMA_SPECIALS + BYTES + pieces)}
    model = models.BPE(
        vocab=vocab,
        merges=merge_pairs(learned["merges"]),
        unk_token="<unk>",
        byte_fallback=True,
        fuse_unk=True,
    )
    tokenizer = Tokenizer(model)
    tokenizer.add_special_tokens(LLAMA_SPECIALS)
    tokenizer.normalizer = normalizers.Sequence(
        [normalizers.Prepend("\u2581"), normalizers.Replace(" ", "\u2581")]
    )
    tokenizer.decoder = decoders.Sequence(
        [
            decoders.Replace("\u2581", " "),
            decoders.ByteFallback(),
            decoders.Fuse(),
            decoders.Strip(" ", 1, 0),
        ]
    )
    tokenizer.post_processor = processors.TemplateProcessing(
        single="<s> $A", pair="<s> $A <s> $B", special_tokens=[("<s>", 1)]
    )
    return tokenizer


def make_tiny_llama(out: Path, texts: Sequence[str], seed: int = 0, vocab_size: int = 400) -> Path:
    """A 2-layer, 64-wide llama causal LM and its tokenizer, saved in the Hugging Face layout."""
    torch.manual_seed(seed)
    backend = _spm_bpe(texts, vocab_size)
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=backend,
        bos_token="<s>",
        eos_token="</s>",
        unk_token="<unk>",
        pad_token="</s>",
        additional_special_tokens=["<|im_start|>", "<|im_end|>"],
    )
    tokenizer.chat_template = CHATML
    config = LlamaConfig(
        vocab_size=backend.get_vocab_size(),
        hidden_size=64,
        intermediate_size=128,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=512,
        rms_norm_eps=1e-5,
        bos_token_id=1,
        eos_token_id=2,
        pad_token_id=2,
        tie_word_embeddings=False,
        initializer_range=0.1,
    )
    LlamaForCausalLM(config).save_pretrained(out)
    tokenizer.save_pretrained(out)
    return out


def make_tiny_bert(out: Path, texts: Sequence[str], seed: int = 0, vocab_size: int = 300) -> Path:
    """A 2-layer, 32-wide BERT encoder (no head) and its WordPiece tokenizer."""
    torch.manual_seed(seed)
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    backend = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    backend.normalizer = normalizers.BertNormalizer(lowercase=True)
    backend.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    backend.train_from_iterator(
        texts, WordPieceTrainer(vocab_size=vocab_size, special_tokens=specials, show_progress=False)
    )
    backend.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]",
        pair="[CLS] $A [SEP] $B:1 [SEP]:1",
        special_tokens=[("[CLS]", 2), ("[SEP]", 3)],
    )
    backend.decoder = decoders.WordPiece()
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=backend,
        unk_token="[UNK]",
        pad_token="[PAD]",
        cls_token="[CLS]",
        sep_token="[SEP]",
        mask_token="[MASK]",
        model_input_names=["input_ids", "token_type_ids", "attention_mask"],
    )
    config = BertConfig(
        vocab_size=backend.get_vocab_size(),
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=2,
        max_position_embeddings=128,
        pad_token_id=0,
    )
    BertModel(config).save_pretrained(out)
    tokenizer.save_pretrained(out)
    return out


def main(argv: list[str]) -> int:
    """python -m kubetune_trainer.tiny llama|bert <out-folder> <texts.txt>"""
    if len(argv) != 3 or argv[0] not in ("llama", "bert"):
        print(main.__doc__, file=sys.stderr)
        return 2
    texts = [line for line in Path(argv[2]).read_text(encoding="utf-8").splitlines() if line]
    make = make_tiny_llama if argv[0] == "llama" else make_tiny_bert
    make(Path(argv[1]), texts)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
