"""The two translation networks in numpy, one decoder step at a time: no TensorFlow at run time.

Each network reads the weights its Keras layers held (mlplay/translate/layers.py), by their Keras paths, and
offers the same three operations to the search (mlplay/translate/translator.py):

    memory, state = net.start(source ids)          read the English sentence once
    logits, state, attention = net.step(tokens, state, memory)    one French piece for each of k hypotheses
    state = net.reorder(state, rows)               keep the hypotheses the beam chose

`attention` is, for each hypothesis, how much the step looked at each source piece: the GRU's attention weights,
or the transformer's last cross-attention averaged over its heads.
"""

import math

import numpy as np

from mlplay.gru import GRU, softmax


def network(kind: str, weights: dict[str, np.ndarray], config: dict):
    return {"gru_attention": GruAttention, "transformer": Transformer}[kind](weights, config)


class GruAttention:
    """Bidirectional GRU encoder, GRU decoder, dot attention after each step, tied output scores."""

    def __init__(self, w: dict[str, np.ndarray], config: dict):
        def cell(prefix):
            return GRU([w[f"{prefix}/gru_cell/{k}"] for k in ("kernel", "recurrent_kernel", "bias")])

        self.embeddings, self.out_bias = w["embedding/embeddings"], w["embedding/bias"]
        self.forward, self.backward = cell("encoder/forward_gru"), cell("encoder/backward_gru")
        self.bridge = w["bridge/kernel"], w["bridge/bias"]
        self.decoder = cell("decoder")
        self.decoder_inputs = self.decoder.input_part(self.embeddings)  # each piece's input part, computed once
        self.combine = w["combine/kernel"], w["combine/bias"]
        self.scale = 1.0 / math.sqrt(self.decoder.units)

    def start(self, ids: np.ndarray):
        x = self.embeddings[ids][None]  # (1, source, embed)
        ahead, last_ahead = self.forward.sequence(x)
        behind, last_behind = self.backward.sequence(x[:, ::-1])
        memory = np.concatenate([ahead[0], behind[0, ::-1]], axis=-1)  # (source, 2·units)
        state = np.tanh(np.concatenate([last_ahead, last_behind], axis=-1) @ self.bridge[0] + self.bridge[1])
        return memory, state

    def step(self, tokens: np.ndarray, state: np.ndarray, memory: np.ndarray):
        if len(state) != len(tokens):  # the first step of a beam: one start state for every hypothesis
            state = np.repeat(state, len(tokens), 0)
        h = self.decoder.step_from(self.decoder_inputs[tokens], state)
        attention = softmax((h @ memory.T) * self.scale)  # (k, source)
        joined = np.tanh(np.concatenate([h, attention @ memory], axis=-1) @ self.combine[0] + self.combine[1])
        return joined @ self.embeddings.T + self.out_bias, h, attention

    @staticmethod
    def reorder(state: np.ndarray, rows: np.ndarray) -> np.ndarray:
        return state[rows]


def layer_norm(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, epsilon: float = 1e-3) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + epsilon) * gamma + beta


class Attention:
    """Keras MultiHeadAttention's arithmetic: project to heads, scaled dot products, softmax, project back."""

    def __init__(self, w: dict[str, np.ndarray], prefix: str):
        self.q, self.qb = w[f"{prefix}/query/kernel"], w[f"{prefix}/query/bias"]  # (dim, heads, head_dim)
        self.k, self.kb = w[f"{prefix}/key/kernel"], w[f"{prefix}/key/bias"]
        self.v, self.vb = w[f"{prefix}/value/kernel"], w[f"{prefix}/value/bias"]
        self.o, self.ob = w[f"{prefix}/attention_output/kernel"], w[f"{prefix}/attention_output/bias"]
        self.scale = 1.0 / math.sqrt(self.q.shape[-1])

    def keys_values(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """x (..., length, dim) → keys and values (..., length, heads, head_dim)."""
        return (np.einsum("...d,dhk->...hk", x, self.k) + self.kb,
                np.einsum("...d,dhk->...hk", x, self.v) + self.vb)

    def __call__(self, x: np.ndarray, keys: np.ndarray, values: np.ndarray):
        """x (k, dim): one query a hypothesis; keys/values (k or 1, length, heads, head_dim) →
        (output (k, dim), weights (k, heads, length))."""
        q = (np.einsum("bd,dhk->bhk", x, self.q) + self.qb) * self.scale
        weights = softmax(np.einsum("bhk,bshk->bhs", q, np.broadcast_to(keys, (len(x), *keys.shape[1:]))))
        mixed = np.einsum("bhs,bshk->bhk", weights, np.broadcast_to(values, (len(x), *values.shape[1:])))
        return np.einsum("bhk,hkd->bd", mixed, self.o) + self.ob, weights


class Transformer:
    """Pre-norm encoder and decoder; the decoder keeps each layer's keys and values (a cache), so a step costs one
    position, not the whole prefix."""

    def __init__(self, w: dict[str, np.ndarray], config: dict):
        self.embeddings, self.out_bias = w["embedding/embeddings"], w["embedding/bias"]
        self.dim = self.embeddings.shape[1]
        self.source_positions, self.target_positions = w["source_positions/table"], w["target_positions/table"]
        self.layers = config["layers"]
        self.w = w
        self.encoder_self = [Attention(w, f"encoder_{i}/attention") for i in range(self.layers)]
        self.decoder_self = [Attention(w, f"decoder_{i}/self_attention") for i in range(self.layers)]
        self.decoder_cross = [Attention(w, f"decoder_{i}/cross_attention") for i in range(self.layers)]

    def _norm(self, x, name):
        return layer_norm(x, self.w[f"{name}/gamma"], self.w[f"{name}/beta"])

    def _feed_forward(self, x, prefix):
        w = self.w
        hidden = np.maximum(x @ w[f"{prefix}/hidden/kernel"] + w[f"{prefix}/hidden/bias"], 0.0)
        return hidden @ w[f"{prefix}/output/kernel"] + w[f"{prefix}/output/bias"]

    @property
    def max_positions(self) -> int:
        return len(self.target_positions)

    def start(self, ids: np.ndarray):
        x = self.embeddings[ids] * math.sqrt(self.dim) + self.source_positions[: len(ids)]  # (source, dim)
        for i, attention in enumerate(self.encoder_self):
            h = self._norm(x, f"encoder_{i}/norm1")
            keys, values = attention.keys_values(h)
            out, _ = attention(h, keys[None], values[None])
            x = x + out
            x = x + self._feed_forward(self._norm(x, f"encoder_{i}/norm2"), f"encoder_{i}")
        memory = self._norm(x, "encoder_norm")
        cross = [tuple(a[None] for a in attention.keys_values(memory)) for attention in self.decoder_cross]
        heads, head_dim = cross[0][0].shape[2:]
        empty = np.zeros((1, 0, heads, head_dim), np.float32)
        return cross, {"position": 0, "cache": [(empty, empty) for _ in range(self.layers)]}

    def step(self, tokens: np.ndarray, state: dict, memory):
        t = state["position"]
        x = self.embeddings[tokens] * math.sqrt(self.dim) + self.target_positions[t]  # (k, dim)
        cache, attention = [], None
        for i in range(self.layers):
            h = self._norm(x, f"decoder_{i}/norm1")
            keys, values = self.decoder_self[i].keys_values(h[:, None])  # (k, 1, heads, head_dim)
            past_keys, past_values = state["cache"][i]
            if len(past_keys) != len(tokens):
                past_keys, past_values = (np.repeat(a, len(tokens), 0) for a in (past_keys, past_values))
            keys, values = np.concatenate([past_keys, keys], 1), np.concatenate([past_values, values], 1)
            cache.append((keys, values))
            out, _ = self.decoder_self[i](h, keys, values)
            x = x + out
            out, weights = self.decoder_cross[i](self._norm(x, f"decoder_{i}/norm2"), *memory[i])
            x = x + out
            x = x + self._feed_forward(self._norm(x, f"decoder_{i}/norm3"), f"decoder_{i}")
            attention = weights.mean(axis=1)  # the last layer's, averaged over heads: (k, source)
        logits = self._norm(x, "decoder_norm") @ self.embeddings.T + self.out_bias
        return logits, {"position": t + 1, "cache": cache}, attention

    @staticmethod
    def reorder(state: dict, rows: np.ndarray) -> dict:
        return {"position": state["position"], "cache": [(k[rows], v[rows]) for k, v in state["cache"]]}
