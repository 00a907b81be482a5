# proxisante — developer commands. `make demo` and `make test` work on a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
OUT := out

.PHONY: demo test bench fuzz lint format serve install system-deps osrm clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Debian chromium + chromedriver for the browser tests (skipped with a reason when absent).
system-deps:
	@if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then \
	  echo "chromium and chromedriver present"; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null) \
	    || echo "warning: could not install chromium; browser tests will be skipped"; \
	else \
	  echo "warning: chromium/chromedriver missing and not root; browser tests will be skipped"; \
	fi

# OSRM binaries and profiles from the PyPI wheel osrm-bindings (manylinux_2_28, cp312-abi3),
# unpacked into tools/osrm/osrm (git-ignored).
OSRM_DIR := tools/osrm
$(OSRM_DIR)/osrm/bin/osrm-routed: | $(STAMP)
	rm -rf $(OSRM_DIR) && mkdir -p $(OSRM_DIR)/wheel
	$(BIN)/python -m pip download --quiet --no-deps --only-binary :all: --python-version 3.12 \
	  --platform manylinux_2_28_x86_64 osrm-bindings -d $(OSRM_DIR)/wheel
	$(BIN)/python -m zipfile -e $(OSRM_DIR)/wheel/osrm_bindings-*.whl $(OSRM_DIR)
	chmod +x $(OSRM_DIR)/osrm/bin/*

osrm: $(OSRM_DIR)/osrm/bin/osrm-routed
	$(OSRM_DIR)/osrm/bin/osrm-routed --version

demo: install
	mkdir -p $(OUT)
	$(BIN)/proxisante report --territory 62523 --out $(OUT)/loison-sous-lens.html
	$(BIN)/proxisante report --territory epci:246200364 --out $(OUT)/ca-lens-lievin.html
	$(BIN)/proxisante report --territory circo:12-02 --out $(OUT)/aveyron-2e-circonscription.html
	$(BIN)/proxisante scenario run examples/scenario_gard_filieris.yaml --territory dep:30 \
	  --report $(OUT)/scenario-gard-filieris.html
	$(BIN)/proxisante scenario criticality --operator filieris --csv $(OUT)/criticite-filieris.csv
	$(BIN)/proxisante plan cog --operator filieris --from 2025 --to 2028 --time-limit 30 \
	  --hires 10 --budget-per-year 2e6 \
	  --out $(OUT)/plan-cog-filieris.xlsx --html $(OUT)/plan-cog-filieris.html
	@echo "Reports written to $(OUT)/"

test: install system-deps osrm
	$(BIN)/python -m pytest -q

# Read-only without a token (maps, reports, downloads; no scenario editor): give one to
# enable the editor, e.g. `make serve TOKEN=my-secret` (or export PROXISANTE_TOKEN).
serve: install
	@if [ -z "$(TOKEN)$$PROXISANTE_TOKEN" ]; then echo "read-only: no token, the scenario editor is off (make serve TOKEN=… or PROXISANTE_TOKEN=… to enable it)"; fi
	$(BIN)/proxisante serve $(if $(TOKEN),--token "$(TOKEN)")

# Fuzz campaign: 200 generated malformed files per format through the real commands and the
# web routes, and the hostile classes (plan assumptions and options out of range, YAML 1.1
# coercions and duplicate keys, output targets that are not files, file-size limits); prints
# the table (tried / refused naming file+line+field / accepted / tracebacks / internal errors /
# store changed / time and memory per file), one row per target and format. About an hour
# and a half on 2 cores.
fuzz: install
	$(BIN)/python -m tests.fuzz.campaign --per-format 200

bench: install
	@for f in benchmarks/bench_*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

lint: install
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/ruff format --check src tests benchmarks scripts

format: install
	$(BIN)/ruff format src tests benchmarks scripts
	$(BIN)/ruff check --fix src tests benchmarks scripts

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache
