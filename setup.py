"""The build's one step beyond pyproject.toml: the wheel carries the shipped models (models/ in a clone) as
mlplay/shipped/, so that an installed mlplay (`pip install .`, `pip install git+URL`) finds them (mlplay/paths.py).
An editable install needs no copy: it reads models/ in the clone."""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

MODELS = Path(__file__).resolve().parent / "models"


class BuildWithModels(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return
        shutil.copytree(MODELS, Path(self.build_lib) / "mlplay" / "shipped", dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns(".*", "__pycache__"))


setup(cmdclass={"build_py": BuildWithModels})
