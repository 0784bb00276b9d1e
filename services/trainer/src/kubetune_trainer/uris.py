"""Where the trainer reads and writes: local paths, file:// URIs and pvc:// paths mounted
at /mnt/pvc/<claim> (KUBETUNE_PVC_ROOT). The output may also be s3://bucket/prefix: the
run is written to a local scratch folder (KUBETUNE_SCRATCH_DIR) and uploaded from there
(s3.py). Any other scheme is refused up front rather than failing after hours of training."""

import hashlib
import os
from pathlib import Path
from urllib.parse import unquote, urlparse

from .errors import invalid

DEFAULT_SCRATCH = "/tmp/kubetune-scratch"


def local_path(uri: str) -> Path:
    if "://" not in uri:
        return Path(uri)
    parsed = urlparse(uri)
    if parsed.scheme == "file":
        if parsed.netloc not in ("", "localhost"):
            raise invalid(f"{uri}: a file:// URI must name a local path")
        return Path(unquote(parsed.path))
    if parsed.scheme == "pvc":
        root = Path(os.environ.get("KUBETUNE_PVC_ROOT", "/mnt/pvc"))
        return root / parsed.netloc / unquote(parsed.path).lstrip("/")
    raise invalid(
        f"{uri}: the trainer reads file:// and pvc:// locations; "
        f"{parsed.scheme}:// is not supported"
    )


def is_s3(uri: str) -> bool:
    return uri.startswith("s3://")


def output_path(uri: str) -> Path:
    """The local folder the run writes to: the location itself, or for s3:// a folder in
    the scratch root whose contents are uploaded when the run ends. The folder is named by
    the output location, so a reused scratch root never uploads another run's files or
    resumes from another run's checkpoints."""
    if is_s3(uri):
        root = Path(os.environ.get("KUBETUNE_SCRATCH_DIR", DEFAULT_SCRATCH))
        return root / hashlib.sha256(uri.rstrip("/").encode()).hexdigest()[:16]
    return local_path(uri)


def file_uri(path: Path) -> str:
    return path.resolve().as_uri()
