"""Sequence classification: an encoder (BERT, DistilBERT, SciBERT, …) with a new
classification head, fully fine-tuned or with LoRA on the attention (the head always
trains), single- or multi-label, evaluated on the held-out split."""

import sys
from typing import Any

import numpy as np
import torch
from peft import LoraConfig, get_peft_model
from transformers import (
    AutoModelForSequenceClassification,
    AutoTokenizer,
    Trainer,
    TrainingArguments,
    set_seed,
)

from .data import Labeled, load_examples, split
from .errors import ExitCode, TrainerError
from .export_onnx import FOLDER_FILES, export_onnx_folder
from .harness import ProgressCallback, has_cuda, run_training, training_arguments
from .job import Job
from .metrics import classification_metrics
from .progress import Reporter
from .result import Artifact, digest_of, folder_digest

BERT_TARGETS = ["query", "key", "value"]
DISTILBERT_TARGETS = ["q_lin", "k_lin", "v_lin"]


class Problem:
    def __init__(self, examples: list[Labeled]) -> None:
        self.labels = sorted({label for e in examples for label in e.labels})
        self.multi = any(e.multi for e in examples)
        if len(self.labels) < 2 and not self.multi:
            raise TrainerError(ExitCode.DATA, "a single-label dataset needs at least two labels")
        self.index = {label: i for i, label in enumerate(self.labels)}

    @property
    def problem_type(self) -> str:
        return "multi_label_classification" if self.multi else "single_label_classification"

    def target(self, example: Labeled) -> Any:
        if not self.multi:
            return self.index[example.labels[0]]
        vector = [0.0] * len(self.labels)
        for label in example.labels:
            if label in self.index:
                vector[self.index[label]] = 1.0
        return vector


class Rows(torch.utils.data.Dataset[dict[str, Any]]):
    def __init__(self, tokenizer: Any, examples: list[Labeled], problem: Problem, length: int):
        self.encoded = tokenizer([e.text for e in examples], truncation=True, max_length=length)
        self.targets = [problem.target(e) for e in examples]

    def __len__(self) -> int:
        return len(self.targets)

    def __getitem__(self, i: int) -> dict[str, Any]:
        row = {key: values[i] for key, values in self.encoded.items()}
        row["labels"] = self.targets[i]
        return row


def load_classifier(job: Job, problem: Problem) -> Any:
    set_seed(job.hyper.seed)  # the new head's initialisation is part of the run
    try:
        model = AutoModelForSequenceClassification.from_pretrained(
            str(job.base_model),
            num_labels=len(problem.labels),
            problem_type=problem.problem_type,
            id2label=dict(enumerate(problem.labels)),
            label2id=problem.index,
        )
    except (OSError, ValueError) as error:
        raise TrainerError(
            ExitCode.BASE_MODEL, f"cannot load the encoder at {job.base_model}: {error}"
        ) from error
    if job.method == "full":
        return model
    default = DISTILBERT_TARGETS if model.config.model_type == "distilbert" else BERT_TARGETS
    config = LoraConfig(
        r=job.lora.r,
        lora_alpha=job.lora.alpha,
        lora_dropout=job.lora.dropout,
        task_type="SEQ_CLS",
        target_modules=list(job.lora.target_modules) or default,
    )
    return get_peft_model(model, config)


def evaluate(trainer: Any, rows: Rows, problem: Problem) -> dict[str, float]:
    prediction = trainer.predict(rows)
    logits = torch.tensor(prediction.predictions, dtype=torch.float64)
    if problem.multi:
        scores = torch.sigmoid(logits).numpy()
        truth = np.array(rows.targets, dtype=np.float64)
        predicted = (scores > 0.5).astype(np.float64)
    else:
        scores = torch.softmax(logits, dim=-1).numpy()
        truth = np.eye(len(problem.labels))[rows.targets]
        predicted = np.eye(len(problem.labels))[scores.argmax(axis=1)]
    metrics = classification_metrics(truth, predicted, scores)
    metrics["eval_loss"] = float(prediction.metrics["test_loss"])
    return metrics


def train_classifier(job: Job, reporter: Reporter) -> tuple[Artifact, None, dict[str, float]]:
    cuda = has_cuda()
    tokenizer = AutoTokenizer.from_pretrained(str(job.base_model))
    loaded = load_examples(job.dataset, job.dataset_format)
    if loaded.skipped:
        print(
            f"trainer: skipped {loaded.skipped} bad rows ({loaded.first_problem})", file=sys.stderr
        )
    examples = [e for e in loaded.examples if isinstance(e, Labeled)]
    problem = Problem(examples)
    train_rows, eval_rows = split(list(examples), job.validation_split, job.hyper.seed)
    length = job.hyper.max_seq_length
    train_set = Rows(tokenizer, [e for e in train_rows if isinstance(e, Labeled)], problem, length)
    eval_set = Rows(tokenizer, [e for e in eval_rows if isinstance(e, Labeled)], problem, length)
    arguments = training_arguments(
        job, cuda, activation_checkpointing_kwargs={"use_reentrant": False}
    )
    trainer = Trainer(
        model=load_classifier(job, problem),
        args=TrainingArguments(**arguments),
        train_dataset=train_set,
        processing_class=tokenizer,
        callbacks=[ProgressCallback(reporter)],
    )
    metrics = run_training(trainer, job)
    if len(eval_set):
        metrics.update(evaluate(trainer, eval_set, problem))
    model = trainer.model.merge_and_unload() if job.method != "full" else trainer.model
    folder = job.output / "model"
    model.save_pretrained(str(folder))
    tokenizer.save_pretrained(str(folder))
    if job.output_format == "safetensors":
        return Artifact(folder, digest_of(folder)), None, metrics
    onnx_folder = export_onnx_folder(model, tokenizer, job.output / "onnx")
    # The digest the encoder service checks with --digest for this folder.
    return Artifact(onnx_folder, folder_digest(onnx_folder, list(FOLDER_FILES))), None, metrics
