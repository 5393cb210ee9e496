# ozgflow — the two commands of the README: `make run` and `make test`.
# Both set up the virtual environment first (only when pyproject.toml changed).

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test setup lint clean chromium

setup: $(STAMP)

# Headless Chromium for the page tests (Debian's package; Playwright's own download cannot work offline).
# Installed only when missing and we are root; quietly skipped elsewhere (the page tests then skip with a reason).
chromium:
	@if [ ! -x /usr/bin/chromium ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "==> installing Debian's chromium for the page tests"; \
		(apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium >/dev/null) \
			|| echo "    (could not install chromium: page tests will be skipped)"; \
	fi

# ClamAV's daemon for the malware-scan tests (Debian's clamav-daemon). The tests start their own clamd with a
# one-line EICAR signature, so freshclam is never run (it cannot download here). Installed only when missing and
# we are root; quietly skipped elsewhere (the scan tests then skip with a reason).
.PHONY: clamav
clamav:
	@if [ ! -x /usr/sbin/clamd ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "==> installing Debian's clamav-daemon for the malware-scan tests"; \
		(apt-get update -qq && apt-get install -y -qq --no-install-recommends clamav-daemon >/dev/null) \
			|| echo "    (could not install clamav-daemon: malware-scan tests will be skipped)"; \
	fi

$(STAMP): pyproject.toml
	@echo "==> creating the virtual environment in $(VENV) and installing ozgflow (first run takes a few minutes)"
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --upgrade pip
	@$(BIN)/python -m pip install --progress-bar on -e '.[dev]'
	@touch $(STAMP)

run: $(STAMP)
	@$(BIN)/ozgflow up

test: $(STAMP) chromium clamav
	@$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	@$(BIN)/ruff check services connectors flows roadmap tests

clean:
	rm -rf $(VENV) .ozgflow .pytest_cache
