"""The classifier the model maker trains, in numpy with hand-written gradients.

token + position embeddings -> one single-head self-attention layer with a residual
connection (padding masked out of the keys) -> masked mean pooling -> tanh layer ->
linear logits. Small, but shaped like the encoders the service runs in production
(attention over the window is most of the compute), so its timings mean something.
"""

import numpy as np

DIM, HIDDEN, MAX_POSITIONS = 64, 64, 512
MASKED = -1e4


def _softmax(x, axis=-1):
    z = np.exp(x - x.max(axis, keepdims=True))
    return z / z.sum(axis, keepdims=True)


def _outer(a, b):
    """Sum over batch and sequence of a^T b, as one matrix product."""
    return a.reshape(-1, a.shape[-1]).T @ b.reshape(-1, b.shape[-1])


class Model:
    def __init__(self, vocab: int, classes: int, rng: np.random.Generator):
        def dense(rows, cols):
            return (rng.normal(0, 1, (rows, cols)) / np.sqrt(rows)).astype(np.float32)

        self.p = {
            "emb": rng.normal(0, 0.1, (vocab, DIM)).astype(np.float32),
            # Positions the training data never reaches stay zero: harmless at inference.
            "pos": np.zeros((MAX_POSITIONS, DIM), np.float32),
            "wq": dense(DIM, DIM), "wk": dense(DIM, DIM), "wv": dense(DIM, DIM),
            "wo": (dense(DIM, DIM) * 0.1).astype(np.float32),
            "w1": dense(DIM, HIDDEN), "b1": np.zeros(HIDDEN, np.float32),
            "w2": dense(HIDDEN, classes), "b2": np.zeros(classes, np.float32),
        }

    def forward(self, ids, mask):
        p = self.p
        seq = ids.shape[1]
        m = mask.astype(np.float32)
        x = p["emb"][ids] + p["pos"][:seq]
        q, k, v = x @ p["wq"], x @ p["wk"], x @ p["wv"]
        scores = q @ k.transpose(0, 2, 1) / np.sqrt(DIM) + ((1 - m) * MASKED)[:, None, :]
        attn = _softmax(scores)
        o = attn @ v
        y = x + o @ p["wo"]
        count = np.maximum(m.sum(1, keepdims=True), 1e-9)
        pooled = (y * m[:, :, None]).sum(1) / count
        h = np.tanh(pooled @ p["w1"] + p["b1"])
        logits = h @ p["w2"] + p["b2"]
        return logits, (ids, m, x, q, k, v, attn, o, count, pooled, h)

    def backward(self, dlogits, cache):
        p = self.p
        ids, m, x, q, k, v, attn, o, count, pooled, h = cache
        g = {"w2": h.T @ dlogits, "b2": dlogits.sum(0)}
        dh = (dlogits @ p["w2"].T) * (1 - h * h)
        g["w1"], g["b1"] = pooled.T @ dh, dh.sum(0)
        dy = ((dh @ p["w1"].T) / count)[:, None, :] * m[:, :, None]
        g["wo"] = _outer(o, dy)
        do = dy @ p["wo"].T
        dattn = do @ v.transpose(0, 2, 1)
        dv = attn.transpose(0, 2, 1) @ do
        dscores = attn * (dattn - (dattn * attn).sum(-1, keepdims=True)) / np.sqrt(DIM)
        dq = dscores @ k
        dk = dscores.transpose(0, 2, 1) @ q
        g["wq"] = _outer(x, dq)
        g["wk"] = _outer(x, dk)
        g["wv"] = _outer(x, dv)
        dx = dy + dq @ p["wq"].T + dk @ p["wk"].T + dv @ p["wv"].T
        g["emb"] = np.zeros_like(p["emb"])
        np.add.at(g["emb"], ids.reshape(-1), dx.reshape(-1, DIM))
        g["pos"] = np.zeros_like(p["pos"])
        g["pos"][: ids.shape[1]] = dx.sum(0)
        return g
