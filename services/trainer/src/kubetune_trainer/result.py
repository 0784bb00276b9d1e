"""The run's outcome where the operator reads it: the pod's termination message.

On success it is the contract's TrainerResult JSON (artifact and adapter URIs with sha256
digests, evaluation metrics as strings). On failure it is one line, "<Reason> (exit
<code>): <message>", which the operator quotes in the FineTuneJob's condition. Kubernetes
keeps at most 4096 bytes of a termination message, so both are kept well under that.
"""

import contextlib
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from .errors import TrainerError
from .progress import decimal
from .uris import file_uri

TERMINATION_LOG = "/dev/termination-log"
MESSAGE_LIMIT = 4096
MAX_METRICS = 64


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def folder_digest(folder: Path, names: list[str]) -> str:
    """sha256 over "<sha256 of file>  <name>\\n" lines in the given order: the digest the
    encoder service checks with --digest for its three-file model folders."""
    digest = hashlib.sha256()
    for name in names:
        digest.update(f"{sha256_file(folder / name)}  {name}\n".encode())
    return f"sha256:{digest.hexdigest()}"


def digest_of(path: Path) -> str:
    if path.is_dir():
        names = sorted(str(p.relative_to(path)) for p in path.rglob("*") if p.is_file())
        return folder_digest(path, names)
    return f"sha256:{sha256_file(path)}"


@dataclass(frozen=True)
class Artifact:
    path: Path
    digest: str
    # Where the artifact was published when that is not its local path (s3:// outputs).
    uri: str | None = None

    def to_json(self) -> dict[str, str]:
        return {"uri": self.uri or file_uri(self.path), "digest": self.digest}


def metric_strings(metrics: dict[str, float]) -> dict[str, str]:
    """The contract's metrics map: names to decimal strings; non-finite values are left out."""
    out = {}
    for name, value in sorted(metrics.items())[:MAX_METRICS]:
        text = decimal(value)
        if text is not None:
            out[name] = text
    return out


def result_json(
    artifact: Artifact, adapter: Artifact | None, metrics: dict[str, float]
) -> dict[str, object]:
    body: dict[str, object] = {"artifact": artifact.to_json()}
    if adapter is not None:
        body["adapter"] = adapter.to_json()
    strings = metric_strings(metrics)
    if strings:
        body["metrics"] = strings
    return body


def termination_log() -> Path:
    return Path(os.environ.get("KUBETUNE_TERMINATION_LOG", TERMINATION_LOG))


def write_result(body: dict[str, object]) -> str:
    text = json.dumps(body, separators=(",", ":"))
    if len(text.encode()) > MESSAGE_LIMIT:
        raise ValueError(f"the result is {len(text)} bytes; a termination message holds 4096")
    _write(text)
    return text


def failure_message(error: TrainerError) -> str:
    text = f"{error.reason} (exit {int(error.code)}): {error.message}"
    return text.encode()[: MESSAGE_LIMIT - 4].decode(errors="ignore")


def write_failure(error: TrainerError) -> None:
    _write(failure_message(error))


def _write(text: str) -> None:
    path = termination_log()
    # Outside a pod there may be no termination log; stdout still carries the text.
    with contextlib.suppress(OSError):
        path.write_text(text, encoding="utf-8")
    print(text, flush=True)
