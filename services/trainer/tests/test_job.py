"""The trainer's input: defaults, and a clear exit code 2 for what it cannot run."""

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import trainer_input
from kubetune_trainer.errors import ExitCode, TrainerError
from kubetune_trainer.job import parse_job
from kubetune_trainer.main import run


def minimal(tmp_path: Path) -> dict[str, Any]:
    document = trainer_input(tmp_path / "base", tmp_path / "data.jsonl", tmp_path / "out")
    for key in ("lora", "hyperparameters", "task"):
        del document["spec"][key]
    del document["spec"]["dataset"]["validationSplit"]
    return document


def test_when_optional_fields_are_absent_the_crd_defaults_apply(tmp_path: Path) -> None:
    job = parse_job(minimal(tmp_path))
    assert (job.task, job.method, job.compute_dtype) == ("causal-lm", "lora", "fp16")
    assert (job.lora.r, job.lora.alpha, job.lora.dropout) == (16, 32, 0.05)
    assert job.hyper.learning_rate == 2e-4
    assert (job.hyper.epochs, job.hyper.batch_size, job.hyper.optimizer) == (3, 4, "adamw")
    assert job.validation_split == 0.1
    assert job.base_model == tmp_path / "base"
    assert job.output == tmp_path / "out"


def test_when_the_method_is_qlora_the_optimizer_defaults_to_paged_8bit(tmp_path: Path) -> None:
    document = minimal(tmp_path)
    document["spec"]["method"] = "qlora"
    document["spec"]["quantization"] = {"doubleQuant": False}
    job = parse_job(document)
    assert job.hyper.optimizer == "paged-adamw-8bit"
    assert (job.quantization.bits, job.quantization.type) == (4, "nf4")
    assert job.quantization.double_quant is False


BAD = [
    ("an unknown method", ["spec", "method"], "dpo", "spec.method is 'dpo'"),
    ("a bad compute dtype", ["computeDtype"], "fp8", "input.computeDtype is 'fp8'"),
    (
        "a non-decimal learning rate",
        ["spec", "hyperparameters", "learningRate"],
        "fast",
        "learningRate must be a decimal",
    ),
    (
        "an s3 dataset",
        ["spec", "dataset", "uri"],
        "s3://bucket/data.jsonl",
        "s3:// is not supported",
    ),
    (
        "text-label data for a causal LM",
        ["spec", "dataset", "format"],
        "text-label",
        "text-label goes with task sequence-classification",
    ),
    (
        "onnx output for a causal LM",
        ["spec", "output", "format"],
        "onnx",
        "output format onnx is for sequence-classification",
    ),
    ("a zero LoRA rank", ["spec", "lora", "r"], 0, "r is 0"),
]


@pytest.mark.parametrize(("situation", "path", "value", "message"), BAD, ids=[b[0] for b in BAD])
def test_when_the_input_has_a_bad_field_it_is_refused_with_exit_code_2(
    tmp_path: Path, situation: str, path: list[str], value: Any, message: str
) -> None:
    document = trainer_input(tmp_path / "base", tmp_path / "data.jsonl", tmp_path / "out")
    node = document
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    with pytest.raises(TrainerError) as caught:
        parse_job(document)
    assert caught.value.code == ExitCode.INVALID_INPUT
    assert message in caught.value.message


def test_when_quantization_is_given_without_qlora_it_is_refused(tmp_path: Path) -> None:
    document = minimal(tmp_path)
    document["spec"]["quantization"] = {"bits": 4}
    with pytest.raises(TrainerError, match="only valid with method qlora"):
        parse_job(document)


def test_when_the_input_file_is_not_json_the_run_exits_2_with_the_reason_in_the_termination_log(
    tmp_path: Path, termination_log: Path
) -> None:
    path = tmp_path / "finetunejob.json"
    path.write_text("{not json")
    assert run(path) == 2
    assert termination_log.read_text().startswith("InvalidInput (exit 2): the trainer input")


def test_when_the_input_file_is_missing_the_run_exits_2(
    tmp_path: Path, termination_log: Path
) -> None:
    assert run(tmp_path / "absent.json") == 2
    assert "cannot read the trainer input" in termination_log.read_text()


def test_when_the_base_model_folder_is_empty_the_run_exits_4(
    tmp_path: Path, write_input: Callable[[dict[str, Any]], Path], termination_log: Path
) -> None:
    (tmp_path / "base").mkdir()
    data = tmp_path / "data.jsonl"
    data.write_text(json.dumps({"question": "q", "answer": "a"}) + "\n")
    path = write_input(trainer_input(tmp_path / "base", data, tmp_path / "out"))
    assert run(path) == ExitCode.BASE_MODEL
    assert termination_log.read_text().startswith("BaseModelUnavailable (exit 4)")
