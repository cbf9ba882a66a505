"""The held-out figures of a translation model's files, measured as `mlplay translate` runs them.

`measure(folder, splits)` translates every test sentence (greedy, and with a beam of 4) and every validation
sentence (greedy) with the numpy translator, and scores them against all of their French translations (BLEU, chrF),
beside the word-by-word baseline. It runs in a child process with one BLAS thread, as `mlplay translate` does: in
the training process, after TensorFlow has run, OpenBLAS' threads wait on TensorFlow's and a beam search there was
several times slower; and the figures `mlplay eval` reproduces come from the same arithmetic.
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from mlplay.errors import MlplayError
from mlplay.translate import data as tatoeba, scores
from mlplay.translate.baseline import WordByWord

BEAM = 4


def measure(folder: Path, splits: tatoeba.Splits) -> dict:
    """`evaluate` of the model in `folder`, in a child process (see above)."""
    import mlplay

    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
           "PYTHONPATH": os.pathsep.join(filter(None, [str(Path(mlplay.__file__).parent.parent),
                                                       os.environ.get("PYTHONPATH")]))}
    request = json.dumps({s: getattr(splits, s) for s in ("train", "validation", "test")}, ensure_ascii=False)
    done = subprocess.run([sys.executable, "-m", "mlplay.translate.figures", str(folder)], input=request,
                          capture_output=True, text=True, encoding="utf-8", env=env)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise MlplayError(f"scoring the translations failed: {last}")
    return json.loads(done.stdout)


def evaluate(translator, splits: tatoeba.Splits) -> dict:
    """BLEU and chrF of greedy and beam-4 translations of every test sentence (all its translations as references),
    the word-by-word baseline's, validation BLEU (greedy; what model choices were made on), the teacher-forced loss
    and piece accuracy of the test pairs, and examples."""
    test, validation = splits.references("test"), splits.references("validation")
    sources, references = [e for e, _ in test], [r for _, r in test]
    started = time.perf_counter()
    greedy_translations = [translator.translate(e) for e in sources]
    greedy_seconds = time.perf_counter() - started
    greedy = [t.text for t in greedy_translations]
    started = time.perf_counter()
    beam = [translator.translate(e, BEAM).text for e in sources]
    beam_seconds = time.perf_counter() - started
    validation_greedy = [translator.translate(e).text for e, _ in validation]
    words = WordByWord(splits.train)
    word_by_word = [words(e) for e in sources]
    pieces = [(translator.subwords.encode(e), [*translator.subwords.encode(f), translator.end]) for e, f in splits.test]
    loss, accuracy = translator.reference_scores(pieces)
    unk = translator.subwords.index["<unk>"]
    metrics = {
        "test_bleu": scores.bleu(greedy, references), "test_chrf": scores.chrf(greedy, references),
        f"test_bleu_beam{BEAM}": scores.bleu(beam, references), f"test_chrf_beam{BEAM}": scores.chrf(beam, references),
        "baseline_test_bleu": scores.bleu(word_by_word, references),
        "baseline_test_chrf": scores.chrf(word_by_word, references),
        "validation_bleu": scores.bleu(validation_greedy, [r for _, r in validation]),
        "test_loss": round(loss, 6), "test_piece_accuracy": round(accuracy, 6),
        "unk_written": sum(unk in translator.subwords.encode(t) for t in greedy + beam),
        "unk_avoided": sum(s.unk_avoided for t in greedy_translations for s in t.sentences),
    }
    return {
        "metrics": metrics,
        "test_set": {"sentences": len(test), "references": sum(len(r) for r in references),
                     "pairs": len(splits.test), "validation_sentences": len(validation)},
        "evaluation": "the shipped float16 weights run in numpy as `mlplay translate` runs them, on every held-out "
                      "English sentence; BLEU (13a words, case-sensitive) and chrF (β 2) against all of its French "
                      "translations; test_loss and test_piece_accuracy: teacher-forced over the test pairs' pieces "
                      "(label smoothing 0.1, as in training); unk_written counts <unk> pieces in the outputs "
                      "(the search never writes one); unk_avoided counts the greedy steps whose likeliest piece was "
                      "<unk>, where the next likeliest was written instead",
        "speed": {"greedy_sentences_per_second": round(len(sources) / greedy_seconds, 1),
                  f"beam{BEAM}_sentences_per_second": round(len(sources) / beam_seconds, 1)},
        "baseline": {"what": "word by word from a dictionary of the training pairs (Dice coefficient), "
                             "mlplay/translate/baseline.py", "entries": len(words.dictionary)},
        "examples": [{"english": e, "greedy": g, f"beam{BEAM}": b, "references": r}
                     for e, g, b, r in list(zip(sources, greedy, beam, references))[:12]],
    }


def main() -> None:
    """The child: the model folder as argument, the splits as JSON on stdin, the figures as JSON on stdout."""
    from mlplay.translate.translator import Translator

    request = json.loads(sys.stdin.read())
    splits = tatoeba.Splits(*([tuple(p) for p in request[s]] for s in ("train", "validation", "test")))
    print(json.dumps(evaluate(Translator(Path(sys.argv[1])), splits), ensure_ascii=False))


if __name__ == "__main__":
    main()
