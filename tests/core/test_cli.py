"""The CLI through Typer's runner and as a real process: help, listing, predict, bad input."""

import json

import cv2
import numpy as np
import pytest
from typer.testing import CliRunner

from mlplay.cli import app

runner = CliRunner()


def test_help_lists_the_panels_and_the_commands():
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for word in ("Train", "Play", "Data", "train", "eval", "models", "predict", "draw", "env"):
        assert word in result.output


def test_help_is_fast_because_tensorflow_is_not_imported(mlplay):
    code = ("import sys, mlplay.cli; mlplay.cli.app(['--help'], standalone_mode=False); "
            "print('tensorflow' in sys.modules)")
    assert mlplay.python("-c", code).stdout.strip().endswith("False")


def test_models_lists_every_shipped_model_with_the_figure_from_its_card():
    from mlplay.paths import models_dir

    result = runner.invoke(app, ["models"], env={"COLUMNS": "80"})
    assert result.exit_code == 0
    cards = [json.loads(p.read_text()) for p in sorted(models_dir().glob("*/card.json"))]
    assert {"digits-cnn", "digits-mlp", "sketch-cnn", "sum-3", "shakespeare"} <= {c["name"] for c in cards}
    from mlplay import card as cards_module
    from mlplay.catalog import headline

    for card in cards:
        line = next(line for line in result.output.splitlines() if line.startswith(card["name"] + " "))
        assert card["date"][:10] in line
        if card.get("metrics"):  # a pretrained asset (the MediaPipe hand models) has no held-out figure of ours
            assert headline(cards_module.parse(card, card["name"])).split(" (")[0][:12] in line
    rows = {line.split()[0]: line for line in result.output.splitlines() if line.strip()}
    assert "on real drawings" in rows["sketch-cnn"] and "(published)" in rows["coco-ssd-quant"]


def test_unknown_model_is_one_line_error_exit_1(mlplay):
    result = mlplay("train", "no-such-model")
    assert result.returncode == 1
    assert result.stderr.strip().startswith("Error: unknown model 'no-such-model'")
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("args", [("train", "digts-cnn"), ("predict", "digts-cnn", "x.png"), ("eval", "digts-cnn")])
def test_a_mistyped_model_name_suggests_the_closest_real_model_and_no_command_that_cannot_work(args, mlplay):
    result = mlplay(*args)
    assert result.returncode == 1 and "did you mean digits-cnn?" in result.stderr, result.stderr
    assert "mlplay train digts-cnn" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_help_shows_flags_without_a_value_placeholder_and_train_lists_the_model_names():
    result = runner.invoke(app, ["train", "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    quick = next(line for line in result.output.splitlines() if "--quick" in line)
    assert "bool" not in quick.lower(), quick
    from mlplay import registry

    for name in registry.experiments():
        assert name in result.output or not registry.experiments()[name].trainable, name
    assert "--digits" in result.output and "--mix" in result.output  # the families' own options


def test_missing_model_names_the_train_command(tmp_path, mlplay):
    result = mlplay("predict", "digits-cnn", "x.png", "--models-dir", str(tmp_path))
    assert result.returncode == 1 and "mlplay train digits-cnn" in result.stderr and "Traceback" not in result.stderr


def test_draw_without_display_fails_cleanly(mlplay):
    result = mlplay("draw", "digits", env={"DISPLAY": "", "WAYLAND_DISPLAY": ""})
    assert result.returncode == 1
    assert "no display" in result.stderr and "Traceback" not in result.stderr


def test_draw_refuses_a_model_of_another_experiment(mlplay):
    for window, model in (("sketches", "sum-2"), ("digits", "shakespeare"), ("sketches", "digits-cnn")):
        result = mlplay("draw", window, "--model", model, env={"DISPLAY": ":987"})
        assert result.returncode == 1 and "is not a model for this window" in result.stderr
        assert "Traceback" not in result.stderr


def test_draw_with_a_dead_display_fails_cleanly_instead_of_aborting(mlplay):
    result = mlplay("draw", "digits", env={"DISPLAY": ":987"})
    assert result.returncode == 1 and "cannot connect" in result.stderr


def digit_png(path, digit, paper=False, size=200):
    img = np.zeros((size, size), np.uint8)
    cv2.putText(img, str(digit), (size // 4, size * 3 // 4), cv2.FONT_HERSHEY_SIMPLEX, size / 40, 255, size // 20)
    cv2.imwrite(str(path), 255 - img if paper else img)
    return path


def test_predict_reads_digits_in_either_polarity_with_the_shipped_cnn(tmp_path, mlplay):
    paths = [digit_png(tmp_path / "seven.png", 7), digit_png(tmp_path / "zero.png", 0, paper=True)]
    result = mlplay("predict", "digits-cnn", *map(str, paths), "--jsonl", "--top", "3")
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["label"] for r in rows] == ["7", "0"]
    assert all(len(r["top"]) == 3 for r in rows)


def odd_images(tmp_path):
    good = digit_png(tmp_path / "good.png", 3)
    truncated = tmp_path / "truncated.png"
    truncated.write_bytes(good.read_bytes()[:200])
    (tmp_path / "text.png").write_text("not an image")
    (tmp_path / "empty.png").write_bytes(b"")
    rgba = np.zeros((100, 100, 4), np.uint8)
    cv2.putText(rgba, "3", (20, 80), cv2.FONT_HERSHEY_SIMPLEX, 2.5, (255, 255, 255, 255), 8)
    cv2.imwrite(str(tmp_path / "rgba.png"), rgba)
    cv2.imwrite(str(tmp_path / "deep.png"), cv2.imread(str(good), cv2.IMREAD_GRAYSCALE).astype(np.uint16) * 257)
    return tmp_path


def test_odd_images_are_handled_or_refused_in_one_line(tmp_path, mlplay):
    folder = odd_images(tmp_path)
    names = ["good.png", "rgba.png", "deep.png", "truncated.png", "text.png", "empty.png", "missing.png"]
    result = mlplay("predict", "digits-cnn", *[str(folder / n) for n in names])
    assert result.returncode == 1  # some failed
    assert "Traceback" not in result.stderr
    handled = {line.split(":")[0].rsplit("/", 1)[-1] for line in result.stdout.splitlines()}
    assert handled == {"good.png", "rgba.png", "deep.png"}
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 5 and all(e.startswith("Warning: skipped ") for e in lines[:4])  # one a bad file
    assert "damaged PNG" in lines[0] and "empty" in lines[2] and "no such file" in lines[3]
    assert lines[-1].startswith("Error: 4 of 7 images could not be read (skipped)")  # then the count
    assert "3" in result.stdout.splitlines()[2].split(":")[1].split()[0]  # the 16-bit image still reads as a 3


@pytest.mark.slow
def test_huge_image_is_refused(tmp_path, mlplay):
    path = tmp_path / "huge.png"
    cv2.imwrite(str(path), np.zeros((12000, 9000), np.uint8))  # 108 Mpixel, compresses to a small file
    result = mlplay("predict", "digits-cnn", str(path))
    assert result.returncode == 1 and "Error:" in result.stderr and "Traceback" not in result.stderr


def test_env_reports_versions_and_display():
    result = runner.invoke(app, ["env"])
    assert result.exit_code == 0 and "tensorflow" in result.output and "display" in result.output
