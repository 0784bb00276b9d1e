"""GGUF export for llama-architecture models: the merged model (f32, f16 or q8_0) and the
LoRA adapter, in the tensor names and layouts llama.cpp loads.

Hugging Face stores q_proj/k_proj rows with the two halves of each rotary pair split
across the head; llama.cpp expects them interleaved, so those rows are permuted (and so
are a LoRA's B matrices for q and k, which produce those rows). Linear weights keep their
[out, in] numpy shape: GGUF lists dimensions innermost first, so llama.cpp reads [in, out].
"""

import json
import re
from pathlib import Path
from typing import Any

import gguf
import numpy as np
from numpy.typing import NDArray
from safetensors.torch import load_file as load_torch

from .errors import ExitCode, TrainerError
from .gguf_vocab import chat_template, read_vocab

LAYER = {
    "input_layernorm": "attn_norm",
    "self_attn.q_proj": "attn_q",
    "self_attn.k_proj": "attn_k",
    "self_attn.v_proj": "attn_v",
    "self_attn.o_proj": "attn_output",
    "post_attention_layernorm": "ffn_norm",
    "mlp.gate_proj": "ffn_gate",
    "mlp.up_proj": "ffn_up",
    "mlp.down_proj": "ffn_down",
}
GLOBAL = {"model.embed_tokens": "token_embd", "model.norm": "output_norm", "lm_head": "output"}
LAYER_NAME = re.compile(r"model\.layers\.(\d+)\.(.+)$")
FILE_TYPES = {"f32": (0, None), "f16": (1, np.float16), "q8_0": (7, "q8_0")}

Array = NDArray[Any]


def load_file(path: str) -> dict[str, Array]:
    """Tensors as float32 numpy arrays (numpy has no bfloat16, which GPU runs save)."""
    return {name: t.float().numpy() for name, t in load_torch(path).items()}


def gguf_name(hf_module: str) -> str | None:
    """llama.cpp's name for a Hugging Face llama module path (without .weight)."""
    if hf_module in GLOBAL:
        return GLOBAL[hf_module]
    match = LAYER_NAME.match(hf_module)
    if match and match.group(2) in LAYER:
        return f"blk.{match.group(1)}.{LAYER[match.group(2)]}"
    return None


def permute_rows(weights: Array, heads: int) -> Array:
    """Split rotary halves to interleaved pairs, per head, along the output rows."""
    rows = weights.shape[0]
    shaped = weights.reshape(heads, 2, rows // heads // 2, *weights.shape[1:])
    return shaped.swapaxes(1, 2).reshape(weights.shape)


def _config(folder: Path) -> dict[str, Any]:
    config: dict[str, Any] = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    if config.get("model_type") != "llama":
        raise TrainerError(
            ExitCode.OUTPUT,
            f"GGUF export supports llama-architecture models, not {config.get('model_type')}",
        )
    return config


def _heads_for(name: str, config: dict[str, Any]) -> int | None:
    heads = int(config["num_attention_heads"])
    if name.endswith("attn_q"):
        return heads
    if name.endswith("attn_k"):
        return int(config.get("num_key_value_heads") or heads)
    return None


def _hparams(writer: Any, config: dict[str, Any], file_type: int) -> None:
    heads = int(config["num_attention_heads"])
    embd = int(config["hidden_size"])
    writer.add_name(str(config.get("_name_or_path") or "kubetune fine-tuned llama"))
    writer.add_file_type(file_type)
    writer.add_context_length(int(config["max_position_embeddings"]))
    writer.add_embedding_length(embd)
    writer.add_block_count(int(config["num_hidden_layers"]))
    writer.add_feed_forward_length(int(config["intermediate_size"]))
    writer.add_head_count(heads)
    writer.add_head_count_kv(int(config.get("num_key_value_heads") or heads))
    writer.add_rope_dimension_count(int(config.get("head_dim") or embd // heads))
    writer.add_layer_norm_rms_eps(float(config["rms_norm_eps"]))
    rope = config.get("rope_parameters") or {}
    writer.add_rope_freq_base(float(rope.get("rope_theta", config.get("rope_theta", 10000.0))))
    writer.add_vocab_size(int(config["vocab_size"]))


def _tokenizer(writer: Any, folder: Path) -> None:
    vocab = read_vocab(folder)
    writer.add_tokenizer_model("llama")
    writer.add_token_list(vocab.tokens)
    writer.add_token_scores(vocab.scores)
    writer.add_token_types(vocab.types)
    for key, add in (
        ("bos", writer.add_bos_token_id),
        ("eos", writer.add_eos_token_id),
        ("unk", writer.add_unk_token_id),
        ("pad", writer.add_pad_token_id),
    ):
        if key in vocab.special:
            add(vocab.special[key])
    writer.add_add_bos_token(vocab.add_bos)
    writer.add_add_eos_token(False)
    template = chat_template(folder)
    if template:
        writer.add_chat_template(template)


def _weights(folder: Path) -> dict[str, Array]:
    tensors: dict[str, Array] = {}
    for file in sorted(folder.glob("*.safetensors")):
        tensors.update(load_file(str(file)))
    if not tensors:
        raise TrainerError(ExitCode.OUTPUT, f"{folder} holds no safetensors weights")
    if "lm_head.weight" not in tensors:  # tied embeddings
        tensors["lm_head.weight"] = tensors["model.embed_tokens.weight"]
    return tensors


def _encode(data: Array, kind: Any) -> tuple[Array, Any]:
    data = data.astype(np.float32)
    if data.ndim == 1 or kind is None:
        return data, None
    if kind == "q8_0":
        if data.shape[-1] % 32:
            return data.astype(np.float16), None
        return gguf.quants.quantize(
            data, gguf.GGMLQuantizationType.Q8_0
        ), gguf.GGMLQuantizationType.Q8_0
    return data.astype(kind), None


def write_model_gguf(folder: Path, out: Path, file_type: str = "f16") -> Path:
    """The merged Hugging Face llama folder (weights + tokenizer) as one GGUF file."""
    if file_type not in FILE_TYPES:
        raise TrainerError(
            ExitCode.INVALID_INPUT, f"ggufType must be one of {', '.join(FILE_TYPES)}"
        )
    config = _config(folder)
    code, kind = FILE_TYPES[file_type]
    writer = gguf.GGUFWriter(str(out), "llama")
    _hparams(writer, config, code)
    _tokenizer(writer, folder)
    for hf_name, data in sorted(_weights(folder).items()):
        module = hf_name.removesuffix(".weight")
        name = gguf_name(module)
        if name is None:
            continue  # e.g. rotary caches some exports carry
        heads = _heads_for(name, config)
        array = permute_rows(data, heads) if heads else data
        encoded, raw = _encode(array, kind)
        writer.add_tensor(f"{name}.weight", encoded, raw_dtype=raw)
    _finish(writer)
    return out


def _finish(writer: Any) -> None:
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()


LORA_KEY = re.compile(r"^base_model\.model\.(.+)\.lora_([AB])\.weight$")


def write_adapter_gguf(adapter: Path, base_folder: Path, out: Path) -> Path:
    """A PEFT LoRA adapter as a llama.cpp GGUF adapter for the base it was trained on."""
    config = _config(base_folder)
    settings = json.loads((adapter / "adapter_config.json").read_text(encoding="utf-8"))
    if settings.get("use_rslora") or settings.get("use_dora"):
        raise TrainerError(ExitCode.OUTPUT, "GGUF adapters support plain LoRA (no rsLoRA, DoRA)")
    writer = gguf.GGUFWriter(str(out), "llama")
    writer.add_type("adapter")
    writer.add_string("adapter.type", "lora")
    writer.add_float32("adapter.lora.alpha", float(settings["lora_alpha"]))
    for key, data in sorted(load_file(str(adapter / "adapter_model.safetensors")).items()):
        match = LORA_KEY.match(key)
        name = gguf_name(match.group(1)) if match else None
        if match is None or name is None:
            raise TrainerError(ExitCode.OUTPUT, f"adapter tensor {key} has no llama.cpp name")
        heads = _heads_for(name, config) if match.group(2) == "B" else None
        array = permute_rows(data, heads) if heads else data
        writer.add_tensor(f"{name}.weight.lora_{match.group(2).lower()}", array.astype(np.float32))
    _finish(writer)
    return out
