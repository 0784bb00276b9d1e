"""Resuming across pods when the output is s3://: a new pod starts with an empty scratch
folder, so checkpoints are mirrored under <prefix>/checkpoints/ as they are saved and the
newest is downloaded before training starts.

Each saved checkpoint is uploaded whole first, then <prefix>/checkpoints/latest is set to
its name: a pod killed mid-upload leaves `latest` on the previous, complete checkpoint.
Checkpoints the trainer rotated away locally are then deleted from the store too. A failed
mirror upload is logged and training goes on (the final upload is what must succeed); a
failed restore stops the run (exit 8) rather than silently training from the start.
"""

import re
import shutil
import sys
from pathlib import Path
from typing import Any

from transformers import TrainerCallback

from .s3 import store_error, store_errors
from .s3_output import CHECKPOINTS, S3Output
from .s3_transfer import (
    delete_folder,
    download_folder,
    files_under,
    list_keys,
    read_text,
    transfer_config,
    upload_files,
    write_text,
)

LATEST = f"{CHECKPOINTS}/latest"
CHECKPOINT_NAME = re.compile(r"^checkpoint-[0-9]+$")


def remote_checkpoints(output: S3Output) -> set[str]:
    names = list_keys(output.client, output.location, CHECKPOINTS)
    return {n.split("/", 1)[0] for n in names if CHECKPOINT_NAME.match(n.split("/", 1)[0])}


def restore_latest(output: S3Output, local: Path) -> str | None:
    """Downloads the newest complete mirrored checkpoint into local/; returns its name."""
    failures: tuple[type[BaseException], ...] = (*store_errors(), ValueError, OSError)
    try:
        name = read_text(output.client, output.location, LATEST)
        if name is None:
            return None
        name = name.strip()
        if not CHECKPOINT_NAME.match(name):
            raise ValueError(f"{LATEST} names {name!r}, not a checkpoint")
        if (local / name / "trainer_state.json").is_file():
            return name  # this pod saved it itself
        partial = local / f".{name}.partial"
        shutil.rmtree(partial, ignore_errors=True)
        count = download_folder(output.client, output.location, f"{CHECKPOINTS}/{name}", partial)
        partial.rename(local / name)
    except failures as error:
        raise store_error("restore the checkpoint from", output.location, error) from error
    print(f"trainer: restored {name} ({count} files) from {output.location.uri()}", file=sys.stderr)
    return name


def mirror_checkpoint(output: S3Output, local: Path, name: str) -> None:
    """Uploads local/name, points `latest` at it, and drops mirrored ones gone locally."""
    folder = local / name
    config = transfer_config(output.multipart_threshold)
    target = output.location.child(f"{CHECKPOINTS}/{name}")
    upload_files(output.client, folder, files_under(folder), target, config)
    write_text(output.client, output.location, LATEST, name + "\n")
    kept = {p.name for p in local.iterdir() if CHECKPOINT_NAME.match(p.name)}
    for stale in sorted(remote_checkpoints(output) - kept):
        delete_checkpoint(output, stale)


def delete_checkpoint(output: S3Output, name: str) -> None:
    delete_folder(output.client, output.location, f"{CHECKPOINTS}/{name}")


class CheckpointMirror(TrainerCallback):  # type: ignore[misc]
    """Mirrors each checkpoint the trainer saves (only the main process uploads)."""

    def __init__(self, output: S3Output) -> None:
        self.output = output

    def on_save(self, args: Any, state: Any, control: Any, **_: Any) -> None:
        if not state.is_world_process_zero:
            return
        name = f"checkpoint-{state.global_step}"
        try:
            mirror_checkpoint(self.output, Path(args.output_dir), name)
        except store_errors() as error:
            problem = store_error("upload to", self.output.location, error).message
            # The run goes on: the final upload is what must succeed.
            print(
                f"trainer: could not mirror {name} ({problem}); training goes on", file=sys.stderr
            )
