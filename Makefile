# Set-up and the two everyday commands. `make report` and `make test` create .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
CORPORA := $(patsubst corpora/%/corpus.toml,%,$(wildcard corpora/*/corpus.toml))

.PHONY: install test lint report clean benchmark browser

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
	$(BIN)/python -m pytest -q -n 2

# One report per corpus folder: reports/<name>/index.html, report.md, tables/, figures/, metadata.json.
report: install
	@for name in $(CORPORA); do \
		$(BIN)/framing report corpora/$$name --output reports/$$name || exit $$?; \
	done

# Installs Debian's chromium with apt-get (needs root) for the browser test of the report page;
# without it that test is skipped with the reason. `make test` never installs system packages.
browser:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || \
		{ echo "installing Debian's chromium with apt-get (for the report's browser test)"; \
		  DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
		  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

benchmark: install
	$(BIN)/python benchmarks/bench_features.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
