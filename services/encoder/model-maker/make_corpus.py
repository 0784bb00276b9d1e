"""Writes corpus.jsonl beside this file from corpus.py (run after changing corpus.py)."""

import json
import pathlib

from corpus import build

out = pathlib.Path(__file__).with_name("corpus.jsonl")
with out.open("w", encoding="utf-8") as f:
    for doc in build():
        f.write(json.dumps(doc, ensure_ascii=False) + "\n")
print(f"wrote {out.name}")
