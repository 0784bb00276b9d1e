"""The labelled corpus the project's encoder models learn from.

Short arXiv-style abstracts in six categories, generated deterministically from
templates and word lists (a fixed seed), so every machine builds the same corpus and
the same model. Each category has its own topic vocabulary; all share the generic
vocabulary of abstracts, and a few off-topic words are mixed in, so the classes overlap
the way real abstracts do and the classifier has to weigh the evidence.
"""

import random

CATEGORIES = {
    "cs.AI": {
        "topics": ["automated planning", "knowledge representation", "multi-agent systems",
                   "constraint satisfaction", "commonsense reasoning", "heuristic search",
                   "game playing agents", "symbolic reasoning"],
        "terms": ["planner", "agent", "ontology", "heuristic", "knowledge base", "logic program",
                  "answer set programming", "belief revision", "theorem prover", "search tree",
                  "satisfiability solver", "epistemic logic", "plan library", "goal recognition",
                  "argumentation framework", "description logic"],
        "data": ["the International Planning Competition domains", "blocks world instances",
                 "a suite of SAT benchmarks", "StarCraft scenarios", "the Sokoban puzzle set"],
    },
    "cs.CL": {
        "topics": ["machine translation", "question answering", "named entity recognition",
                   "dependency parsing", "text summarization", "sentiment analysis",
                   "language modeling", "dialogue systems"],
        "terms": ["transformer encoder", "tokenizer", "parallel corpus", "word embeddings",
                  "syntactic parser", "morphology", "multilingual pretraining", "BLEU score",
                  "coreference resolution", "lexicon", "part-of-speech tagger", "speech transcripts",
                  "low-resource languages", "subword vocabulary", "discourse structure",
                  "prompting of language models"],
        "data": ["the WMT news translation task", "SQuAD", "the Penn Treebank",
                 "CoNLL shared task data", "a corpus of product reviews"],
    },
    "cs.CV": {
        "topics": ["object detection", "semantic segmentation", "image classification",
                   "pose estimation", "video understanding", "3D reconstruction",
                   "image super-resolution", "visual tracking"],
        "terms": ["convolutional backbone", "bounding boxes", "pixel-level masks", "feature pyramid",
                  "image patches", "optical flow", "point clouds", "camera calibration",
                  "vision transformer", "anchor boxes", "depth maps", "stereo matching",
                  "data augmentation of images", "keypoints", "frames", "rendering"],
        "data": ["ImageNet", "COCO", "Cityscapes", "KITTI", "the ScanNet indoor scenes"],
    },
    "cs.LG": {
        "topics": ["reinforcement learning", "federated learning", "continual learning",
                   "neural architecture search", "self-supervised learning",
                   "graph neural networks", "meta-learning", "model compression"],
        "terms": ["gradient descent", "policy gradient", "replay buffer", "catastrophic forgetting",
                  "mini-batch training", "learning rate schedule", "message passing", "pruning",
                  "quantization", "distillation", "reward shaping", "overparameterized networks",
                  "optimizer", "training instability", "client devices", "benchmark suites"],
        "data": ["the Atari benchmark", "MuJoCo control tasks", "OGB graph benchmarks",
                 "CIFAR-100 splits", "the LEAF federated benchmark"],
    },
    "math.ST": {
        "topics": ["asymptotic theory", "hypothesis testing", "minimax estimation",
                   "empirical processes", "high-dimensional covariance estimation",
                   "nonparametric regression", "extreme value theory", "sequential testing"],
        "terms": ["estimator", "consistency", "convergence rate", "central limit theorem",
                  "likelihood ratio", "sub-Gaussian tails", "concentration inequality", "minimax risk",
                  "Fisher information", "asymptotic normality", "U-statistics", "Lebesgue measure",
                  "martingale", "lower bound", "sample size", "null hypothesis"],
        "data": ["a rigorous proof", "an explicit constant", "a sharp oracle inequality",
                 "the Gaussian sequence model", "a triangular array"],
    },
    "stat.ML": {
        "topics": ["Bayesian inference", "Gaussian processes", "causal inference",
                   "variational inference", "kernel methods", "conformal prediction",
                   "mixture models", "uncertainty quantification"],
        "terms": ["posterior distribution", "prior", "Markov chain Monte Carlo", "kernel",
                  "evidence lower bound", "credible intervals", "treatment effect",
                  "confounders", "sparse regression", "latent variables", "expectation maximization",
                  "calibration", "predictive intervals", "hierarchical model",
                  "exchangeability", "probabilistic model"],
        "data": ["simulated data", "electronic health records", "the UCI repository datasets",
                 "a randomized controlled trial", "observational studies"],
    },
}

GENERIC = ["novel", "efficient", "simple", "principled", "scalable", "robust", "unified",
           "general", "practical", "new"]

OPENERS = [
    "We study {topic} and propose a {adj} approach based on {t1}.",
    "This paper addresses {topic} with a {adj} method that combines {t1} and {t2}.",
    "We introduce a {adj} framework for {topic} built on {t1}.",
    "Recent work on {topic} relies heavily on {t1}; we revisit this choice.",
    "{Topic} remains challenging because of {t1} and {t2}.",
]
MIDDLES = [
    "Our analysis shows how {t1} interacts with {t2}.",
    "The key idea is to replace {t1} with {t2} while keeping the overall cost low.",
    "We further connect {t1} to {t2} and derive a {adj} algorithm.",
    "A careful study of {t1} reveals why {t2} matters for {topic}.",
    "We also discuss {t1}, {t2} and their role in {topic}.",
]
CLOSERS = [
    "Experiments on {data} demonstrate clear gains over strong baselines.",
    "Results on {data} confirm the benefits of {t1}.",
    "We validate the approach on {data} and release our code.",
    "On {data}, the method improves over prior work on {topic}.",
]


def _fill(rng: random.Random, template: str, category: str) -> str:
    cat = CATEGORIES[category]
    t1, t2 = rng.sample(cat["terms"], 2)
    topic = rng.choice(cat["topics"])
    return template.format(topic=topic, Topic=topic[0].upper() + topic[1:], t1=t1, t2=t2,
                           adj=rng.choice(GENERIC), data=rng.choice(cat["data"]))


def abstract(rng: random.Random, cats: list[str]) -> str:
    """One abstract whose sentences draw on the given categories' vocabularies in turn,
    so every category of a multi-label abstract really is in its text."""
    turn = rng.randrange(len(cats))

    def category() -> str:
        nonlocal turn
        turn += 1
        return cats[turn % len(cats)]

    sentences = [_fill(rng, rng.choice(OPENERS), category())]
    for _ in range(rng.randint(2, 4)):
        sentences.append(_fill(rng, rng.choice(MIDDLES), category()))
    if rng.random() < 0.3:
        # A passing mention of another field, as real abstracts have.
        other = rng.choice([c for c in CATEGORIES if c not in cats])
        sentences.append(f"We briefly relate this to {rng.choice(CATEGORIES[other]['terms'])}.")
    sentences.append(_fill(rng, rng.choice(CLOSERS), category()))
    return " ".join(sentences)


def build(seed: int = 20261122, per_class: int = 80, pairs: int = 240) -> list[dict]:
    """Single-label abstracts (per_class for each category) and two-label abstracts."""
    rng = random.Random(seed)
    labels = list(CATEGORIES)
    docs = []
    for label in labels:
        for i in range(per_class):
            docs.append({"id": f"{label}-{i:03d}", "labels": [label], "text": abstract(rng, [label])})
    for i in range(pairs):
        pair = sorted(rng.sample(labels, 2))
        docs.append({"id": f"pair-{i:03d}", "labels": pair, "text": abstract(rng, pair)})
    # Every fifth document of each kind is held out for evaluation.
    for i, doc in enumerate(docs):
        doc["split"] = "test" if i % 5 == 4 else "train"
    return docs
