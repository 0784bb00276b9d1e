"""The trainer's input: the resolved FineTuneJob the operator mounts (crds/src/contracts/
trainer.ts, TrainerInput), checked and turned into typed settings with defaults applied.

The operator validated the spec against the CRD already; this re-checks what the trainer
depends on, so a hand-written or stale input fails with a clear message (exit code 2)
instead of a stack trace halfway through training.
"""

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ExitCode, TrainerError, invalid
from .s3 import parse_s3_uri
from .uris import is_s3, local_path, output_path

TASKS = ("causal-lm", "sequence-classification")
METHODS = ("qlora", "lora", "full")
FORMATS = ("alpaca", "chatml", "qa", "text-label")
OUTPUTS = ("gguf", "onnx", "safetensors")
DTYPES = ("bf16", "fp16", "fp32")
OPTIMIZERS = ("adamw", "adamw-8bit", "paged-adamw-8bit", "sgd")
DECIMAL = re.compile(r"^[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]{1,3})?$")


@dataclass(frozen=True)
class Lora:
    r: int = 16
    alpha: int = 32
    dropout: float = 0.05
    target_modules: tuple[str, ...] = ()


@dataclass(frozen=True)
class Quantization:
    bits: int = 4
    type: str = "nf4"
    double_quant: bool = True


@dataclass(frozen=True)
class Hyperparameters:
    epochs: int = 3
    learning_rate: float = 2e-4
    batch_size: int = 4
    gradient_accumulation_steps: int = 1
    max_seq_length: int = 512
    gradient_checkpointing: bool = True
    optimizer: str = "adamw"
    seed: int = 42
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Job:
    name: str
    version: str
    compute_dtype: str
    task: str
    method: str
    base_model: Path
    dataset: Path
    dataset_format: str
    validation_split: float
    output: Path
    output_format: str
    # The spec's output URI as given; for s3:// `output` is the local scratch folder.
    output_uri: str
    lora: Lora
    quantization: Quantization
    hyper: Hyperparameters


def _obj(parent: dict[str, Any], key: str, where: str, required: bool = True) -> dict[str, Any]:
    value = parent.get(key)
    if value is None and not required:
        return {}
    if not isinstance(value, dict):
        raise invalid(f"{where}.{key} must be an object")
    return value


def _str(parent: dict[str, Any], key: str, where: str, choices: tuple[str, ...] = ()) -> str:
    value = parent.get(key)
    if not isinstance(value, str) or value == "":
        raise invalid(f"{where}.{key} must be a non-empty string")
    if choices and value not in choices:
        raise invalid(f"{where}.{key} is {value!r}; supported: {', '.join(choices)}")
    return value


def _int(parent: dict[str, Any], key: str, default: int, bounds: tuple[int, int]) -> int:
    value = parent.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int):
        raise invalid(f"{key} must be an integer, not {value!r}")
    if not bounds[0] <= value <= bounds[1]:
        raise invalid(f"{key} is {value}; it must be within {bounds[0]}..{bounds[1]}")
    return value


def _decimal(parent: dict[str, Any], key: str, default: str, at_most: float | None = None) -> float:
    value = parent.get(key, default)
    if not isinstance(value, str) or not DECIMAL.match(value):
        raise invalid(f'{key} must be a decimal string such as "2e-4", not {value!r}')
    number = float(value)
    if at_most is not None and number > at_most:
        raise invalid(f"{key} is {value}; it must be at most {at_most}")
    return number


def _bool(parent: dict[str, Any], key: str, default: bool) -> bool:
    value = parent.get(key, default)
    if not isinstance(value, bool):
        raise invalid(f"{key} must be true or false, not {value!r}")
    return value


def _lora(spec: dict[str, Any]) -> Lora:
    raw = _obj(spec, "lora", "spec", required=False)
    modules = raw.get("targetModules", [])
    if not isinstance(modules, list) or not all(isinstance(m, str) and m for m in modules):
        raise invalid("spec.lora.targetModules must be a list of module names")
    return Lora(
        r=_int(raw, "r", 16, (1, 1024)),
        alpha=_int(raw, "alpha", 32, (1, 4096)),
        dropout=_decimal(raw, "dropout", "0.05", at_most=1.0),
        target_modules=tuple(modules),
    )


def _quantization(spec: dict[str, Any]) -> Quantization:
    raw = _obj(spec, "quantization", "spec", required=False)
    bits = raw.get("bits", 4)
    if bits not in (4, 8):
        raise invalid(f"spec.quantization.bits is {bits!r}; supported: 4, 8")
    kind = raw.get("type", "nf4")
    if kind not in ("nf4", "fp4"):
        raise invalid(f"spec.quantization.type is {kind!r}; supported: nf4, fp4")
    return Quantization(bits=bits, type=kind, double_quant=_bool(raw, "doubleQuant", True))


def _hyper(spec: dict[str, Any], method: str) -> Hyperparameters:
    raw = _obj(spec, "hyperparameters", "spec", required=False)
    extra = raw.get("extra", {})
    if not isinstance(extra, dict) or not all(isinstance(v, str) for v in extra.values()):
        raise invalid("spec.hyperparameters.extra must map names to strings")
    default_optimizer = "paged-adamw-8bit" if method == "qlora" else "adamw"
    optimizer = raw.get("optimizer", default_optimizer)
    if optimizer not in OPTIMIZERS:
        raise invalid(f"optimizer is {optimizer!r}; supported: {', '.join(OPTIMIZERS)}")
    return Hyperparameters(
        epochs=_int(raw, "epochs", 3, (1, 1000)),
        learning_rate=_decimal(raw, "learningRate", "2e-4"),
        batch_size=_int(raw, "batchSize", 4, (1, 4096)),
        gradient_accumulation_steps=_int(raw, "gradientAccumulationSteps", 1, (1, 1024)),
        max_seq_length=_int(raw, "maxSeqLength", 512, (16, 131072)),
        gradient_checkpointing=_bool(raw, "gradientCheckpointing", True),
        optimizer=optimizer,
        seed=_int(raw, "seed", 42, (0, 2147483647)),
        extra=dict(extra),
    )


def _check_combination(task: str, method: str, data_format: str, output_format: str) -> None:
    classification = task == "sequence-classification"
    if classification != (data_format == "text-label"):
        raise invalid("dataset format text-label goes with task sequence-classification, only")
    if classification and output_format == "gguf":
        raise invalid("output format gguf is for causal-lm; use onnx or safetensors")
    if not classification and output_format == "onnx":
        raise invalid("output format onnx is for sequence-classification; use gguf or safetensors")
    if classification and method == "qlora":
        raise invalid("method qlora is for causal-lm; use lora or full for classification")


def _output(output: dict[str, Any]) -> Path:
    uri = _str(output, "uri", "spec.output")
    if is_s3(uri):
        parse_s3_uri(uri)  # a malformed bucket name is an input error before any work
    return output_path(uri)


def parse_job(document: Any) -> Job:
    """The job from the parsed input JSON; raises TrainerError(INVALID_INPUT) when it is wrong."""
    if not isinstance(document, dict):
        raise invalid("the trainer input must be a JSON object")
    spec = _obj(document, "spec", "input")
    task = spec.get("task", "causal-lm")
    if task not in TASKS:
        raise invalid(f"spec.task is {task!r}; supported: {', '.join(TASKS)}")
    method = _str(spec, "method", "spec", METHODS)
    dataset = _obj(spec, "dataset", "spec")
    output = _obj(spec, "output", "spec")
    data_format = _str(dataset, "format", "spec.dataset", FORMATS)
    output_format = _str(output, "format", "spec.output", OUTPUTS)
    _check_combination(task, method, data_format, output_format)
    if "quantization" in spec and method != "qlora":
        raise invalid("spec.quantization is only valid with method qlora")
    return Job(
        name=_str(document, "fineTuneJob", "input"),
        version=_str(document, "version", "input"),
        compute_dtype=_str(document, "computeDtype", "input", DTYPES),
        task=task,
        method=method,
        base_model=local_path(_str(_obj(spec, "baseModel", "spec"), "uri", "spec.baseModel")),
        dataset=local_path(_str(dataset, "uri", "spec.dataset")),
        dataset_format=data_format,
        validation_split=_decimal(dataset, "validationSplit", "0.1", at_most=1.0),
        output=_output(output),
        output_format=output_format,
        output_uri=_str(output, "uri", "spec.output"),
        lora=_lora(spec),
        quantization=_quantization(spec),
        hyper=_hyper(spec, method),
    )


def load_job(path: Path) -> Job:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise TrainerError(
            ExitCode.INVALID_INPUT, f"cannot read the trainer input {path}: {error.strerror}"
        ) from error
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise invalid(f"the trainer input {path} is not JSON: {error}") from error
    return parse_job(document)
