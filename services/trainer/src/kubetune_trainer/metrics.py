"""Classification metrics over a held-out set: accuracy, micro and macro F1, ROC-AUC.

Inputs are indicator matrices (examples x labels): for single-label problems the true
and predicted rows are one-hot; for multi-label ones any subset. Accuracy is exact match
(subset accuracy for multi-label). ROC-AUC is the macro average over the labels that have
both positive and negative examples; it is left out when none has.
"""

import numpy as np
from numpy.typing import NDArray

Matrix = NDArray[np.float64]


def _f1(tp: float, fp: float, fn: float) -> float:
    denominator = 2 * tp + fp + fn
    return 0.0 if denominator == 0 else 2 * tp / denominator


def auc(truth: NDArray[np.bool_], scores: NDArray[np.float64]) -> float:
    """Area under the ROC curve: the chance a random positive outscores a random negative
    (ties count one half), computed from average ranks."""
    order = scores.argsort(kind="mergesort")
    ranks = np.empty(len(scores))
    sorted_scores = scores[order]
    start = 0
    while start < len(scores):
        end = start
        while end + 1 < len(scores) and sorted_scores[end + 1] == sorted_scores[start]:
            end += 1
        ranks[order[start : end + 1]] = (start + end) / 2 + 1
        start = end + 1
    positives = int(truth.sum())
    negatives = len(truth) - positives
    rank_sum = float(ranks[truth].sum())
    return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives)


def classification_metrics(truth: Matrix, predicted: Matrix, scores: Matrix) -> dict[str, float]:
    true_bool, pred_bool = truth > 0.5, predicted > 0.5
    tp = (true_bool & pred_bool).sum(axis=0).astype(float)
    fp = (~true_bool & pred_bool).sum(axis=0).astype(float)
    fn = (true_bool & ~pred_bool).sum(axis=0).astype(float)
    metrics = {
        "accuracy": float((true_bool == pred_bool).all(axis=1).mean()),
        "f1_micro": _f1(float(tp.sum()), float(fp.sum()), float(fn.sum())),
        "f1_macro": float(np.mean([_f1(*c) for c in zip(tp, fp, fn, strict=True)])),
    }
    areas = [
        auc(true_bool[:, j], scores[:, j])
        for j in range(truth.shape[1])
        if 0 < true_bool[:, j].sum() < len(truth)
    ]
    if areas:
        metrics["roc_auc"] = float(np.mean(areas))
    return metrics
