# The README's commands. Each sets up what it needs on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test chromium lint format bench-sync bench-blobs bench-push bench-live bench-load bench-export bench-pwa clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

## Run the app on http://127.0.0.1:5000 with the embedded defaults (SQLite, local files),
## and the push worker beside it (its queue is a SQLite file too); Ctrl-C stops both.
run: $(STAMP)
	$(BIN)/flask --app wsgi db upgrade
	$(BIN)/flask --app wsgi push-worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/flask --app wsgi run --host $(HOST) --port $(PORT)

## Chromium for the browser tests: the system's, else Playwright's own, else Debian's package.
chromium: $(STAMP)
	@if [ -n "$$HEARTH_CHROMIUM" ] || command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; then \
		echo "Chromium: found"; \
	elif timeout 300 $(BIN)/playwright install chromium; then \
		echo "Chromium: Playwright's"; \
	else \
		echo "Chromium: installing Debian's package"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium; \
	fi

## Run every test (SQLite; PostgreSQL too when TEST_DATABASE_URL is set).
test: $(STAMP) chromium
	$(BIN)/ruff check .
	$(BIN)/pytest

## Benchmark sync against the budgets of DESIGN §8 (PostgreSQL when reachable, else SQLite).
bench-sync: $(STAMP)
	$(BIN)/python bench/sync_bench.py

## Photo upload throughput and thumbnail serving, cold and warm.
bench-blobs: $(STAMP)
	$(BIN)/python bench/blob_bench.py

## Push delivery per worker against a local push service, and a partner's change to its notification.
bench-push: $(STAMP)
	$(BIN)/python bench/push_bench.py

## Live channel: a partner's change reaching the other's open event stream, and idle streams
## held by one worker process (gthread; gevent too when installed), then across two workers.
bench-live: $(STAMP)
	$(BIN)/python bench/live_bench.py

## Sustained load: 20 couples' phones (sync, pokes, check-ins, memories, photos) for 10 minutes
## against gunicorn + PostgreSQL + Redis; latency per endpoint, errors, memory over time.
bench-load: $(STAMP)
	$(BIN)/python bench/load_bench.py

## Export of one account of 100 000 records and 2 GiB of photos: the server's peak memory.
bench-export: $(STAMP)
	$(BIN)/python bench/export_bench.py

## PWA budgets: shell size, offline cold start, first sync into a fresh browser.
bench-pwa: $(STAMP) chromium
	$(BIN)/python bench/pwa_bench.py

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache
