"""An s3:// output: checked before training, uploaded when the run ends.

The run writes into a local scratch folder exactly as it would for file://. At the start
the bucket is probed, so missing credentials (exit 2), a missing bucket or refused access
(exit 8) stop the pod before hours of training. At the end every exported file goes up
under the prefix (checkpoints/ is mirrored separately while training, see
checkpoint_mirror.py), then result.json, written last so its presence means the upload is
whole. The result's URIs name the objects; the digests are those of the uploaded bytes,
computed from the local files S3 verified part by part on arrival.
"""

import json
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from .job import Job
from .result import Artifact, result_json
from .s3 import S3Location, make_client, parse_s3_uri, settings_from_env, store_error, store_errors
from .s3_transfer import MULTIPART_THRESHOLD, files_under, transfer_config, upload_files, write_text
from .uris import is_s3

RESULT_FILE = "result.json"
CHECKPOINTS = "checkpoints"


@dataclass(frozen=True)
class S3Output:
    client: Any
    location: S3Location
    multipart_threshold: int = MULTIPART_THRESHOLD

    def check(self) -> None:
        """Fails fast when the bucket is missing, refused or unreachable."""
        try:
            self.client.head_bucket(Bucket=self.location.bucket)
        except store_errors() as error:
            raise store_error("reach", self.location, error) from error

    def published(self, artifact: Artifact, scratch: Path) -> Artifact:
        relative = artifact.path.relative_to(scratch).as_posix()
        suffix = "/" if artifact.path.is_dir() else ""
        return replace(artifact, uri=self.location.uri(relative) + suffix)

    def publish(
        self,
        scratch: Path,
        artifacts: tuple[Artifact, Artifact | None],
        metrics: dict[str, float],
    ) -> dict[str, object]:
        """Uploads the exported files and the result; returns the result with s3:// URIs."""
        artifact, adapter = artifacts
        body = result_json(
            self.published(artifact, scratch),
            self.published(adapter, scratch) if adapter else None,
            metrics,
        )
        names = files_under(scratch, skip=(CHECKPOINTS, RESULT_FILE))
        print(f"trainer: uploading {len(names)} files to {self.location.uri()}", file=sys.stderr)
        config = transfer_config(self.multipart_threshold)
        try:
            upload_files(self.client, scratch, names, self.location, config)
            write_text(self.client, self.location, RESULT_FILE, json.dumps(body, indent=2) + "\n")
        except store_errors() as error:
            raise store_error("upload to", self.location, error) from error
        return body


def s3_output(uri: str) -> S3Output:
    """Credentials from the environment (exit 2 when missing) and a client for uri."""
    return S3Output(make_client(settings_from_env(uri)), parse_s3_uri(uri))


def open_output(job: Job) -> S3Output | None:
    """Prepares the job's output before training: None for local outputs."""
    if not is_s3(job.output_uri):
        return None
    output = s3_output(job.output_uri)
    output.check()
    return output
