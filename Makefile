# Set-up and the two everyday commands. `make report` and `make test` create .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
CORPORA := $(patsubst corpora/%/corpus.toml,%,$(wildcard corpora/*/corpus.toml))

.PHONY: install test lint report clean benchmark

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $@

lint: install
	$(BIN)/ruff check .

test: install lint
	$(BIN)/python -m pytest -q

# One report per corpus folder: reports/<name>/index.html, report.md, tables/, figures/, metadata.json.
report: install
	@for name in $(CORPORA); do \
		$(BIN)/framing report corpora/$$name --output reports/$$name || exit $$?; \
	done

benchmark: install
	$(BIN)/python benchmarks/bench_features.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
