"""Where the trainer reads and writes: local paths, file:// URIs and pvc:// paths mounted
at /mnt/pvc/<claim> (KUBETUNE_PVC_ROOT). Object stores are not supported yet: such a URI
is refused up front rather than failing after hours of training."""

import os
from pathlib import Path
from urllib.parse import unquote, urlparse

from .errors import invalid


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
        f"{uri}: the trainer reads and writes file:// and pvc:// locations; "
        f"{parsed.scheme}:// is not supported"
    )


def file_uri(path: Path) -> str:
    return path.resolve().as_uri()
