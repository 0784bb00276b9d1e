"""Whole runs with an s3:// output against moto's server on 127.0.0.1 (an S3 emulator, not
AWS): the tiny llama is trained, exported and uploaded; the result names the objects with
the digests of their bytes; and a run restarted in a new pod (an empty scratch folder)
resumes from the checkpoint mirrored under the prefix."""

import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from safetensors.numpy import load_file

from conftest import make_bucket, qa_rows, s3_client, s3_env, trainer_input, write_rows
from kubetune_trainer.causal import train_causal
from kubetune_trainer.job import parse_job
from kubetune_trainer.main import run
from kubetune_trainer.progress import Reporter

CHECKPOINT_EVERY_STEP = {"saveStrategy": "steps", "saveSteps": "1", "maxSteps": "3"}


def object_bytes(client: Any, uri: str) -> bytes:
    bucket, _, key = uri.removeprefix("s3://").partition("/")
    body: bytes = client.get_object(Bucket=bucket, Key=key)["Body"].read()
    return body


def keys(client: Any, bucket: str, prefix: str) -> list[str]:
    listed = client.list_objects_v2(Bucket=bucket, Prefix=prefix).get("Contents", [])
    return sorted(item["Key"][len(prefix) :] for item in listed)


@pytest.fixture(scope="module")
def uploaded(
    s3_endpoint: str, tiny_llama: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Any]:
    """One run through the entry point, shared by the tests that inspect what it stored."""
    tmp_path = tmp_path_factory.mktemp("s3-run")
    bucket = make_bucket(s3_client(s3_endpoint), "kt-upload")
    document = trainer_input(
        tiny_llama,
        write_rows(tmp_path / "qa.jsonl", qa_rows()),
        tmp_path / "unused",
        hyperparameters={"extra": CHECKPOINT_EVERY_STEP},
        output={"uri": f"s3://{bucket}/arxiv/v1/", "format": "gguf"},
    )
    (tmp_path / "input.json").write_text(json.dumps(document))
    with pytest.MonkeyPatch.context() as patch:
        for name, value in s3_env(s3_endpoint, tmp_path / "scratch").items():
            patch.setenv(name, value)
        patch.setenv("KUBETUNE_TERMINATION_LOG", str(tmp_path / "termination-log"))
        code = run(tmp_path / "input.json")
    return {"code": code, "bucket": bucket, "log": (tmp_path / "termination-log").read_text()}


def test_when_an_s3_run_ends_the_result_names_the_uploaded_objects_and_their_digests(
    s3: Any, uploaded: dict[str, Any]
) -> None:
    assert uploaded["code"] == 0, uploaded["log"]
    result = json.loads(uploaded["log"])
    assert result["artifact"]["uri"] == f"s3://{uploaded['bucket']}/arxiv/v1/model.gguf"
    assert result["adapter"]["uri"] == f"s3://{uploaded['bucket']}/arxiv/v1/adapter.gguf"
    for entry in (result["artifact"], result["adapter"]):
        stored = object_bytes(s3, entry["uri"])
        assert len(stored) > 0
        assert entry["digest"] == f"sha256:{hashlib.sha256(stored).hexdigest()}"
    stored_result = object_bytes(s3, f"s3://{uploaded['bucket']}/arxiv/v1/result.json")
    assert json.loads(stored_result) == result


def test_when_an_s3_run_ends_every_exported_file_is_under_the_prefix(
    s3: Any, uploaded: dict[str, Any]
) -> None:
    stored = keys(s3, uploaded["bucket"], "arxiv/v1/")
    for name in (
        "model.gguf",
        "adapter.gguf",
        "adapter/adapter_model.safetensors",
        "model/config.json",
        "model/tokenizer.json",
        "result.json",
    ):
        assert name in stored


def test_when_checkpoints_rotate_the_mirror_keeps_the_same_ones_and_latest_names_the_newest(
    s3: Any, uploaded: dict[str, Any]
) -> None:
    stored = keys(s3, uploaded["bucket"], "arxiv/v1/checkpoints/")
    mirrored = {name.split("/")[0] for name in stored if name != "latest"}
    # Three checkpoints were saved; the trainer keeps two (save_total_limit), so does the mirror.
    assert mirrored == {"checkpoint-2", "checkpoint-3"}
    assert "checkpoint-3/trainer_state.json" in stored
    latest = object_bytes(s3, f"s3://{uploaded['bucket']}/arxiv/v1/checkpoints/latest")
    assert latest == b"checkpoint-3\n"


def adapter_weights(client: Any, uri: str, folder: Path) -> dict[str, Any]:
    folder.mkdir(parents=True)
    (folder / "a.safetensors").write_bytes(object_bytes(client, uri))
    return load_file(str(folder / "a.safetensors"))


def test_when_a_new_pod_restarts_an_s3_run_it_resumes_from_the_mirrored_checkpoint(
    s3: Any, tiny_llama: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bucket = make_bucket(s3, "kt-resume")
    data = write_rows(tmp_path / "qa.jsonl", qa_rows())
    extra = {"lrSchedulerType": "constant", "saveStrategy": "steps", "saveSteps": "2"}

    def run_in_pod(pod: str, prefix: str, steps: int) -> list[dict[str, Any]]:
        monkeypatch.setenv("KUBETUNE_SCRATCH_DIR", str(tmp_path / pod))  # a fresh emptyDir
        document = trainer_input(
            tiny_llama,
            data,
            tmp_path / "unused",
            hyperparameters={"epochs": 1, "extra": {**extra, "maxSteps": str(steps)}},
            output={"uri": f"s3://{bucket}/{prefix}", "format": "safetensors"},
        )
        sent: list[dict[str, Any]] = []
        train_causal(parse_job(document), Reporter(sent.append, interval=0))
        return sent

    run_in_pod("unbroken", "unbroken", 4)
    run_in_pod("first-pod", "restarted", 2)  # the pod is lost right after checkpoint-2
    assert keys(s3, bucket, "restarted/checkpoints/latest") == [""]
    resumed = run_in_pod("second-pod", "restarted", 4)
    assert resumed[0]["step"] == 3  # the first report after resuming is the third step
    assert len(list((tmp_path / "second-pod").glob("*/checkpoints/checkpoint-2"))) == 1
    name = "checkpoints/checkpoint-4/adapter_model.safetensors"
    unbroken = adapter_weights(s3, f"s3://{bucket}/unbroken/{name}", tmp_path / "w1")
    restarted = adapter_weights(s3, f"s3://{bucket}/restarted/{name}", tmp_path / "w2")
    assert unbroken.keys() == restarted.keys()
    for key, weights in unbroken.items():
        np.testing.assert_allclose(restarted[key], weights, atol=1e-6, err_msg=key)
