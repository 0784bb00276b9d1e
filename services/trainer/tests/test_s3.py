"""s3:// outputs, the parts that need no training: locations, credentials, the up-front
checks and the transfers themselves. The store is moto's server on 127.0.0.1 (conftest's
s3_endpoint): an S3 emulator, not AWS, reached over real HTTP by the real boto3 client."""

import hashlib
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import make_bucket, trainer_input
from kubetune_trainer.errors import ExitCode, TrainerError
from kubetune_trainer.job import parse_job
from kubetune_trainer.main import run
from kubetune_trainer.result import Artifact
from kubetune_trainer.s3 import S3Location, parse_s3_uri, settings_from_env, store_error
from kubetune_trainer.s3_output import s3_output
from kubetune_trainer.s3_transfer import MIB, files_under, transfer_config, upload_files

CREDENTIALS = {"AWS_ACCESS_KEY_ID": "a", "AWS_SECRET_ACCESS_KEY": "b"}


def bucket_name() -> str:
    return f"kt-{uuid.uuid4().hex[:12]}"


@pytest.mark.parametrize(
    ("uri", "bucket", "prefix"),
    [
        ("s3://models", "models", ""),
        ("s3://models/", "models", ""),
        ("s3://models/arxiv/v4/", "models", "arxiv/v4"),
        ("s3://my.bucket-1/a", "my.bucket-1", "a"),
    ],
)
def test_when_an_s3_uri_is_parsed_bucket_and_prefix_are_split_without_slashes(
    uri: str, bucket: str, prefix: str
) -> None:
    assert parse_s3_uri(uri) == S3Location(bucket, prefix)


def test_when_keys_and_uris_are_built_the_prefix_is_joined_once() -> None:
    assert S3Location("b", "runs/v1").key("model.gguf") == "runs/v1/model.gguf"
    assert S3Location("b", "").key("model.gguf") == "model.gguf"
    assert S3Location("b", "runs").uri("onnx") == "s3://b/runs/onnx"
    assert S3Location("b", "").uri() == "s3://b"


@pytest.mark.parametrize(
    "uri",
    ["s3://Models/x", "s3://ab/x", "s3:///x", "s3://b_x/y", "s3://bucket/a//b", "s3://bkt/../x"],
)
def test_when_an_output_uri_is_malformed_the_input_is_refused(uri: str, tmp_path: Path) -> None:
    document = trainer_input(tmp_path / "base", tmp_path / "data.jsonl", tmp_path / "out")
    document["spec"]["output"]["uri"] = uri
    with pytest.raises(TrainerError) as caught:
        parse_job(document)
    assert caught.value.code == ExitCode.INVALID_INPUT


def test_when_the_output_is_s3_the_run_writes_to_a_scratch_folder_of_its_own_location(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KUBETUNE_SCRATCH_DIR", str(tmp_path / "scratch"))
    document = trainer_input(tmp_path / "base", tmp_path / "data.jsonl", tmp_path / "out")
    document["spec"]["output"]["uri"] = "s3://models/arxiv/"
    job = parse_job(document)
    assert job.output_uri == "s3://models/arxiv/"
    assert job.output.parent == tmp_path / "scratch"
    document["spec"]["output"]["uri"] = "s3://models/arxiv"  # the same location
    assert parse_job(document).output == job.output
    document["spec"]["output"]["uri"] = "s3://models/other/"
    assert parse_job(document).output.parent == job.output.parent
    assert parse_job(document).output != job.output


def test_when_settings_come_from_the_environment_region_and_endpoint_fall_back_in_order() -> None:
    env = {**CREDENTIALS, "AWS_DEFAULT_REGION": "eu-north-1", "AWS_ENDPOINT_URL": "http://e"}
    settings = settings_from_env("s3://b", env)
    assert (settings.region, settings.endpoint, settings.session_token) == (
        "eu-north-1",
        "http://e",
        None,
    )
    both = settings_from_env("s3://b", {**env, "AWS_REGION": "us-west-2"})
    assert both.region == "us-west-2"
    assert settings_from_env("s3://b", CREDENTIALS).region == "us-east-1"


def test_when_the_secret_key_is_missing_the_message_names_it() -> None:
    with pytest.raises(TrainerError) as caught:
        settings_from_env("s3://b/p", {"AWS_ACCESS_KEY_ID": "a"})
    assert caught.value.code == ExitCode.INVALID_INPUT
    assert "AWS_SECRET_ACCESS_KEY is not set" in caught.value.message
    assert "credentialsSecret" in caught.value.message


def s3_input(tmp_path: Path, uri: str) -> dict[str, Any]:
    # Neither the base model nor the dataset exists: a run that got as far as training
    # would fail with exit 3 or 4, so exit 2 or 8 shows the check came first.
    document = trainer_input(tmp_path / "no-base", tmp_path / "no-data.jsonl", tmp_path / "out")
    document["spec"]["output"]["uri"] = uri
    return document


def test_when_s3_credentials_are_missing_the_run_stops_before_training_with_exit_2(
    tmp_path: Path,
    write_input: Callable[[dict[str, Any]], Path],
    termination_log: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("KUBETUNE_SCRATCH_DIR", str(tmp_path / "scratch"))
    code = run(write_input(s3_input(tmp_path, "s3://models/arxiv/")))
    assert code == ExitCode.INVALID_INPUT
    message = termination_log.read_text()
    assert message.startswith("InvalidInput (exit 2): spec.output.uri is s3://models/arxiv/")
    assert "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set" in message


def test_when_the_bucket_does_not_exist_the_run_stops_before_training_with_exit_8(
    s3: Any, tmp_path: Path, write_input: Callable[[dict[str, Any]], Path], termination_log: Path
) -> None:
    missing = bucket_name()
    code = run(write_input(s3_input(tmp_path, f"s3://{missing}/runs")))
    assert code == ExitCode.OBJECT_STORE == 8
    assert termination_log.read_text() == (
        f"ObjectStoreError (exit 8): cannot reach s3://{missing}/runs: "
        f"the bucket {missing} does not exist"
    )


def test_when_the_endpoint_is_unreachable_the_run_stops_with_exit_8(
    s3: Any,
    tmp_path: Path,
    write_input: Callable[[dict[str, Any]], Path],
    termination_log: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")  # discard port: nothing listens
    code = run(write_input(s3_input(tmp_path, "s3://models/runs")))
    assert code == ExitCode.OBJECT_STORE
    message = termination_log.read_text()
    assert message.startswith("ObjectStoreError (exit 8): cannot reach s3://models/runs: ")
    assert "EndpointConnectionError" in message


def test_when_a_file_is_larger_than_the_threshold_it_is_uploaded_in_parts(
    s3: Any, tmp_path: Path
) -> None:
    bucket = make_bucket(s3, bucket_name())
    folder = tmp_path / "export"
    (folder / "onnx").mkdir(parents=True)
    big = bytes(range(256)) * (11 * MIB // 256)  # 11 MiB: three 5 MiB parts
    (folder / "model.gguf").write_bytes(big)
    (folder / "onnx" / "config.json").write_text("{}")
    names = files_under(folder)
    upload_files(s3, folder, names, S3Location(bucket, "run"), transfer_config(5 * MIB))
    head = s3.head_object(Bucket=bucket, Key="run/model.gguf")
    assert head["ETag"].strip('"').endswith("-3")  # S3's ETag of a three-part upload
    body = s3.get_object(Bucket=bucket, Key="run/model.gguf")["Body"].read()
    assert hashlib.sha256(body).digest() == hashlib.sha256(big).digest()
    assert s3.get_object(Bucket=bucket, Key="run/onnx/config.json")["Body"].read() == b"{}"


def test_when_files_are_listed_for_upload_skipped_subtrees_are_left_out(tmp_path: Path) -> None:
    for name in ("checkpoints/checkpoint-1/a", "checkpoints-notes", "model/b", "result.json"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    assert files_under(tmp_path, skip=("checkpoints", "result.json")) == [
        "checkpoints-notes",
        "model/b",
    ]


def test_when_an_upload_is_refused_the_error_is_exit_8_and_names_the_location(
    s3: Any, tmp_path: Path
) -> None:
    output = s3_output(f"s3://{bucket_name()}/p")
    (tmp_path / "model.gguf").write_bytes(b"gguf")
    with pytest.raises(TrainerError) as caught:
        output.publish(tmp_path, (Artifact(tmp_path / "model.gguf", "sha256:0"), None), {})
    assert caught.value.code == ExitCode.OBJECT_STORE
    assert caught.value.message.startswith(f"cannot upload to {output.location.uri()}: ")
    assert "does not exist" in caught.value.message


def test_when_the_store_denies_access_the_message_says_so_through_boto3s_wrapping() -> None:
    from boto3.exceptions import S3UploadFailedError  # noqa: PLC0415
    from botocore.exceptions import ClientError  # noqa: PLC0415

    denied = ClientError({"Error": {"Code": "AccessDenied", "Message": "no"}}, "PutObject")
    try:
        try:
            raise denied
        except ClientError as error:
            raise S3UploadFailedError("Failed to upload") from error
    except S3UploadFailedError as wrapped:
        message = store_error("upload to", S3Location("b", "p"), wrapped).message
    assert message == (
        "cannot upload to s3://b/p: access to s3://b/p was denied (AccessDenied): "
        "check the credentials and policy"
    )
