"""What both tasks share around the Hugging Face Trainer: the training arguments built from
the job (precision per the placement's compute dtype, seeding, checkpoints under the
output location), progress reporting from the trainer's logs, and resuming from the last
checkpoint when the pod is restarted.
"""

import dataclasses
import re
import sys
from pathlib import Path
from typing import Any

import torch
from transformers import TrainerCallback, TrainingArguments
from transformers.trainer_utils import get_last_checkpoint

from .errors import ExitCode, TrainerError, invalid
from .job import Job
from .progress import Progress, Reporter
from .uris import is_s3

# Keys of spec.hyperparameters.extra the trainer itself reads; every other key must name a
# TrainingArguments field (camelCase or snake_case) and is passed through.
TRAINER_KEYS = ("template", "ggufType")
OPTIMIZERS = {
    "adamw": "adamw_torch",
    "adamw-8bit": "adamw_bnb_8bit",
    "paged-adamw-8bit": "paged_adamw_8bit",
    "sgd": "sgd",
}
OWN_FIELDS = {"output_dir", "fp16", "bf16", "seed", "use_cpu", "resume_from_checkpoint"}


def checkpoints_dir(job: Job) -> Path:
    return job.output / "checkpoints"


def has_cuda() -> bool:
    return torch.cuda.is_available()


def precision(compute_dtype: str, cuda: bool) -> dict[str, bool]:
    """Mixed precision per the placement (fp16 on T4, bf16 on A10G); the CPU trains in fp32."""
    if not cuda:
        return {"fp16": False, "bf16": False}
    return {"fp16": compute_dtype == "fp16", "bf16": compute_dtype == "bf16"}


def torch_dtype(compute_dtype: str) -> torch.dtype:
    return {"fp16": torch.float16, "bf16": torch.bfloat16}.get(compute_dtype, torch.float32)


def snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


def _coerce(name: str, text: str, default: Any) -> Any:
    try:
        if isinstance(default, bool):
            if text not in ("true", "false"):
                raise ValueError("expected true or false")
            return text == "true"
        if isinstance(default, int):
            return int(text)
        if isinstance(default, float):
            return float(text)
    except ValueError as error:
        raise invalid(f"hyperparameters.extra.{name}: {text!r} is not valid: {error}") from error
    return text


def extra_arguments(extra: dict[str, str]) -> dict[str, Any]:
    """TrainingArguments overrides from spec.hyperparameters.extra, typed per field."""
    fields = {f.name: f for f in dataclasses.fields(TrainingArguments)}
    out: dict[str, Any] = {}
    for key, text in extra.items():
        if key in TRAINER_KEYS:
            continue
        name = snake(key)
        if name not in fields or name in OWN_FIELDS or name.startswith("_"):
            raise invalid(
                f"hyperparameters.extra.{key} is not a training argument the trainer takes"
            )
        default = fields[name].default
        out[name] = _coerce(key, text, default if default is not dataclasses.MISSING else "")
    return out


def training_arguments(job: Job, cuda: bool, **task: Any) -> dict[str, Any]:
    h = job.hyper
    arguments: dict[str, Any] = {
        "output_dir": str(checkpoints_dir(job)),
        "num_train_epochs": h.epochs,
        "learning_rate": h.learning_rate,
        "per_device_train_batch_size": h.batch_size,
        "per_device_eval_batch_size": h.batch_size,
        "gradient_accumulation_steps": h.gradient_accumulation_steps,
        "activation_checkpointing": h.gradient_checkpointing,
        "optim": OPTIMIZERS[h.optimizer],
        "seed": h.seed,
        "data_seed": h.seed,
        "logging_steps": 1,
        "save_strategy": "epoch",
        "save_total_limit": 2,
        "report_to": "none",
        "use_cpu": not cuda,
        "disable_tqdm": True,
        **precision(job.compute_dtype, cuda),
        **task,
    }
    arguments.update(extra_arguments(h.extra))
    if not cuda and arguments["optim"] != "adamw_torch" and "8bit" in arguments["optim"]:
        print(
            "trainer: no CUDA device; the 8-bit optimizer needs one, using adamw", file=sys.stderr
        )
        arguments["optim"] = "adamw_torch"
    return arguments


def last_checkpoint(job: Job) -> str | None:
    folder = checkpoints_dir(job)
    return get_last_checkpoint(str(folder)) if folder.is_dir() else None


class ProgressCallback(TrainerCallback):  # type: ignore[misc]
    """Turns the trainer's log events into contract progress reports (rate-bounded)."""

    def __init__(self, reporter: Reporter) -> None:
        self.reporter = reporter
        self.latest_loss: float | None = None

    def on_log(self, args: Any, state: Any, control: Any, logs: Any = None, **_: Any) -> None:
        logs = logs or {}
        if "loss" in logs:
            self.latest_loss = float(logs["loss"])
        self.reporter.report(self._progress(state, logs.get("learning_rate")))

    def on_train_end(self, args: Any, state: Any, control: Any, **_: Any) -> None:
        self.reporter.report(self._progress(state, None), final=True)

    def _progress(self, state: Any, learning_rate: Any) -> Progress:
        return Progress(
            step=int(state.global_step),
            total_steps=int(state.max_steps),
            epoch=float(state.epoch) if state.epoch is not None else None,
            loss=self.latest_loss,
            learning_rate=float(learning_rate) if learning_rate is not None else None,
        )


def mirror_checkpoints(trainer: Any, job: Job) -> None:
    """For s3:// outputs: fetch the newest mirrored checkpoint, mirror the ones saved now."""
    if not is_s3(job.output_uri):
        return
    from .checkpoint_mirror import CheckpointMirror, restore_latest  # noqa: PLC0415
    from .s3_output import s3_output  # noqa: PLC0415

    output = s3_output(job.output_uri)
    checkpoints_dir(job).mkdir(parents=True, exist_ok=True)
    restore_latest(output, checkpoints_dir(job))
    trainer.add_callback(CheckpointMirror(output))


def run_training(trainer: Any, job: Job) -> dict[str, float]:
    """Trains, resuming from the newest checkpoint under the output location if one exists."""
    mirror_checkpoints(trainer, job)
    resume = last_checkpoint(job)
    if resume:
        print(f"trainer: resuming from {resume}", file=sys.stderr)
    try:
        output = trainer.train(resume_from_checkpoint=resume)
    except torch.cuda.OutOfMemoryError as error:
        raise TrainerError(
            ExitCode.OUT_OF_MEMORY,
            "the GPU ran out of memory; lower batchSize or maxSeqLength, "
            "or enable gradientCheckpointing",
        ) from error
    return {"train_loss": float(output.training_loss)}
