"""The held-out figures of a translation model's files, measured as `mlplay translate` runs them.

`measure(folder, splits)` translates every test sentence (greedy, and with a beam of 4) and every validation
sentence (greedy) with the numpy translator, and scores them against all of their French translations (BLEU, chrF),
beside the word-by-word baseline, and the same test sentences as people type them at the REPL (typed.py: lower case,
half without their final punctuation), greedy and beam 4, against the same references. It runs in a child process
with one BLAS thread, as `mlplay translate` does: in the training process, after TensorFlow has run, OpenBLAS'
threads wait on TensorFlow's and a beam search there was several times slower; and the figures `mlplay eval`
reproduces come from the same arithmetic. Inside it, the sentences are shared among as many forked copies of the
translator as there are cores (`Translators`): each sentence is translated exactly as alone, and the speed is
that of one process (the sentences over the CPU seconds the copies spent, summed).

`python -m mlplay.translate.figures typed [--data FILE]` measures the typed figures alone on a trained model's files
(the shipped `translate` by default) and writes them into its card, without retraining; training writes the same
figures, and `mlplay eval translate` checks them with the others.
"""

import argparse
import json
import os
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

from mlplay.errors import MlplayError
from mlplay.translate import data as tatoeba, scores, typed
from mlplay.translate.baseline import WordByWord

BEAM = 4


def measure(folder: Path, splits: tatoeba.Splits, what: str = "all") -> dict:
    """`evaluate` of the model in `folder` (what="typed": `typed_figures` alone), in a child process (see above)."""
    import mlplay

    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
           "PYTHONPATH": os.pathsep.join(filter(None, [str(Path(mlplay.__file__).parent.parent),
                                                       os.environ.get("PYTHONPATH")]))}
    request = json.dumps({"what": what, **{s: getattr(splits, s) for s in ("train", "validation", "test")}},
                         ensure_ascii=False)
    done = subprocess.run([sys.executable, "-m", "mlplay.translate.figures", "measure", str(folder)], input=request,
                          capture_output=True, text=True, encoding="utf-8", env=env)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise MlplayError(f"scoring the translations failed: {last}")
    return json.loads(done.stdout)


_SHARED = None  # the translator the forked copies inherit


def _translate(translator, sentences: list[str], beam: int) -> tuple[list, float]:
    """The translations, and the CPU seconds they took (one BLAS thread: this process's CPU time is its work)."""
    started = time.process_time()
    return [translator.translate(s, beam) for s in sentences], time.process_time() - started


def _translate_share(job: tuple[list[str], int]) -> tuple[list, float]:
    return _translate(_SHARED, *job)  # in a forked copy


def cores() -> int:
    """The cores this process may run on (its affinity, where the system says; else all of them)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


class Translators:
    """`many(sentences, beam=1)` → (translations in order, seconds one process would have taken): the sentences
    dealt in turn to forked copies of `translator`, one a core. Forking a process that has run numpy's BLAS is safe
    on Linux; elsewhere (macOS' Accelerate, Windows) one process translates them all. A copy that dies (out of
    memory) is an error, never a wait."""

    def __init__(self, translator, processes: int | None = None):
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        self.translator, self.pool = translator, None
        self.processes = processes or cores()
        if self.processes > 1 and sys.platform.startswith("linux"):
            global _SHARED
            _SHARED = translator
            self.pool = ProcessPoolExecutor(self.processes, mp_context=multiprocessing.get_context("fork"))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        global _SHARED
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            _SHARED = None

    def __call__(self, sentences: list[str], beam: int = 1) -> tuple[list, float]:
        if self.pool is None:
            return _translate(self.translator, sentences, beam)
        n = self.processes
        shares = list(self.pool.map(_translate_share, [(sentences[k::n], beam) for k in range(n)]))
        out = [None] * len(sentences)
        for k, (translations, _) in enumerate(shares):
            out[k::n] = translations
        return out, sum(seconds for _, seconds in shares)


def evaluate(translator, splits: tatoeba.Splits) -> dict:
    """BLEU and chrF of greedy and beam-4 translations of every test sentence (all its translations as references),
    the word-by-word baseline's, validation BLEU (greedy; what model choices were made on), the teacher-forced loss
    and piece accuracy of the test pairs, examples, and `typed_figures`."""
    test, validation = splits.references("test"), splits.references("validation")
    sources, references = [e for e, _ in test], [r for _, r in test]
    with Translators(translator) as many:
        greedy_translations, greedy_seconds = many(sources)
        greedy = [t.text for t in greedy_translations]
        beam_translations, beam_seconds = many(sources, BEAM)
        beam = [t.text for t in beam_translations]
        validation_greedy = [t.text for t in many([e for e, _ in validation])[0]]
        as_typed = typed_figures(many, test)
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
        **as_typed["metrics"],
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
        "typed": as_typed["typed"],
    }


def typed_figures(translate_all, test: list[tuple[str, list[str]]]) -> dict:
    """BLEU and chrF, greedy (the REPL's live bar) and beam 4 (what Enter prints), of the translations of the test
    sentences as people type them (typed.py), against the references of the sentences as written; `test` is
    Splits.references("test"); `translate_all` a Translators. The same sentences as written are test_bleu and
    test_bleu_beam4."""
    sources, references = [typed.typed(e) for e, _ in test], [r for _, r in test]
    greedy = [t.text for t in translate_all(sources)[0]]
    beam = [t.text for t in translate_all(sources, BEAM)[0]]
    return {
        "metrics": {"typed_test_bleu": scores.bleu(greedy, references),
                    "typed_test_chrf": scores.chrf(greedy, references),
                    f"typed_test_bleu_beam{BEAM}": scores.bleu(beam, references),
                    f"typed_test_chrf_beam{BEAM}": scores.chrf(beam, references)},
        "typed": {"sentences": len(sources), "seed": typed.SEED,
                  "without_final_punctuation": sum(s != e.lower() for s, (e, _) in zip(sources, test)),
                  "how": typed.HOW,
                  "as_written": f"test_bleu, test_chrf (greedy) and test_bleu_beam{BEAM}, test_chrf_beam{BEAM}: the "
                                "same sentences with the same references, as written",
                  "examples": [{"english": e, "typed": s, "greedy": g, f"beam{BEAM}": b}
                               for (e, _), s, g, b in list(zip(test, sources, greedy, beam))[:12]]},
    }


def write_measured(name: str = "translate", data: Path | None = None, models_dir: Path | None = None,
                   command: str | None = None, what: str = "typed", log=print) -> dict:
    """Measure the files of the trained model `name` (on the test pairs its card names, or `data`) and write the
    figures into its card (atomically), with the command that did it and when; no retraining. what="typed":
    `typed_figures` alone; "all": every figure `evaluate` gives (after a change to how a line is read)."""
    from mlplay import store
    from mlplay.translate.translator import FILES

    model = store.open(name, models_dir)
    if model.card.task != "translation":
        raise MlplayError(f"{name} is not a translation model", "use translate (see: mlplay models)")
    command = command or f"python -m mlplay.translate.figures {what}"
    splits = tatoeba.recorded_splits(model, data, command)
    for file in FILES:
        model.file(file)  # each checked against the card's SHA-256
    figures = measure(model.folder, splits, what)
    when = datetime.now(timezone.utc).isoformat(timespec="seconds")
    sections = {"typed": {**figures["typed"], "command": command, "date": when}}
    if what == "all":
        sections.update({k: v for k, v in figures.items() if k not in ("metrics", "typed", "speed")})
        sections["measured_again"] = {"command": command, "date": when,
                                      "why": "every figure measured again on the shipped files, without retraining "
                                             "(the speed stays as training measured it, on a machine doing nothing "
                                             "else)"}
    card = store.amend_card(model.folder, figures["metrics"], **sections)
    m, beam = card["metrics"], f"beam{BEAM}"
    log(f"{name}, {figures['typed']['sentences']:,} test sentences as typed (as written): BLEU beam {BEAM} "
        f"{m[f'typed_test_bleu_{beam}']:.2f} ({m.get(f'test_bleu_{beam}', float('nan')):.2f}), greedy "
        f"{m['typed_test_bleu']:.2f} ({m.get('test_bleu', float('nan')):.2f}); chrF beam {BEAM} "
        f"{m[f'typed_test_chrf_{beam}']:.2f} ({m.get(f'test_chrf_{beam}', float('nan')):.2f}), greedy "
        f"{m['typed_test_chrf']:.2f} ({m.get('test_chrf', float('nan')):.2f}) → {model.folder / 'card.json'}")
    return card["typed"]


def child(folder: Path) -> None:
    """`measure`'s child: the model folder as argument, the splits (and what to measure) as JSON on stdin, the
    figures as JSON on stdout."""
    from mlplay.translate.translator import Translator

    request = json.loads(sys.stdin.read())
    splits = tatoeba.Splits(*([tuple(p) for p in request[s]] for s in ("train", "validation", "test")))
    translator = Translator(folder)
    if request.get("what") == "typed":
        with Translators(translator) as many:
            figures = typed_figures(many, splits.references("test"))
    else:
        figures = evaluate(translator, splits)
    print(json.dumps(figures, ensure_ascii=False))


def main(argv: list[str] | None = None) -> None:
    from mlplay.paths import portable_command

    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(prog="python -m mlplay.translate.figures")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("measure", help="the child process of training and `mlplay eval` (JSON on stdin and stdout)"
                        ).add_argument("folder", type=Path)
    for what, words in (("typed", "the test sentences as people type them"),
                        ("all", "every figure (after a change to how a line is read)")):
        write = commands.add_parser(what, help=f"measure {words} on a trained model's files and write the figures "
                                               "into its card, without retraining")
        write.add_argument("--data", type=Path, help="the English<TAB>French pairs it was trained on (default: the "
                                                     "file its card names, else the fetched tatoeba-fra-eng)")
        write.add_argument("--model", default="translate")
        write.add_argument("--models-dir", type=Path)
    args = parser.parse_args(argv)
    if args.command == "measure":
        child(args.folder)
        return
    try:
        write_measured(args.model, args.data, args.models_dir,
                       portable_command(["python", "-m", "mlplay.translate.figures", *argv]), args.command)
    except MlplayError as e:
        from mlplay.errors import report

        report(e)
        sys.exit(1)


if __name__ == "__main__":
    main()
