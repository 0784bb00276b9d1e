"""Entry point: python -m kubetune_trainer [input.json]

Reads the resolved FineTuneJob (the path in KUBETUNE_TRAINER_INPUT unless given), trains,
exports, and writes the result to the termination message. Every expected failure exits
with its own code (errors.ExitCode) and a one-line message there.
"""

import os
import sys
import traceback
from pathlib import Path

from .errors import ExitCode, TrainerError
from .job import Job, load_job
from .progress import Reporter, reporter_from_env
from .result import Artifact, result_json, write_failure, write_result
from .s3_output import open_output

DEFAULT_INPUT = "/etc/kubetune/finetunejob.json"


def train(job: Job, reporter: Reporter) -> tuple[Artifact, Artifact | None, dict[str, float]]:
    # Imported here: torch and transformers take seconds to load, and input errors
    # should be reported without that wait.
    if job.task == "sequence-classification":
        from .classify import train_classifier  # noqa: PLC0415

        return train_classifier(job, reporter)
    from .causal import train_causal  # noqa: PLC0415

    return train_causal(job, reporter)


def run(input_path: Path) -> int:
    try:
        job = load_job(input_path)
        print(
            f"trainer: {job.name} version {job.version}: {job.task} with {job.method}",
            file=sys.stderr,
        )
        try:
            job.output.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise TrainerError(ExitCode.OUTPUT, f"cannot create {job.output}: {error}") from error
        output = open_output(job)  # s3://: credentials and bucket checked before training
        artifact, adapter, metrics = train(job, reporter_from_env())
        if output is None:
            write_result(result_json(artifact, adapter, metrics))
        else:
            write_result(output.publish(job.output, (artifact, adapter), metrics))
        return ExitCode.OK
    except TrainerError as error:
        write_failure(error)
        print(f"trainer: {error.message}", file=sys.stderr)
        return error.code
    except Exception as error:
        traceback.print_exc()
        write_failure(TrainerError(ExitCode.INTERNAL, f"{type(error).__name__}: {error}"))
        return ExitCode.INTERNAL


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    path = args[0] if args else os.environ.get("KUBETUNE_TRAINER_INPUT", DEFAULT_INPUT)
    sys.exit(run(Path(path)))
