"""Greedy continuation of prompts with a trained artifact in PyTorch:
python -m kubetune_trainer.generate --model <folder> [--adapter <folder>] --max-tokens N
PROMPT...  prints {"completions": [...]} as JSON. The cross-language tests compare it with
what the LLM service answers from the exported GGUF files.
"""

import argparse
import json
from typing import Any

import torch
from peft import PeftModel
from transformers import AutoModelForCausalLM, AutoTokenizer


def greedy(model: Any, tokenizer: Any, prompt: str, max_tokens: int) -> str:
    ids = tokenizer(prompt, return_tensors="pt")["input_ids"]
    with torch.no_grad():
        out = model.generate(
            ids, max_new_tokens=max_tokens, do_sample=False, pad_token_id=tokenizer.eos_token_id
        )
    return str(tokenizer.decode(out[0, ids.shape[1] :], skip_special_tokens=True))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", required=True)
    parser.add_argument("--adapter")
    parser.add_argument("--max-tokens", type=int, default=8)
    parser.add_argument("prompts", nargs="+")
    args = parser.parse_args()
    tokenizer = AutoTokenizer.from_pretrained(args.model)
    model = AutoModelForCausalLM.from_pretrained(args.model, dtype=torch.float32)
    if args.adapter:
        model = PeftModel.from_pretrained(model, args.adapter)
    model.eval()
    completions = [greedy(model, tokenizer, p, args.max_tokens) for p in args.prompts]
    print(json.dumps({"completions": completions}))


if __name__ == "__main__":
    main()
