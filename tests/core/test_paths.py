"""`--label` and `--record` name a folder under the data folder: they can never write outside it."""


import pytest

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
def test_draw_refuses_a_label_outside_its_folder_in_one_line_before_any_window(tmp_path, command, mlplay):
    result = mlplay(*command, "../../x", cwd=tmp_path, env={"DISPLAY": ""})
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [result.stderr.strip()]  # one line
    assert "'../../x' is not a plain name" in result.stderr
    assert list(tmp_path.iterdir()) == []
