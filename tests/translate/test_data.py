"""The pairs: cleaning, the split by English sentence (no reference of a held-out sentence in training), reading
files with their faults, and the fetch from manythings.org (served here from loopback), offline in one line."""

import io
import json
import zipfile

import pytest

from mlplay.errors import MlplayError
from mlplay.translate import data

from translatehelpers import SHARED_PAIRS, needs_pairs


def test_normalize_makes_one_spelling_of_what_looks_the_same():
    assert data.normalize("  C\u2019est\u00a0vrai\u202f!  ") == "C'est vrai !"
    assert data.normalize("e\u0301te\u0301") == "été"  # decomposed accents composed (NFC)
    assert data.normalize("a \u2013 b\t\tc") == "a - b c"


def test_a_sentence_and_its_variants_share_one_split():
    assert data.key("Run!") == data.key("run.") == "run"
    assert data.key("I'm OK.") == "i m ok"
    for english in ("Run!", "Where is the station?", "I am hungry."):
        assert data.split_of(english) == data.split_of(english.lower().rstrip("!?.") + "...")


def test_the_split_shares_follow_the_hash():
    sentences = [f"Sentence number {i}." for i in range(20_000)]
    counts = {s: 0 for s in ("train", "validation", "test")}
    for s in sentences:
        counts[data.split_of(s)] += 1
    assert 0.04 < counts["test"] / len(sentences) < 0.06
    assert 0.04 < counts["validation"] / len(sentences) < 0.06


@needs_pairs
def test_no_translation_of_a_held_out_sentence_is_trained_on():
    read = data.read_pairs(SHARED_PAIRS)
    splits = data.split(read.pairs)
    assert len(read.pairs) == 71_488 and read.skipped == 0
    train_keys = {data.key(e) for e, _ in splits.train}
    for held_out in (splits.validation, splits.test):
        assert held_out and not train_keys & {data.key(e) for e, _ in held_out}
    # every French translation of a test sentence is among its references, and none of them is in training
    references = dict(splits.references("test"))
    for english, french in splits.test:
        assert french in references[english]
    assert not {e for e, _ in splits.train} & set(references)
    sizes = splits.sizes()
    assert sizes["test"]["sentences"] == len(references) and 2000 < sizes["test"]["sentences"] < 2600


def test_read_pairs_takes_two_or_three_columns_and_counts_other_lines(tmp_path):
    path = tmp_path / "p.tsv"
    lines = [f"Go {i}.\tVa {i} !\tCC-BY 2.0 (France) Attribution: tatoeba.org" for i in range(30)]
    path.write_text("\n".join(lines + ["no tab here", "\tonly French", ""]) + "\n", encoding="utf-8")
    read = data.read_pairs(path)
    assert read.pairs[0] == ("Go 0.", "Va 0 !") and len(read.pairs) == 30 and read.skipped == 2
    assert len(read.sha256) == 64


@pytest.mark.parametrize("content, message", [
    (None, "no such file"),
    (b"Go.\tVa !\n\xff\xfe\n", "is not UTF-8"),
    (b"Go.\tVa !\n" * 3, "too few to learn from"),
])
def test_read_pairs_refuses_bad_files_in_one_line(tmp_path, content, message):
    path = tmp_path / "p.tsv"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(MlplayError, match=message):
        data.read_pairs(path)


def _anki_zip(lines: list[str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("fra.txt", "\n".join(lines) + "\n")
        z.writestr("_about.txt", "about")
    return buffer.getvalue()


def test_fetch_keeps_the_short_sentences_records_the_source_and_is_idempotent(http_files):
    base, www = http_files
    lines = ["Go.\tVa !\tCC-BY 2.0 (France) Attribution: tatoeba.org #2877272 (CM) & #1158250 (Wittydev)",
             "Hello!\tBonjour !\tCC-BY 2.0", "This English sentence is far longer than thirty.\tUne longue phrase.\tx"]
    (www / "fra-eng.zip").write_bytes(_anki_zip(lines))
    path = data.fetch(f"{base}/fra-eng.zip", log=lambda *a: None)
    assert path.read_text(encoding="utf-8") == "Go.\tVa !\nHello!\tBonjour !\n"
    source = json.loads((path.parent / "SOURCE.json").read_text())
    assert source["pairs_in_download"] == 3 and "2 pairs" in source["kept"] and len(source["sha256"]) == 64
    assert data.cached() == path
    (www / "fra-eng.zip").unlink()
    assert data.fetch(f"{base}/fra-eng.zip") == path  # cached: nothing downloaded


def test_fetch_through_the_cli_and_offline_in_one_line(mlplay, http_files, tmp_path):
    base, www = http_files
    (www / "fra-eng.zip").write_bytes(_anki_zip(["Go.\tVa !\tx"]))
    env = {"MLPLAY_TATOEBA_URL": f"{base}/fra-eng.zip", "MLPLAY_DATA": str(tmp_path / "d")}
    done = mlplay("data", "fetch", "tatoeba-fra-eng", env=env)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "d" / "tatoeba-fra-eng" / "fra-eng.tsv").read_text() == "Go.\tVa !\n"
    env = {"MLPLAY_TATOEBA_URL": "http://127.0.0.1:9/fra-eng.zip", "MLPLAY_DATA": str(tmp_path / "e")}
    done = mlplay("data", "fetch", "tatoeba-fra-eng", env=env)
    assert done.returncode == 1 and done.stderr.count("\n") == 1
    assert done.stderr.startswith("Error: cannot download http://127.0.0.1:9/fra-eng.zip")
    assert "Traceback" not in done.stderr


def test_fetch_refuses_a_file_that_is_not_the_anki_zip(http_files):
    base, www = http_files
    (www / "fra-eng.zip").write_bytes(b"<html>not a zip</html>")
    with pytest.raises(MlplayError, match="is not the zip of fra.txt"):
        data.fetch(f"{base}/fra-eng.zip")
