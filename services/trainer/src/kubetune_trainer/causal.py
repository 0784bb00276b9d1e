"""Causal-LM fine-tuning: LoRA on a 16/32-bit base, QLoRA on a 4-bit base, or full
fine-tuning, through trl's SFT trainer on examples templated and masked here."""

import math
import sys
from pathlib import Path
from typing import Any

from datasets import Dataset
from peft import LoraConfig, PeftModel, get_peft_model, prepare_model_for_kbit_training
from transformers import AutoModelForCausalLM, AutoTokenizer, set_seed
from trl import SFTConfig, SFTTrainer

from .data import Conversation, load_examples, split
from .errors import ExitCode, TrainerError
from .export_gguf import write_adapter_gguf, write_model_gguf
from .harness import ProgressCallback, has_cuda, run_training, torch_dtype, training_arguments
from .job import Job
from .progress import Reporter
from .quant import quantization_config, require_bitsandbytes
from .result import Artifact, digest_of
from .templates import default_template, render, tokenize

LLAMA_TARGETS = ["q_proj", "k_proj", "v_proj", "o_proj"]


def load_tokenizer(path: Path) -> Any:
    try:
        tokenizer = AutoTokenizer.from_pretrained(str(path))
    except (OSError, ValueError) as error:
        raise TrainerError(
            ExitCode.BASE_MODEL, f"cannot load the tokenizer at {path}: {error}"
        ) from error
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    return tokenizer


def tokenized(job: Job, tokenizer: Any, conversations: list[Conversation]) -> Dataset:
    template = job.hyper.extra.get("template", default_template(job.dataset_format))
    rows = [
        tokenize(tokenizer, render(template, c, tokenizer.eos_token), job.hyper.max_seq_length)
        for c in conversations
    ]
    return Dataset.from_list([r for r in rows if any(label != -100 for label in r["labels"])])


def load_model(job: Job, cuda: bool) -> Any:
    set_seed(job.hyper.seed)  # the LoRA matrices' initialisation is part of the run
    kwargs: dict[str, Any] = {
        "dtype": torch_dtype(job.compute_dtype) if cuda else torch_dtype("fp32")
    }
    if job.method == "qlora":
        require_bitsandbytes()
        kwargs["quantization_config"] = quantization_config(job, cuda)
    try:
        model = AutoModelForCausalLM.from_pretrained(str(job.base_model), **kwargs)
    except (OSError, ValueError) as error:
        raise TrainerError(
            ExitCode.BASE_MODEL, f"cannot load the base model at {job.base_model}: {error}"
        ) from error
    if job.method == "qlora":
        model = prepare_model_for_kbit_training(
            model, use_gradient_checkpointing=job.hyper.gradient_checkpointing
        )
    if job.method == "full":
        return model
    lora = job.lora
    config = LoraConfig(
        r=lora.r,
        lora_alpha=lora.alpha,
        lora_dropout=lora.dropout,
        task_type="CAUSAL_LM",
        target_modules=list(lora.target_modules) or LLAMA_TARGETS,
    )
    return get_peft_model(model, config)


def build_trainer(job: Job, reporter: Reporter, cuda: bool) -> tuple[Any, Any, Any]:
    tokenizer = load_tokenizer(job.base_model)
    loaded = load_examples(job.dataset, job.dataset_format)
    if loaded.skipped:
        print(
            f"trainer: skipped {loaded.skipped} bad rows ({loaded.first_problem})", file=sys.stderr
        )
    train_rows, eval_rows = split(loaded.examples, job.validation_split, job.hyper.seed)
    train_set = tokenized(job, tokenizer, [r for r in train_rows if isinstance(r, Conversation)])
    eval_set = tokenized(job, tokenizer, [r for r in eval_rows if isinstance(r, Conversation)])
    if len(train_set) == 0:
        raise TrainerError(
            ExitCode.DATA,
            f"no training row keeps an answer token within maxSeqLength "
            f"{job.hyper.max_seq_length}; raise it or shorten the prompts",
        )
    model = load_model(job, cuda)
    arguments = training_arguments(
        job,
        cuda,
        max_length=job.hyper.max_seq_length,
        eval_strategy="epoch" if len(eval_set) else "no",
        activation_checkpointing_kwargs={"use_reentrant": False},
    )
    try:
        trainer = SFTTrainer(
            model=model,
            args=SFTConfig(**arguments),
            train_dataset=train_set,
            eval_dataset=eval_set if len(eval_set) else None,
            processing_class=tokenizer,
            callbacks=[ProgressCallback(reporter)],
        )
    except ValueError as error:  # the libraries' own checks of the settings
        raise TrainerError(
            ExitCode.INVALID_INPUT, f"the training settings are not accepted: {error}"
        ) from error
    return trainer, tokenizer, eval_set


def merged_model(job: Job, trained: Any) -> Any:
    """The base with the adapter folded in, in full precision (a 4-bit base is reloaded)."""
    if job.method == "full":
        return trained
    if job.method == "qlora":
        base = AutoModelForCausalLM.from_pretrained(str(job.base_model), dtype=torch_dtype("fp32"))
        return PeftModel.from_pretrained(base, str(job.output / "adapter")).merge_and_unload()
    return trained.merge_and_unload()


def export(job: Job, trainer: Any, tokenizer: Any) -> tuple[Artifact, Artifact | None]:
    out = job.output
    model = trainer.model
    adapter_dir = out / "adapter"
    if job.method != "full":
        model.save_pretrained(str(adapter_dir))
    merged = merged_model(job, model)
    merged.save_pretrained(str(out / "model"))
    tokenizer.save_pretrained(str(out / "model"))
    if job.output_format == "safetensors":
        adapter = Artifact(adapter_dir, digest_of(adapter_dir)) if job.method != "full" else None
        return Artifact(out / "model", digest_of(out / "model")), adapter
    gguf_type = job.hyper.extra.get("ggufType", "f16")
    model_file = write_model_gguf(out / "model", out / "model.gguf", gguf_type)
    if job.method == "full":
        return Artifact(model_file, digest_of(model_file)), None
    adapter_file = write_adapter_gguf(adapter_dir, out / "model", out / "adapter.gguf")
    return Artifact(model_file, digest_of(model_file)), Artifact(
        adapter_file, digest_of(adapter_file)
    )


def train_causal(
    job: Job, reporter: Reporter
) -> tuple[Artifact, Artifact | None, dict[str, float]]:
    cuda = has_cuda()
    trainer, tokenizer, eval_set = build_trainer(job, reporter, cuda)
    metrics = run_training(trainer, job)
    if len(eval_set):
        eval_loss = float(trainer.evaluate()["eval_loss"])
        metrics.update(eval_loss=eval_loss, perplexity=math.exp(min(eval_loss, 50.0)))
    artifact, adapter = export(job, trainer, tokenizer)
    return artifact, adapter, metrics
