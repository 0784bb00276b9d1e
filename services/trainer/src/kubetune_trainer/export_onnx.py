"""ONNX export of a sequence classifier in the folder layout the encoder service loads:
model.onnx (inputs input_ids and attention_mask, plus token_type_ids when the model has
them, int64 batch x sequence; output logits), tokenizer.json and config.json (id2label,
problem_type). The export is checked against PyTorch before it is reported.
"""

import shutil
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import onnxruntime
import torch
from transformers import AutoModelForSequenceClassification

from .errors import ExitCode, TrainerError

FOLDER_FILES = ("config.json", "model.onnx", "tokenizer.json")
OPSET = 17
TOLERANCE = 1e-3
EXPORT_TEXTS = ["a short text", "a somewhat longer text to check padding in the batch"]
# Checked on other shapes than the traced ones: a trace that baked in a length fails here.
CHECK_TEXTS = ["one", "three texts of other lengths", "and a third, longer than both of the others"]


class LogitsOnly(torch.nn.Module):
    """Positional inputs and a single logits output, as the encoder feeds and reads."""

    def __init__(self, model: Any, token_types: bool) -> None:
        super().__init__()
        self.model, self.token_types = model, token_types

    def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any = None) -> Any:
        extra = {"token_type_ids": token_type_ids} if self.token_types else {}
        return self.model(input_ids=input_ids, attention_mask=attention_mask, **extra).logits


def input_names(model: Any) -> list[str]:
    names = ["input_ids", "attention_mask"]
    if getattr(model.config, "type_vocab_size", 0):
        names.append("token_type_ids")
    return names


def _export(model: Any, tokenizer: Any, path: Path) -> list[str]:
    names = input_names(model)
    sample = tokenizer(EXPORT_TEXTS, padding=True, return_tensors="pt")
    args = tuple(
        sample[name] if name in sample else torch.zeros_like(sample["input_ids"]) for name in names
    )
    axes = {name: {0: "batch", 1: "sequence"} for name in names}
    torch.onnx.export(
        LogitsOnly(model, "token_type_ids" in names).eval(),
        args,
        str(path),
        input_names=names,
        output_names=["logits"],
        dynamic_axes={**axes, "logits": {0: "batch"}},
        opset_version=OPSET,
        dynamo=False,
    )
    return names


def check_export(model: Any, tokenizer: Any, path: Path, texts: list[str]) -> float:
    """Largest absolute difference between onnxruntime's and PyTorch's logits on `texts`."""
    batch = tokenizer(texts, padding=True, return_tensors="pt")
    names = input_names(model)
    feeds = {
        n: (batch[n] if n in batch else torch.zeros_like(batch["input_ids"])).numpy() for n in names
    }
    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    (onnx_logits,) = session.run(["logits"], {k: v.astype(np.int64) for k, v in feeds.items()})
    with torch.no_grad():
        torch_logits = model(**{k: torch.from_numpy(v) for k, v in feeds.items()}).logits.numpy()
    return float(np.abs(onnx_logits - torch_logits).max())


def export_onnx_folder(model: Any, tokenizer: Any, out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as saved:
        # Re-load with eager attention: the tracer records plain matmuls and softmax.
        model.save_pretrained(saved)
        eager = AutoModelForSequenceClassification.from_pretrained(
            saved, attn_implementation="eager"
        )
        eager.eval()
        tokenizer.save_pretrained(saved)
        _export(eager, tokenizer, out / "model.onnx")
        shutil.copy(Path(saved) / "config.json", out / "config.json")
        shutil.copy(Path(saved) / "tokenizer.json", out / "tokenizer.json")
        difference = check_export(eager, tokenizer, out / "model.onnx", CHECK_TEXTS)
    if difference > TOLERANCE:
        raise TrainerError(
            ExitCode.OUTPUT, f"the ONNX export differs from PyTorch by {difference:.2e} in logits"
        )
    return out
