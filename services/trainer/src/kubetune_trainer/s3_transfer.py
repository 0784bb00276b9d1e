"""Moving files between a local folder and an s3:// prefix. Large files go up in parts
(boto3's managed transfer): a part that fails is retried alone, and S3 checks each part's
SHA-256 as it arrives, so a corrupted upload is refused rather than stored."""

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .s3 import S3Location

MIB = 1 << 20
# Above this a file is sent in parts of the same size: few requests for multi-GB GGUFs,
# and a retry re-sends at most one part.
MULTIPART_THRESHOLD = 64 * MIB


def transfer_config(threshold: int = MULTIPART_THRESHOLD) -> Any:
    from boto3.s3.transfer import TransferConfig  # noqa: PLC0415

    return TransferConfig(
        multipart_threshold=threshold, multipart_chunksize=threshold, max_concurrency=4
    )


def files_under(folder: Path, skip: tuple[str, ...] = ()) -> list[str]:
    """Files below folder as "/"-joined relative names in sorted order, leaving out the
    subtrees named in skip."""
    names = []
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).as_posix()
        if path.is_file() and not any(relative == s or relative.startswith(s + "/") for s in skip):
            names.append(relative)
    return names


def upload_file(client: Any, path: Path, location: S3Location, relative: str, config: Any) -> None:
    client.upload_file(
        str(path),
        location.bucket,
        location.key(relative),
        ExtraArgs={"ChecksumAlgorithm": "SHA256"},
        Config=config,
    )


def upload_files(
    client: Any, folder: Path, names: Iterable[str], location: S3Location, config: Any
) -> None:
    for name in names:
        upload_file(client, folder / name, location, name, config)


def list_keys(client: Any, location: S3Location, relative: str) -> list[str]:
    """Keys under <prefix>/<relative>/, relative to <prefix>/<relative>/."""
    base = location.key(relative).rstrip("/") + "/"
    keys: list[str] = []
    for page in client.get_paginator("list_objects_v2").paginate(
        Bucket=location.bucket, Prefix=base
    ):
        keys += [item["Key"][len(base) :] for item in page.get("Contents", [])]
    return keys


def safe_relative(name: str) -> bool:
    parts = name.split("/")
    return bool(name) and all(part not in ("", ".", "..") for part in parts)


def download_folder(client: Any, location: S3Location, relative: str, target: Path) -> int:
    """Downloads every object under <prefix>/<relative>/ into target; returns the count.
    A key that would land outside target is refused."""
    names = list_keys(client, location, relative)
    for name in names:
        if not safe_relative(name):
            raise ValueError(f"refusing to download {relative}/{name}: not a plain relative path")
        path = target / name
        path.parent.mkdir(parents=True, exist_ok=True)
        client.download_file(location.bucket, location.key(f"{relative}/{name}"), str(path))
    return len(names)


def read_text(client: Any, location: S3Location, relative: str) -> str | None:
    """The object's text, or None when there is no such key."""
    from botocore.exceptions import ClientError  # noqa: PLC0415

    try:
        response = client.get_object(Bucket=location.bucket, Key=location.key(relative))
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
            return None
        raise
    body: bytes = response["Body"].read()
    return body.decode("utf-8")


def write_text(client: Any, location: S3Location, relative: str, text: str) -> None:
    client.put_object(
        Bucket=location.bucket,
        Key=location.key(relative),
        Body=text.encode("utf-8"),
        ContentType="application/json" if relative.endswith(".json") else "text/plain",
    )


def delete_folder(client: Any, location: S3Location, relative: str) -> None:
    keys = [location.key(f"{relative}/{name}") for name in list_keys(client, location, relative)]
    for start in range(0, len(keys), 1000):  # DeleteObjects takes at most 1000 keys
        batch = [{"Key": key} for key in keys[start : start + 1000]]
        client.delete_objects(Bucket=location.bucket, Delete={"Objects": batch, "Quiet": True})
