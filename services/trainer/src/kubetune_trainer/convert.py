"""python -m kubetune_trainer.convert <hf-llama-folder> <out.gguf> [f32|f16|q8_0]

Converts a Hugging Face llama folder (such as a base model a LoRA adapter was trained on)
to GGUF with the trainer's exporter, so an adapter.gguf has a base to be served on."""

import sys
from pathlib import Path

from .errors import TrainerError
from .export_gguf import write_model_gguf


def main(argv: list[str]) -> int:
    if len(argv) not in (2, 3):
        print(__doc__, file=sys.stderr)
        return 2
    try:
        write_model_gguf(Path(argv[0]), Path(argv[1]), argv[2] if len(argv) == 3 else "f16")
    except TrainerError as error:
        print(f"convert: {error.message}", file=sys.stderr)
        return int(error.code)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
