"""Sequence classification on the tiny BERT: training, held-out metrics, and the ONNX
folder the encoder service loads, checked against PyTorch's logits."""

import json
from pathlib import Path
from typing import Any

import numpy as np
import onnxruntime
import pytest
import torch
from transformers import AutoModelForSequenceClassification, AutoTokenizer

from conftest import TOPICS, trainer_input, write_rows
from kubetune_trainer.classify import train_classifier
from kubetune_trainer.job import parse_job
from kubetune_trainer.progress import Reporter
from kubetune_trainer.result import folder_digest


def classification_job(base: Path, tmp: Path, rows: list[dict[str, Any]], **spec: Any) -> Any:
    data = write_rows(tmp / "labels.jsonl", rows)
    settings: dict[str, Any] = {
        "task": "sequence-classification",
        "method": "full",
        "dataset": {"format": "text-label", "validationSplit": "0.25"},
        "output": {"format": "onnx"},
        "hyperparameters": {"epochs": 8, "learningRate": "5e-3", "maxSeqLength": 32},
    }
    document = trainer_input(base, data, tmp / "out", **{**settings, **spec})
    return parse_job(document)


def single_rows() -> list[dict[str, str]]:
    return [{"text": t, "label": topic} for topic, texts in TOPICS.items() for t in texts] * 2


@pytest.fixture(scope="module")
def single(tiny_bert: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    tmp = tmp_path_factory.mktemp("classify")
    job = classification_job(tiny_bert, tmp, single_rows())
    sent: list[dict[str, Any]] = []
    artifact, adapter, metrics = train_classifier(job, Reporter(sent.append, interval=0))
    return {"job": job, "artifact": artifact, "adapter": adapter, "metrics": metrics, "sent": sent}


def test_when_an_encoder_is_trained_the_result_has_classification_metrics(
    single: dict[str, Any],
) -> None:
    metrics = single["metrics"]
    assert {"accuracy", "f1_micro", "f1_macro", "roc_auc", "eval_loss", "train_loss"} <= set(
        metrics
    )
    assert all(0 <= metrics[k] <= 1 for k in ("accuracy", "f1_micro", "f1_macro", "roc_auc"))
    losses = [float(r["loss"]) for r in single["sent"] if "loss" in r]
    assert np.mean(losses[-3:]) < np.mean(losses[:3])


def test_when_the_classifier_is_exported_the_folder_has_the_encoder_layout(
    single: dict[str, Any],
) -> None:
    folder = single["artifact"].path
    assert sorted(p.name for p in folder.iterdir()) == [
        "config.json",
        "model.onnx",
        "tokenizer.json",
    ]
    config = json.loads((folder / "config.json").read_text())
    assert config["id2label"] == {"0": "biology", "1": "maths", "2": "physics"}
    assert config["problem_type"] == "single_label_classification"
    assert single["artifact"].digest == folder_digest(
        folder, ["config.json", "model.onnx", "tokenizer.json"]
    )
    assert single["adapter"] is None


def test_when_onnx_runtime_runs_the_export_its_logits_match_pytorch(single: dict[str, Any]) -> None:
    folder, merged = single["artifact"].path, single["job"].output / "model"
    tokenizer = AutoTokenizer.from_pretrained(str(merged))
    model = AutoModelForSequenceClassification.from_pretrained(str(merged)).eval()
    texts = ["prime numbers", "the cell grows and divides into tissue", "energy"]
    batch = tokenizer(texts, padding=True, return_tensors="np")
    session = onnxruntime.InferenceSession(str(folder / "model.onnx"))
    assert [i.name for i in session.get_inputs()] == [
        "input_ids",
        "attention_mask",
        "token_type_ids",
    ]
    feeds = {i.name: batch[i.name].astype(np.int64) for i in session.get_inputs()}
    (onnx_logits,) = session.run(["logits"], feeds)
    with torch.no_grad():
        torch_logits = model(**{k: torch.from_numpy(v) for k, v in feeds.items()}).logits.numpy()
    np.testing.assert_allclose(onnx_logits, torch_logits, atol=1e-4)
    assert onnx_logits.shape == (3, 3)


def test_when_rows_carry_label_lists_the_model_is_multi_label_with_lora(
    tiny_bert: Path, tmp_path: Path
) -> None:
    rows = [
        {"text": t, "labels": [topic, "science"]} for topic, texts in TOPICS.items() for t in texts
    ]
    job = classification_job(
        tiny_bert, tmp_path, rows * 2, method="lora", lora={"r": 4, "alpha": 8}
    )
    artifact, _, metrics = train_classifier(job, Reporter(lambda _: None, interval=0))
    config = json.loads((artifact.path / "config.json").read_text())
    assert config["problem_type"] == "multi_label_classification"
    assert sorted(config["id2label"].values()) == ["biology", "maths", "physics", "science"]
    assert "accuracy" in metrics
