"""QLoRA's quantized base: the BitsAndBytesConfig for the job's quantization settings.

4-bit NF4 (or FP4) weights, optionally with double quantization (the per-block scales
quantized too), matrix multiplies in the placement's compute dtype (fp16 on T4, bf16 on
A10G). bitsandbytes is imported only when a run asks for it.
"""

from typing import Any

from transformers import BitsAndBytesConfig

from .errors import ExitCode, TrainerError
from .harness import torch_dtype
from .job import Job


def quantization_config(job: Job, cuda: bool) -> BitsAndBytesConfig:
    q = job.quantization
    if q.bits == 8:
        return BitsAndBytesConfig(load_in_8bit=True)
    # The CPU has no fast half-precision matmul: there the 4-bit weights compute in fp32.
    dtype = torch_dtype(job.compute_dtype) if cuda else torch_dtype("fp32")
    return BitsAndBytesConfig(
        load_in_4bit=True,
        bnb_4bit_quant_type=q.type,
        bnb_4bit_use_double_quant=q.double_quant,
        bnb_4bit_compute_dtype=dtype,
    )


def require_bitsandbytes() -> Any:
    try:
        import bitsandbytes  # noqa: PLC0415 - optional, heavy, GPU-oriented
    except ImportError as error:
        raise TrainerError(
            ExitCode.DEVICE, f"method qlora needs bitsandbytes, which cannot be imported: {error}"
        ) from error
    return bitsandbytes
