"""Drawings streamed to training through tf.data, however many there are: memory-mapped class files, a shuffled
interleave across classes, memory bounded by buffers rather than by the data.

A data set is a list of parts, each the drawings of one label from one source: a QuickDraw `<class>.npy` file
(read through memory maps, never loaded whole) or arrays already in memory (generated doodles, recorded
drawings). Every row of a part has a fixed split, decided by its index alone, so it never depends on how many
drawings were fetched:
  class files   test: every 7th drawing (index % 7 == 6); validation: every 10th of the others; train: the rest
  arrays        the source's own test rows; validation: every 10th of its training rows; train: the rest

Training reads parts in chunks of CHUNK consecutive rows. The table of all parts' chunks is shuffled every epoch
(an interleave across classes in random order), each chunk is read when its turn comes from a memory map opened
for that read and closed after it (long-lived maps would keep every page read so far in the process's memory),
and a shuffle buffer of SHUFFLE drawings mixes the drawings of many chunks. What stays in memory: the chunk table
(a few integers a chunk), the shuffle buffer and the batches in flight, whatever the size of the data.

`shard=(index, count)` gives worker `index` of `count` its own disjoint share of the chunks (multi-worker training).
"""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from mlplay.errors import MlplayError

CHUNK = 64  # consecutive drawings read at once from one part
SHUFFLE = 16_384  # drawings in the training shuffle buffer (12.8 MB of uint8 bitmaps)
SPLITS = {"train": 0, "validation": 1, "test": 2}
TEST_EVERY, VALIDATION_EVERY = 7, 10
SIDE = 28


def file_splits(index: np.ndarray) -> np.ndarray:
    """Split codes of a class file's rows: test every 7th, validation every 10th of the remaining, train the rest."""
    test = index % TEST_EVERY == TEST_EVERY - 1
    remaining = index - (index + 1) // TEST_EVERY  # position among the rows that are not test rows
    validation = ~test & (remaining % VALIDATION_EVERY == VALIDATION_EVERY - 1)
    return np.where(test, SPLITS["test"], np.where(validation, SPLITS["validation"], SPLITS["train"]))


def training_splits(index: np.ndarray) -> np.ndarray:
    """Split codes of rows meant for training: every 10th is validation."""
    return np.where(index % VALIDATION_EVERY == VALIDATION_EVERY - 1, SPLITS["validation"], SPLITS["train"])


def test_splits(index: np.ndarray) -> np.ndarray:
    return np.full(len(index), SPLITS["test"])


@dataclass
class Part:
    """The drawings of one label from one source."""

    label: int
    source: str  # e.g. "quickdraw" or "doodles": the card reports the test accuracy of each source apart
    rows: int
    read: Callable[[int, int], np.ndarray]  # (start, stop) -> (stop - start) × 28 × 28 uint8
    splits: Callable[[np.ndarray], np.ndarray]  # row indices -> split codes (SPLITS)

    def counts(self) -> np.ndarray:
        return np.bincount(self.splits(np.arange(self.rows)), minlength=len(SPLITS))


def npy_part(path: Path, label: int, source: str, limit: int | None = None) -> Part:
    """The first `limit` drawings (all without it) of an N×784 uint8 .npy file, memory-mapped per read."""
    path = Path(path)
    try:
        bitmaps = np.load(path, mmap_mode="r")  # checks the header; its map is dropped at once
    except (ValueError, OSError) as e:
        raise MlplayError(f"{path} is not a .npy file ({e})") from None
    if bitmaps.dtype != np.uint8 or bitmaps.ndim != 2 or bitmaps.shape[1] != SIDE * SIDE:
        raise MlplayError(f"{path}: expected N×784 uint8 bitmaps, got {bitmaps.shape} {bitmaps.dtype}")
    rows, start_byte = bitmaps.shape[0], bitmaps.offset
    del bitmaps
    rows = min(rows, limit) if limit else rows

    def read(start: int, stop: int) -> np.ndarray:
        mapped = np.memmap(path, np.uint8, "r", offset=start_byte + start * SIDE * SIDE,
                           shape=(stop - start, SIDE * SIDE))
        out = np.array(mapped).reshape(-1, SIDE, SIDE)
        del mapped  # unmapped here: the pages it touched leave the process (they stay in the OS file cache)
        return out

    return Part(label, source, rows, read, file_splits)


def array_part(x: np.ndarray, label: int, source: str, test: bool) -> Part:
    """Drawings in memory: a source's test rows (`test`), or training rows of which every 10th validates."""
    x = np.asarray(x, np.uint8).reshape(-1, SIDE, SIDE)
    return Part(label, source, len(x), lambda start, stop: x[start:stop], test_splits if test else training_splits)


class DrawingStream:
    """Parts → tf.data pipelines per split, plus the labels and sources of the (unshuffled) rows of a split."""

    def __init__(self, parts: list[Part], labels: list[str]):
        self.parts, self.labels = parts, labels
        self._counts = np.array([p.counts() for p in parts]).reshape(-1, len(SPLITS))

    def count(self, split: str) -> int:
        return int(self._counts[:, SPLITS[split]].sum())

    def per_label(self, split: str) -> list[int]:
        counts = np.zeros(len(self.labels), np.int64)
        np.add.at(counts, [p.label for p in self.parts], self._counts[:, SPLITS[split]])
        return counts.tolist()

    def chunks(self, split: str) -> np.ndarray:
        """(part, start, stop, rows of `split` in it) of every chunk holding rows of `split`, part by part, in row
        order."""
        code, table = SPLITS[split], []
        for i, part in enumerate(self.parts):
            if self._counts[i, code] == 0:
                continue
            starts = np.arange(0, part.rows, CHUNK)
            stops = np.minimum(starts + CHUNK, part.rows)
            in_split = np.add.reduceat((part.splits(np.arange(part.rows)) == code).astype(np.int64), starts)
            table.append(np.stack([np.full(len(starts), i), starts, stops, in_split], 1))
        return np.concatenate(table).astype(np.int64) if table else np.zeros((0, 4), np.int64)

    def read(self, split: str, part: int, start: int, stop: int) -> tuple[np.ndarray, np.ndarray]:
        """The rows of `split` in rows start…stop of a part: (n × 28 × 28 × 1 uint8, n labels)."""
        p = self.parts[part]
        keep = p.splits(np.arange(start, stop)) == SPLITS[split]
        x = p.read(start, stop)[keep]
        return x[..., None], np.full(len(x), p.label, np.int64)

    def targets(self, split: str) -> np.ndarray:
        """Labels of the split's rows, in the order `dataset(split)` yields them unshuffled."""
        counts = self._counts[:, SPLITS[split]]
        return np.concatenate([np.full(n, p.label, np.int64) for p, n in zip(self.parts, counts)])

    def sources(self, split: str) -> np.ndarray:
        counts = self._counts[:, SPLITS[split]]
        return np.concatenate([np.full(n, p.source, object) for p, n in zip(self.parts, counts)])

    def arrays(self, split: str) -> tuple[np.ndarray, np.ndarray]:
        """The whole split in memory (small data and tests only)."""
        pieces = [self.read(split, *row[:3]) for row in self.chunks(split)]
        if not pieces:
            return np.zeros((0, SIDE, SIDE, 1), np.uint8), np.zeros(0, np.int64)
        return np.concatenate([x for x, _ in pieces]), np.concatenate([y for _, y in pieces])

    def dataset(self, split: str, batch_size: int, shuffle: bool = False, seed: int = 0,
                shard: tuple[int, int] | None = None):
        """A tf.data pipeline of (float32 batch × 28 × 28 × 1, int64 labels) for `split`.

        shuffle: chunk order reshuffled every epoch (seeded) and drawings mixed in a SHUFFLE buffer.
        shard: (index, count): only every count-th chunk from index on (each worker its own share).
        """
        from mlplay.console import tensorflow

        tf = tensorflow()
        table = self.chunks(split)
        if shard is not None:
            index, count = shard
            table = table[index::count]
        batches = -(-int(table[:, 3].sum()) // batch_size)
        ds = tf.data.Dataset.from_tensor_slices(table[:, :3])
        if shuffle:
            ds = ds.shuffle(max(1, len(table)), seed=seed, reshuffle_each_iteration=True)

        def load(row):
            return self.read(split, *(int(v) for v in row))

        def read_chunk(row):
            x, y = tf.numpy_function(load, [row], (tf.uint8, tf.int64), stateful=False)
            return tf.ensure_shape(x, (None, SIDE, SIDE, 1)), tf.ensure_shape(y, (None,))

        ds = ds.map(read_chunk, num_parallel_calls=tf.data.AUTOTUNE, deterministic=True).unbatch()
        if shuffle:
            ds = ds.shuffle(SHUFFLE, seed=seed, reshuffle_each_iteration=True)
        ds = ds.batch(batch_size).map(lambda x, y: (tf.cast(x, tf.float32), y))
        ds = ds.apply(tf.data.experimental.assert_cardinality(batches))  # Keras then knows the epoch's length
        if shard is not None:  # already sharded by hand: tf.distribute must not shard it again
            options = tf.data.Options()
            options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.OFF
            ds = ds.with_options(options)
        return ds.prefetch(tf.data.AUTOTUNE)
