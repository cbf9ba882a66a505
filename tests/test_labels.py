"""`--label` and `--record` name a folder under the data folder: they can never write outside it."""

import os
import subprocess
import sys

import pytest
from test_drawapp import make_app, stroke

from mlplay.errors import MlplayError
from mlplay.paths import check_label

BAD = ["../../x", "..", ".hidden", "", "   ", "a/b", "a\\b", "C:x", "x\n", " x"]


@pytest.mark.parametrize("label", BAD)
def test_labels_that_could_leave_their_folder_are_refused(label):
    with pytest.raises(MlplayError, match="is not a plain name"):
        check_label(label)


def test_plain_labels_pass():
    for label in ("cat", "smiley face", "7", "rock", "été", "hot-dog_2"):
        assert check_label(label) == label


@pytest.mark.parametrize("command", [["draw", "digits", "--label"], ["draw", "sketches", "--record"]])
def test_draw_refuses_a_label_outside_its_folder_in_one_line_before_any_window(tmp_path, command):
    result = subprocess.run([sys.executable, "-m", "mlplay", *command, "../../x"], capture_output=True, text=True,
                            timeout=60, cwd=tmp_path, env={**os.environ, "DISPLAY": ""})
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [result.stderr.strip()] and "'../../x' is not a plain name" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_the_draw_app_refuses_a_bad_record_label_and_never_saves_under_a_bad_model_label(tmp_path):
    with pytest.raises(MlplayError):
        make_app(tmp_path, label="../x")
    app, models, out, _ = make_app(tmp_path)
    app.predictor.labels = ["../../escaped"] * 10  # a hostile card's labels
    stroke(app, [(100, 100), (300, 300)])
    app.key("s")
    assert not any(o.get("event") == "saved" for o in out) and "not saved" in app.status
    assert not list(tmp_path.rglob("*.png"))
