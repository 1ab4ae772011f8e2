# Both targets create or refresh .venv themselves, so a fresh clone needs nothing but python3.
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed

.PHONY: run test lint examples clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install -q --upgrade pip
	$(VENV)/bin/python -m pip install -q -e '.[test]'
	touch $(STAMP)

examples: $(STAMP)
	$(VENV)/bin/python examples/make_examples.py

# The main job: publish every shipped example roster with its own pipeline into out/<pipeline>/.
run: $(STAMP)
	@set -e; for dir in $$(find examples -mindepth 1 -maxdepth 1 -type d ! -name '__*' | sort); do \
		name=$$(basename $$dir); \
		$(VENV)/bin/deid run $$dir --pipeline $$name --out out/$$name; \
	done

test: $(STAMP)
	@command -v chromium >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq chromium fonts-wqy-zenhei >/dev/null) || echo "chromium not installed; the report screenshot test will be skipped"
	$(VENV)/bin/ruff check .
	$(VENV)/bin/python -m pytest -q

lint: $(STAMP)
	$(VENV)/bin/ruff check .

clean:
	rm -rf out .pytest_cache
