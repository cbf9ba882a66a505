"""Batches of sentences of about the same length, for the shared training loop (a `Dataset.stream`).

The model cuts each batch to its longest sentence (layers.SplitPair), so a batch that mixes a 3-piece sentence
with a 25-piece one costs as much as 25-piece ones. Sorting the pairs by length (with a little noise, so the
batches differ from epoch to epoch) and shuffling the order of the batches makes a batch cost what its sentences
need: about half the work of random batches here.
"""

import itertools

import numpy as np

from mlplay.errors import MlplayError

NOISE = 2.0  # pieces: pairs whose target lengths differ by less than this may share a batch


class LengthBatches:
    def __init__(self, arrays: dict[str, tuple[np.ndarray, np.ndarray]], source_length: int):
        """`arrays`: split → (packed rows, targets), as models.load_data makes them."""
        self.arrays = arrays
        self.lengths = {split: (y != 0).sum(1) * 100 + (x[:, :source_length] != 0).sum(1)
                        for split, (x, y) in arrays.items()}  # by target length, then source length

    def count(self, split: str) -> int:
        return len(self.arrays[split][0])

    def order(self, split: str, batch_size: int, rng: np.random.Generator | None) -> list[np.ndarray]:
        """Row indices of each batch: sorted by length (plus noise when shuffling), the batches in random order."""
        key = self.lengths[split].astype(np.float64)
        if rng is not None:
            key += rng.uniform(0, NOISE * 100, len(key))
        rows = np.argsort(key, kind="stable")
        batches = [rows[i : i + batch_size] for i in range(0, len(rows), batch_size)]
        if rng is not None:
            rng.shuffle(batches)
        return batches

    def dataset(self, split: str, batch_size: int, shuffle: bool = False, seed: int = 0, shard=None):
        import tensorflow as tf

        if shard is not None:
            raise MlplayError("translation batches are not sharded across workers", "train with --strategy default")
        x, y = self.arrays[split]
        epochs = itertools.count()

        def batches():
            rng = np.random.default_rng([seed, next(epochs)]) if shuffle else None  # a new order every epoch
            for rows in self.order(split, batch_size, rng):
                yield x[rows], y[rows]

        signature = (tf.TensorSpec((None, x.shape[1]), tf.int32), tf.TensorSpec((None, y.shape[1]), tf.int32))
        count = -(-len(x) // batch_size)  # told to Keras, so that it knows where an epoch ends
        return (tf.data.Dataset.from_generator(batches, output_signature=signature)
                .apply(tf.data.experimental.assert_cardinality(count)).prefetch(2))
