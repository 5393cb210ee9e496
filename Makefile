# ozgflow — the two commands of the README: `make run` and `make test`.
# Both set up the virtual environment first (only when pyproject.toml changed).

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test setup lint clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	@echo "==> creating the virtual environment in $(VENV) and installing ozgflow (first run takes a few minutes)"
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --upgrade pip
	@$(BIN)/python -m pip install --progress-bar on -e '.[dev]'
	@touch $(STAMP)

run: $(STAMP)
	@$(BIN)/ozgflow up

test: $(STAMP)
	@$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	@$(BIN)/ruff check services connectors flows roadmap tests

clean:
	rm -rf $(VENV) .ozgflow .pytest_cache
