"""The Keras layers of the two translation models (imported only to train them: it imports Keras).

Both models read one packed array a pair: the source ids, then the target ids that start with <s> (teacher
forcing: the decoder sees the reference so far and learns the next piece). `SplitPair` unpacks it and cuts each
side to the longest sentence of the batch, so a batch of short sentences costs little. The vocabulary is shared:
`SharedEmbedding` turns ids into vectors and, at the top, vectors back into scores over the same vocabulary
(weight tying: one matrix, and a piece learned on one side helps the other).

mlplay/translate/forward.py computes the same thing in numpy, one step at a time, from the weights these layers
hold (named by their Keras paths).
"""

import math

import keras
from keras import layers, ops

PACKAGE = "mlplay_translate"


@keras.saving.register_keras_serializable(PACKAGE)
class SplitPair(layers.Layer):
    """(batch, source + target) ids → source ids, target ids, each cut to its longest sentence in the batch."""

    def __init__(self, source_length: int, **kwargs):
        super().__init__(**kwargs)
        self.source_length = source_length

    def call(self, packed):
        return _trim(packed[:, : self.source_length]), _trim(packed[:, self.source_length :])


    def get_config(self):
        return {**super().get_config(), "source_length": self.source_length}


def _trim(ids):
    """Padding (id 0) only ever comes at the end: keep the columns up to the longest sentence."""
    longest = ops.max(ops.sum(ops.cast(ops.not_equal(ids, 0), "int32"), axis=1))
    return ids[:, :longest]


@keras.saving.register_keras_serializable(PACKAGE)
class PadMask(layers.Layer):
    """ids → True where there is a token, False on padding."""

    def call(self, ids):
        return ops.not_equal(ids, 0)



@keras.saving.register_keras_serializable(PACKAGE)
class SharedEmbedding(layers.Layer):
    """One matrix for both languages: ids → vectors (times `scale`), and with logits=True vectors → scores."""

    def __init__(self, vocabulary: int, dim: int, scale: float = 1.0, **kwargs):
        super().__init__(**kwargs)
        self.vocabulary, self.dim, self.scale = vocabulary, dim, scale

    def build(self, input_shape):
        self.embeddings = self.add_weight(shape=(self.vocabulary, self.dim), name="embeddings",
                                          initializer=keras.initializers.RandomNormal(stddev=self.dim ** -0.5))
        self.bias = self.add_weight(shape=(self.vocabulary,), name="bias", initializer="zeros")

    def call(self, x, logits=False):
        if logits:
            return ops.matmul(x, ops.transpose(self.embeddings)) + self.bias
        return ops.take(self.embeddings, ops.cast(x, "int32"), axis=0) * self.scale


    def get_config(self):
        return {**super().get_config(), "vocabulary": self.vocabulary, "dim": self.dim, "scale": self.scale}


# GRU encoder–decoder with attention ----------------------------------------------------------------------------
@keras.saving.register_keras_serializable(PACKAGE)
class DotAttention(layers.Layer):
    """Luong's dot-product attention: each decoder state asks which source positions matter (scaled dot
    products, padding excluded, softmax) and gets back their weighted mean: the context."""

    def call(self, queries, keys, key_mask):
        scores = ops.matmul(queries, ops.transpose(keys, (0, 2, 1))) / math.sqrt(keys.shape[-1])
        scores = ops.where(key_mask[:, None, :], scores, -1e9)
        return ops.matmul(ops.softmax(scores, axis=-1), keys)



def gru_attention(vocabulary: int, source_length: int, embed: int, units: int, dropout: float) -> keras.Model:
    """Bidirectional GRU encoder (units each way) → GRU decoder (2·units) started from both final states, dot
    attention over the encoder's outputs after each decoder step, [state; context] → tanh → tied scores."""
    packed = keras.Input((None,), dtype="int32", name="pair")
    source, target = SplitPair(source_length, name="split")(packed)
    mask = PadMask(name="source_mask")(source)
    embedding = SharedEmbedding(vocabulary, embed, name="embedding")
    x = layers.Dropout(dropout, name="source_dropout")(embedding(source))
    outputs, forward, backward = layers.Bidirectional(layers.GRU(units, return_sequences=True, return_state=True),
                                                      name="encoder")(x, mask=mask)
    final = layers.Concatenate(name="final_states")([forward, backward])
    start = layers.Dense(2 * units, activation="tanh", name="bridge")(final)
    y = layers.Dropout(dropout, name="target_dropout")(embedding(target))
    states = layers.GRU(2 * units, return_sequences=True, name="decoder")(y, initial_state=start)
    context = DotAttention(name="attention")(states, outputs, mask)
    both = layers.Concatenate(name="state_context")([states, context])
    joined = layers.Dense(embed, activation="tanh", name="combine")(both)
    joined = layers.Dropout(dropout, name="combine_dropout")(joined)
    return keras.Model(packed, embedding(joined, logits=True), name="gru_attention")


# Transformer ---------------------------------------------------------------------------------------------------
@keras.saving.register_keras_serializable(PACKAGE)
class Positions(layers.Layer):
    """Adds a learned vector for each position (0, 1, …) to a sequence of vectors."""

    def __init__(self, length: int, dim: int, **kwargs):
        super().__init__(**kwargs)
        self.length, self.dim = length, dim

    def build(self, input_shape):
        self.table = self.add_weight(shape=(self.length, self.dim), name="table",
                                     initializer=keras.initializers.RandomNormal(stddev=0.02))

    def call(self, x):
        return x + self.table[: ops.shape(x)[1]]

    def get_config(self):
        return {**super().get_config(), "length": self.length, "dim": self.dim}


def _attention_mask(queries, key_mask):
    """(batch, queries, keys) booleans: every query may look at every non-padding key."""
    return ops.logical_and(ops.ones_like(queries[:, :, :1], dtype="bool"), key_mask[:, None, :])


@keras.saving.register_keras_serializable(PACKAGE)
class EncoderBlock(layers.Layer):
    """Pre-norm: x + self-attention(norm x), then x + feed-forward(norm x)."""

    def __init__(self, dim: int, heads: int, hidden: int, dropout: float, **kwargs):
        super().__init__(**kwargs)
        self.dim, self.heads, self.hidden, self.dropout_rate = dim, heads, hidden, dropout
        self.norm1 = layers.LayerNormalization(name="norm1")
        self.attention = layers.MultiHeadAttention(heads, dim // heads, dropout=dropout, name="attention")
        self.norm2 = layers.LayerNormalization(name="norm2")
        self.hidden_layer = layers.Dense(hidden, activation="relu", name="hidden")
        self.output_layer = layers.Dense(dim, name="output")
        self.drop = layers.Dropout(dropout)

    def call(self, x, mask, training=False):
        h = self.norm1(x)
        x = x + self.drop(self.attention(h, h, attention_mask=_attention_mask(h, mask), training=training),
                          training=training)
        return x + self.drop(self.output_layer(self.hidden_layer(self.norm2(x))), training=training)

    def get_config(self):
        return {**super().get_config(), "dim": self.dim, "heads": self.heads, "hidden": self.hidden,
                "dropout": self.dropout_rate}


@keras.saving.register_keras_serializable(PACKAGE)
class DecoderBlock(layers.Layer):
    """Pre-norm: x + causal self-attention, x + attention over the source, x + feed-forward."""

    def __init__(self, dim: int, heads: int, hidden: int, dropout: float, **kwargs):
        super().__init__(**kwargs)
        self.dim, self.heads, self.hidden, self.dropout_rate = dim, heads, hidden, dropout
        self.norm1 = layers.LayerNormalization(name="norm1")
        self.self_attention = layers.MultiHeadAttention(heads, dim // heads, dropout=dropout, name="self_attention")
        self.norm2 = layers.LayerNormalization(name="norm2")
        self.cross_attention = layers.MultiHeadAttention(heads, dim // heads, dropout=dropout, name="cross_attention")
        self.norm3 = layers.LayerNormalization(name="norm3")
        self.hidden_layer = layers.Dense(hidden, activation="relu", name="hidden")
        self.output_layer = layers.Dense(dim, name="output")
        self.drop = layers.Dropout(dropout)

    def call(self, x, memory, memory_mask, training=False):
        h = self.norm1(x)
        x = x + self.drop(self.self_attention(h, h, use_causal_mask=True, training=training), training=training)
        h = self.norm2(x)
        x = x + self.drop(self.cross_attention(h, memory, attention_mask=_attention_mask(h, memory_mask),
                                               training=training), training=training)
        return x + self.drop(self.output_layer(self.hidden_layer(self.norm3(x))), training=training)

    def get_config(self):
        return {**super().get_config(), "dim": self.dim, "heads": self.heads, "hidden": self.hidden,
                "dropout": self.dropout_rate}


def transformer(vocabulary: int, source_length: int, dim: int, heads: int, hidden: int, layers_: int,
                dropout: float, positions: int) -> keras.Model:
    """Encoder and decoder of `layers_` pre-norm blocks each, learned positions, tied embeddings."""
    packed = keras.Input((None,), dtype="int32", name="pair")
    source, target = SplitPair(source_length, name="split")(packed)
    mask = PadMask(name="source_mask")(source)
    embedding = SharedEmbedding(vocabulary, dim, scale=math.sqrt(dim), name="embedding")
    x = Positions(positions, dim, name="source_positions")(embedding(source))
    x = layers.Dropout(dropout, name="source_dropout")(x)
    for i in range(layers_):
        x = EncoderBlock(dim, heads, hidden, dropout, name=f"encoder_{i}")(x, mask)
    memory = layers.LayerNormalization(name="encoder_norm")(x)
    y = Positions(positions, dim, name="target_positions")(embedding(target))
    y = layers.Dropout(dropout, name="target_dropout")(y)
    for i in range(layers_):
        y = DecoderBlock(dim, heads, hidden, dropout, name=f"decoder_{i}")(y, memory, mask)
    y = layers.LayerNormalization(name="decoder_norm")(y)
    return keras.Model(packed, embedding(y, logits=True), name="transformer")
