# Two commands do everything on a fresh machine with Python 3.11 and make:
#   make demo   set up, load the demo data and serve http://127.0.0.1:8000
#   make test   set up and run the whole test suite
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test bench lint typecheck check-migrations messages clean

$(STAMP): pyproject.toml build-constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=25.3"
	# xstatic packages still build with pkg_resources, which setuptools 81 removed.
	$(BIN)/python -m pip install --quiet --build-constraint build-constraints.txt -e ".[dev]"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/hoctap demo

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/python bench/run.py

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy hoctap config bench

check-migrations: $(STAMP)
	$(BIN)/hoctap makemigrations --check --dry-run

# Run from the project root so templates/ and config/ are scanned too; the catalogue
# lands in LOCALE_PATHS[0] (hoctap/locale). A locale/ directory at the root would
# capture every string instead, so refuse to run while one exists.
messages: $(STAMP)
	@if [ -d locale ]; then echo "Remove the locale/ directory at the project root: the catalogue lives in hoctap/locale/." >&2; exit 1; fi
	mkdir -p hoctap/locale/vi/LC_MESSAGES
	$(BIN)/hoctap makemessages -l vi --no-obsolete --ignore=.venv --ignore=var --ignore=bench --ignore=static --ignore=docs --ignore='*.egg-info'
	$(BIN)/hoctap compilemessages -l vi --ignore=.venv --ignore=var --ignore=bench

clean:
	rm -rf $(VENV) var/
