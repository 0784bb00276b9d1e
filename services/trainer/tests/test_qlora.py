"""QLoRA: the 4-bit config per the job and placement, and a real 4-bit NF4 run on the CPU.

bitsandbytes 0.50 quantizes to NF4 and runs 4-bit matmuls (forward and backward) on the
CPU too, so this path is exercised for real here; what needs a GPU is listed in README.md
(the paged 8-bit optimizer, fp16/bf16 compute)."""

from pathlib import Path
from typing import Any

import bitsandbytes as bnb
import numpy as np
import pytest
import torch

from conftest import qa_rows, trainer_input, write_rows
from kubetune_trainer.causal import load_model, train_causal
from kubetune_trainer.harness import training_arguments
from kubetune_trainer.job import Job, parse_job
from kubetune_trainer.progress import Reporter
from kubetune_trainer.quant import quantization_config


def qlora_job(base: Path, tmp: Path, dtype: str = "fp16", **quantization: Any) -> Job:
    data = write_rows(tmp / "qa.jsonl", qa_rows())
    document = trainer_input(
        base,
        data,
        tmp / "out",
        method="qlora",
        quantization=quantization,
        hyperparameters={"epochs": 2, "learningRate": "3e-2", "extra": {"ggufType": "f32"}},
    )
    document["computeDtype"] = dtype
    return parse_job(document)


@pytest.mark.parametrize(("dtype", "expected"), [("fp16", torch.float16), ("bf16", torch.bfloat16)])
def test_when_placed_on_a_gpu_the_4bit_config_is_nf4_double_quant_in_the_pools_dtype(
    tmp_path: Path, dtype: str, expected: torch.dtype
) -> None:
    config = quantization_config(qlora_job(tmp_path, tmp_path, dtype), cuda=True)
    assert config.load_in_4bit and not config.load_in_8bit
    assert config.bnb_4bit_quant_type == "nf4"
    assert config.bnb_4bit_use_double_quant is True
    assert config.bnb_4bit_compute_dtype == expected


def test_when_the_job_asks_for_fp4_without_double_quant_the_config_says_so(tmp_path: Path) -> None:
    job = qlora_job(tmp_path, tmp_path, type="fp4", doubleQuant=False)
    config = quantization_config(job, cuda=True)
    assert (config.bnb_4bit_quant_type, config.bnb_4bit_use_double_quant) == ("fp4", False)
    assert quantization_config(qlora_job(tmp_path, tmp_path, bits=8), cuda=True).load_in_8bit


def test_when_there_is_no_gpu_the_4bit_base_computes_in_fp32_and_adamw_replaces_paged_8bit(
    tmp_path: Path,
) -> None:
    job = qlora_job(tmp_path, tmp_path)
    assert quantization_config(job, cuda=False).bnb_4bit_compute_dtype == torch.float32
    assert training_arguments(job, cuda=False)["optim"] == "adamw_torch"
    on_gpu = training_arguments(job, cuda=True)
    assert (on_gpu["optim"], on_gpu["fp16"], on_gpu["bf16"]) == ("paged_adamw_8bit", True, False)


def test_when_qlora_loads_the_base_its_linear_layers_are_4bit_nf4_with_nested_scales(
    tiny_llama: Path, tmp_path: Path
) -> None:
    model = load_model(qlora_job(tiny_llama, tmp_path), cuda=False)
    layer = model.base_model.model.model.layers[0].self_attn.q_proj
    assert isinstance(layer.base_layer, bnb.nn.Linear4bit)
    weight = layer.base_layer.weight
    assert weight.quant_type == "nf4" and weight.dtype == torch.uint8
    assert weight.numel() * 2 == 64 * 64  # two 4-bit values per byte
    assert weight.quant_state.nested  # double quantization: the scales are quantized too
    assert layer.lora_A["default"].weight.requires_grad
    assert not weight.requires_grad


def test_when_qlora_trains_on_the_cpu_the_loss_falls_and_the_adapter_exports(
    tiny_llama: Path, tmp_path: Path
) -> None:
    sent: list[dict[str, Any]] = []
    artifact, adapter, _ = train_causal(qlora_job(tiny_llama, tmp_path), Reporter(sent.append, 0))
    losses = [float(r["loss"]) for r in sent if "loss" in r]
    assert np.mean(losses[-3:]) < 0.8 * np.mean(losses[:3])
    assert adapter is not None and adapter.path.name == "adapter.gguf"
    assert artifact.path.stat().st_size > 0
