"""python -m kubetune_trainer.predict --model <folder> TEXT...  prints the classifier's
label probabilities in PyTorch as JSON ({"labels": [...], "probabilities": [[...]]}),
softmax or sigmoid per the config's problem_type. The cross-language tests compare them
with what the encoder service answers from the exported ONNX folder."""

import argparse
import json

import torch
from transformers import AutoModelForSequenceClassification, AutoTokenizer


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", required=True)
    parser.add_argument("texts", nargs="+")
    args = parser.parse_args()
    tokenizer = AutoTokenizer.from_pretrained(args.model)
    model = AutoModelForSequenceClassification.from_pretrained(args.model).eval()
    batch = tokenizer(args.texts, padding=True, return_tensors="pt")
    with torch.no_grad():
        logits = model(**batch).logits
    multi = model.config.problem_type == "multi_label_classification"
    probabilities = torch.sigmoid(logits) if multi else torch.softmax(logits, dim=-1)
    labels = [model.config.id2label[i] for i in range(logits.shape[1])]
    print(json.dumps({"labels": labels, "probabilities": probabilities.tolist()}))


if __name__ == "__main__":
    main()
