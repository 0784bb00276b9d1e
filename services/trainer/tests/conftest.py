"""Shared fixtures: tiny models built from configuration (nothing downloaded), small
datasets, and a helper that writes a trainer input in the contract's shape."""

import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from kubetune_trainer.tiny import make_tiny_bert, make_tiny_llama

# One thread: CI machines are shared and small, and results should not depend on cores.
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

QA = [
    ("what colour is the sky", "the sky is blue"),
    ("what colour is grass", "grass is green"),
    ("what do cats say", "cats say meow"),
    ("what do dogs say", "dogs say woof"),
    ("what is two plus two", "two plus two is four"),
    ("where does the sun rise", "the sun rises in the east"),
]
TOPICS = {
    "physics": [
        "quantum particles and energy fields",
        "the energy of a moving particle",
        "gravity bends light near mass",
        "particles collide at high energy",
    ],
    "biology": [
        "cells divide and grow in tissue",
        "the protein folds inside the cell",
        "genes code for a protein",
        "tissue grows from dividing cells",
    ],
    "maths": [
        "prime numbers and their proofs",
        "a proof about every prime number",
        "the sum of two even numbers",
        "numbers in a sequence converge",
    ],
}


S3_ENV = (
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_S3",
    "KUBETUNE_SCRATCH_DIR",
)


def qa_rows(repeat: int = 4) -> list[dict[str, str]]:
    return [{"question": q, "answer": a} for q, a in QA] * repeat


def corpus_texts() -> list[str]:
    texts = [f"{q} {a}" for q, a in QA]
    texts += [t for group in TOPICS.values() for t in group]
    texts += ["### Instruction:", "### Response:", "Below is an instruction that describes a task."]
    return texts * 3


@pytest.fixture(scope="session")
def tiny_llama(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_tiny_llama(tmp_path_factory.mktemp("tiny-llama"), corpus_texts())


@pytest.fixture(scope="session")
def tiny_bert(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_tiny_bert(tmp_path_factory.mktemp("tiny-bert"), corpus_texts())


def write_rows(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    return path


def trainer_input(base: Path, data_file: Path, out_dir: Path, **spec: Any) -> dict[str, Any]:
    """A TrainerInput as the operator writes it (crds/src/contracts/trainer.ts)."""
    body: dict[str, Any] = {
        "model": "tiny",
        "baseModel": {"name": "tiny", "uri": base.as_uri(), "parameters": "1M"},
        "task": "causal-lm",
        "dataset": {"uri": data_file.as_uri(), "format": "qa", "validationSplit": "0.2"},
        "method": "lora",
        "lora": {"r": 8, "alpha": 16, "dropout": "0"},
        "hyperparameters": {
            "epochs": 1,
            "learningRate": "1e-2",
            "batchSize": 4,
            "maxSeqLength": 64,
            "gradientCheckpointing": False,
            "seed": 7,
        },
        "output": {"uri": out_dir.as_uri(), "format": "gguf"},
    }
    for key, value in spec.items():
        if isinstance(value, dict) and isinstance(body.get(key), dict):
            body[key] = {**body[key], **value}
        else:
            body[key] = value
    return {"fineTuneJob": "tiny-run", "version": "v1", "computeDtype": "fp16", "spec": body}


@pytest.fixture
def write_input(tmp_path: Path) -> Callable[[dict[str, Any]], Path]:
    def write(document: dict[str, Any]) -> Path:
        path = tmp_path / "finetunejob.json"
        path.write_text(json.dumps(document))
        return path

    return write


@pytest.fixture(autouse=True)
def termination_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "termination-log"
    monkeypatch.setenv("KUBETUNE_TERMINATION_LOG", str(path))
    for name in ("KUBETUNE_PROGRESS_CONFIGMAP", "KUBETUNE_NAMESPACE", "KUBETUNE_KUBE_API"):
        monkeypatch.delenv(name, raising=False)
    # The s3:// tests set exactly what they use; nothing from the developer's shell leaks in.
    for name in S3_ENV:
        monkeypatch.delenv(name, raising=False)
    return path


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """An S3-compatible server on 127.0.0.1: moto's server, an S3 emulator (not AWS) that
    speaks the same HTTP API, so boto3 runs its real request, signing, multipart and error
    paths against it."""
    from moto.server import ThreadedMotoServer  # noqa: PLC0415

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


S3_REGION = "eu-west-1"


def s3_env(endpoint: str, scratch: Path) -> dict[str, str]:
    """The trainer's environment for an s3:// output: the emulator, test credentials and a
    scratch folder."""
    return {
        "AWS_ACCESS_KEY_ID": "kubetune-test",
        "AWS_SECRET_ACCESS_KEY": "kubetune-test-secret",
        "AWS_REGION": S3_REGION,
        "AWS_ENDPOINT_URL": endpoint,
        "KUBETUNE_SCRATCH_DIR": str(scratch),
    }


def s3_client(endpoint: str) -> Any:
    import boto3  # noqa: PLC0415

    env = s3_env(endpoint, Path())
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=S3_REGION,
        aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
    )


@pytest.fixture
def s3(s3_endpoint: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Sets the trainer's s3 environment for this test; returns a client to inspect with."""
    for name, value in s3_env(s3_endpoint, tmp_path / "scratch").items():
        monkeypatch.setenv(name, value)
    return s3_client(s3_endpoint)


def make_bucket(client: Any, name: str) -> str:
    client.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": S3_REGION})
    return name
