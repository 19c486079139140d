# Everything a fresh Debian / Raspberry Pi OS machine with Python 3 and make needs:
#   make run    the kiosk (windowed, keyboard as foot switch, where no screen or GPIO can be owned)
#   make test   lint (ruff, mypy on the core), then the whole test suite (installs Xvfb, Mesa, libmtdev,
#               xdotool, espeak-ng when root)
#   make bench  the benchmarks, side by side with their baselines
#   make translations  the screens' words: extract them (babel.cfg) into kiosk/data/locale/kiosk.pot,
#               bring every language's kiosk.po up to date, compile each to kiosk.mo
#   make system-test           install, boot and recover on a real systemd in a Debian Trixie root
#   make system-test ARCH=arm64  the Raspberry Pi architecture's install path, under emulation
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench venv test-deps clean sounds system-test translations

$(STAMP): pyproject.toml
	@scripts/ensure-venv.sh "$(PYTHON)" "$(VENV)"
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $@

venv: $(STAMP)

test-deps:
	@scripts/ensure-test-deps.sh

run: $(STAMP)
	$(BIN)/kiosk run $(ARGS)

# ruff on everything, mypy on the pure core (kiosk/routines, kiosk/engine; see pyproject.toml)
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

# The suite runs on two workers, a test file each at a time (pytest-xdist): the real kiosk
# processes, brokers and browsers of one file stay together. PYTEST_WORKERS=0 runs it in one process.
PYTEST_WORKERS ?= 2
test: $(STAMP) test-deps lint
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

ARCH ?= amd64
system-test: $(STAMP) test-deps
	scripts/system-test/run.sh $(ARCH) $(PYTEST_ARGS)

bench: $(STAMP) test-deps
	$(BIN)/python bench/run_all.py

LOCALE := kiosk/data/locale
VERSION := $(shell sed -n 's/^version = "\(.*\)"/\1/p' pyproject.toml)
translations: $(STAMP)
	$(BIN)/pybabel --quiet extract -F babel.cfg -o $(LOCALE)/kiosk.pot --project=session-kiosk --version=$(VERSION) \
		--msgid-bugs-address="the kiosk's maintainers (docs/languages.md)" --copyright-holder="session kiosk" \
		--sort-by-file --add-location=file --no-wrap .
	@if ls $(LOCALE)/*/LC_MESSAGES/kiosk.po >/dev/null 2>&1; then \
		$(BIN)/pybabel --quiet update -i $(LOCALE)/kiosk.pot -d $(LOCALE) -D kiosk --no-wrap --ignore-obsolete \
		&& $(BIN)/pybabel compile -d $(LOCALE) -D kiosk --statistics; fi

sounds: $(STAMP)
	$(BIN)/python scripts/make_sounds.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis artifacts
