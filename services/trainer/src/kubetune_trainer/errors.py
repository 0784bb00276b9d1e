"""Failures the trainer reports, each with the exit code the operator reads.

A code names the kind of failure so a failed pod says what went wrong without its logs:
see README.md for the table and the reasons the operator shows for them.
"""

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    INTERNAL = 1
    INVALID_INPUT = 2
    DATA = 3
    BASE_MODEL = 4
    DEVICE = 5
    OUT_OF_MEMORY = 6
    OUTPUT = 7
    OBJECT_STORE = 8


REASONS = {
    ExitCode.INTERNAL: "TrainerError",
    ExitCode.INVALID_INPUT: "InvalidInput",
    ExitCode.DATA: "InvalidDataset",
    ExitCode.BASE_MODEL: "BaseModelUnavailable",
    ExitCode.DEVICE: "UnsupportedDevice",
    ExitCode.OUT_OF_MEMORY: "GPUOutOfMemory",
    ExitCode.OUTPUT: "ExportFailed",
    ExitCode.OBJECT_STORE: "ObjectStoreError",
}


class TrainerError(Exception):
    """An expected failure: its message is for the user, its code for the operator."""

    def __init__(self, code: ExitCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    @property
    def reason(self) -> str:
        return REASONS.get(self.code, "TrainerError")


def invalid(message: str) -> TrainerError:
    return TrainerError(ExitCode.INVALID_INPUT, message)
