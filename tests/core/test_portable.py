"""What a card records of a command line: no folder of the machine it ran on, one comma-separated list included."""

from mlplay.paths import REPO, portable_command


def test_folders_outside_the_project_are_named_and_lists_are_named_folder_by_folder(tmp_path):
    a, b = tmp_path / "rps-cgi", tmp_path / "rps-real"
    a.mkdir()
    b.mkdir()
    inside = str(REPO / "models")
    command = portable_command(["mlplay", "train", "rps-mobilenet", "--data", f"{a},{b}", "--models-dir", inside])
    assert command == f"mlplay train rps-mobilenet --data rps-cgi,rps-real --models-dir {inside}"
    assert str(tmp_path) not in portable_command(["mlplay", "eval", "x", "--data", str(a)])
