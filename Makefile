# whycall — two commands matter: `make demo` and `make test`. Everything installs itself (uv + uv.lock).
PY ?= python3
UV := $(shell command -v uv 2>/dev/null)
ifeq ($(UV),)
UV := $(PY) -m uv
endif
PORT ?= 8501

.PHONY: install demo test test-fast lint dagster browser clean

.venv/.synced: pyproject.toml uv.lock
	@$(UV) --version >/dev/null 2>&1 || $(PY) -m pip install --quiet uv
	$(UV) sync --frozen
	@touch $@

install: .venv/.synced
	$(UV) run python -c "from orchestration.defs.transform.project import ensure_manifest; ensure_manifest()"

## make demo: generate 6 months of synthetic contacts, run the pipeline, serve http://127.0.0.1:$(PORT)
demo: install
	$(UV) run whycall demo --port $(PORT)

## make test: the whole suite (unit, dbt, pipeline, app incl. a real browser when Chromium can be installed)
test: install browser
	$(UV) run pytest -q

test-fast: install
	$(UV) run pytest -q -m "not slow"

# Browser tests drive Debian's Chromium; they skip (saying why) where it cannot be installed.
browser:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && (apt-get update -qq && apt-get install -y -qq chromium >/dev/null) ; } || echo "chromium not installed: browser tests will be skipped (they fail when CI=true)"

lint: install
	$(UV) run ruff check .
	$(UV) run ruff format --check .

dagster: install
	$(UV) run dagster dev -m orchestration.definitions

clean:
	rm -rf .venv dbt_project/target dbt_project/logs data test-artifacts
