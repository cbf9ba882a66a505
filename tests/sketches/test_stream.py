"""Streaming drawings: fixed splits by row index, memory-mapped reads, a shuffled interleave, shards."""

import numpy as np

from mlplay.sketches.stream import CHUNK, SPLITS, DrawingStream, array_part, file_splits, npy_part


def class_files(folder, classes, rows):
    """<class>.npy files like QuickDraw's (N×784 uint8); each drawing's first pixels hold its class and row."""
    files = {}
    for c, name in enumerate(classes):
        x = np.zeros((rows, 784), np.uint8)
        x[:, 0], x[:, 1], x[:, 2] = c, np.arange(rows) // 256, np.arange(rows) % 256
        np.save(folder / f"{name}.npy", x)
        files[name] = x
    return files


def ids(x):
    """(class, row) of each streamed drawing, from the pixels class_files wrote."""
    flat = np.asarray(x).reshape(len(x), -1).astype(np.int64)
    return flat[:, 0] * 100_000 + flat[:, 1] * 256 + flat[:, 2]


def test_splits_depend_on_the_row_index_only():
    codes = file_splits(np.arange(7000))
    assert (np.flatnonzero(codes == SPLITS["test"]) % 7 == 6).all() and (codes == SPLITS["test"]).sum() == 1000
    assert (codes == SPLITS["validation"]).sum() == 600  # every 10th of the 6,000 others
    assert np.array_equal(file_splits(np.arange(700)), codes[:700])  # fetching more never moves a drawing


def test_stream_reads_the_rows_of_each_split_from_memory_maps(tmp_path):
    files = class_files(tmp_path, ["cat", "dog"], rows=300)
    parts = [npy_part(tmp_path / "cat.npy", 0, "quickdraw"), npy_part(tmp_path / "dog.npy", 1, "quickdraw", limit=140)]
    stream = DrawingStream(parts, ["cat", "dog"])
    assert stream.count("test") == 300 // 7 + 140 // 7 and stream.per_label("test") == [42, 20]
    x, y = stream.arrays("test")
    assert x.shape == (62, 28, 28, 1) and x.dtype == np.uint8
    assert np.array_equal(x[:42].reshape(42, 784), files["cat"][6::7]) and (y == stream.targets("test")).all()
    total = sum(stream.count(s) for s in SPLITS)
    assert total == 440 and list(stream.sources("test")) == ["quickdraw"] * 62


def test_training_pipeline_gives_every_training_drawing_once_an_epoch_mixed_across_classes(tmp_path):
    classes = [f"c{i}" for i in range(5)]
    class_files(tmp_path, classes, rows=CHUNK * 4)
    stream = DrawingStream([npy_part(tmp_path / f"{c}.npy", i, "quickdraw") for i, c in enumerate(classes)], classes)
    ds = stream.dataset("train", 32, shuffle=True, seed=3)
    epochs = [[(x.numpy(), y.numpy()) for x, y in ds] for _ in range(2)]
    expected = ids(stream.arrays("train")[0])
    for batches in epochs:
        seen = np.concatenate([ids(x) for x, _ in batches])
        assert np.array_equal(np.sort(seen), np.sort(expected))  # each training drawing exactly once
        assert batches[0][0].dtype == np.float32 and batches[0][0].shape == (32, 28, 28, 1)
        assert len(np.unique(batches[0][1])) >= 4  # the first batch already mixes the classes
        assert all(np.concatenate([ids(x) for x, _ in batches]) // 100_000 == np.concatenate([y for _, y in batches]))
    assert not np.array_equal(ids(epochs[0][0][0]), ids(epochs[1][0][0]))  # reshuffled each epoch
    again = next(iter(stream.dataset("train", 32, shuffle=True, seed=3)))[0].numpy()
    assert np.array_equal(ids(again), ids(epochs[0][0][0]))  # same seed, same order
    held_out = ids(np.concatenate([stream.arrays(s)[0] for s in ("validation", "test")]))
    assert not np.isin(expected, held_out).any()


def test_shards_split_the_training_drawings_between_workers(tmp_path):
    class_files(tmp_path, ["a", "b", "c"], rows=CHUNK * 3 + 5)
    stream = DrawingStream([npy_part(tmp_path / f"{c}.npy", i, "quickdraw") for i, c in enumerate("abc")], list("abc"))
    pipelines = [stream.dataset("train", 64, shard=(i, 2)) for i in range(2)]
    shards = [np.concatenate([ids(x.numpy()) for x, _ in ds]) for ds in pipelines]
    assert [int(ds.cardinality()) for ds in pipelines] == [-(-len(s) // 64) for s in shards]  # epoch length known
    assert not np.isin(shards[0], shards[1]).any()
    assert np.array_equal(np.sort(np.concatenate(shards)), np.sort(ids(stream.arrays("train")[0])))


def test_arrays_in_memory_keep_their_own_test_rows():
    x = np.arange(30 * 784, dtype=np.int64).reshape(30, 784).astype(np.uint8)
    stream = DrawingStream([array_part(x[:20], 0, "doodles", test=False), array_part(x[20:], 0, "doodles", test=True)],
                           ["circle"])
    assert (stream.count("train"), stream.count("validation"), stream.count("test")) == (18, 2, 10)
    assert np.array_equal(stream.arrays("test")[0].reshape(10, 784), x[20:])
