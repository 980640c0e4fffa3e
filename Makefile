# Wijkverband: `make run` serves the demo, `make test` runs every test. Both set up what is missing.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMPS := .stamps
CHROMIUM ?= /usr/lib/chromium/chromium-headless-shell
# The browser itself, for the one thing its headless shell lacks (notices on the device).
CHROMIUM_FULL ?= /usr/bin/chromium
export DJANGO_SETTINGS_MODULE := config.settings

.PHONY: run test setup lint format migrations-check check messages bench browser nginx clean upgrade-check icons

# The task worker (django-q2, its queue in the same database: docs/work.md) runs beside the web
# server, and reads the same cache (a table that migrate makes: who is online, the rate limits);
# Ctrl-C stops both.
run: setup
	DEBUG=$${DEBUG:-true} $(BIN)/python manage.py migrate --noinput
	DEBUG=$${DEBUG:-true} SITE_URL=$${SITE_URL:-http://127.0.0.1:$(PORT)} $(BIN)/python manage.py seed_demo
	@# The worker runs in a process group of its own (set -m), so Ctrl-C or a TERM to make's group
	@# reaches it once, from the trap: a second signal while django-q stops deadlocks its sentinel.
	@export DEBUG=$${DEBUG:-true} SITE_URL=$${SITE_URL:-http://127.0.0.1:$(PORT)}; \
	set -m; $(BIN)/python manage.py qcluster & worker=$$!; set +m; \
	trap 'trap - EXIT INT TERM; kill -TERM $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/uvicorn config.asgi:application --host 127.0.0.1 --port $(PORT)

# pytest in TEST_WORKERS processes (pytest-xdist; 0: in this one), a test file per worker at a time.
TEST_WORKERS ?= 2
test: setup browser nginx lint migrations-check
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

setup: $(STAMPS)/python $(STAMPS)/frontend

$(STAMPS)/python: requirements.txt requirements-dev.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@mkdir -p $(STAMPS) && touch $@

# Front-end packages from npm; only the few files the pages use are copied into static/vendor.
$(STAMPS)/frontend: frontend/package.json frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund --loglevel=error
	mkdir -p frontend/static/vendor/utrecht frontend/static/vendor/voorbeeld
	cp frontend/node_modules/@utrecht/component-library-css/dist/index.css frontend/static/vendor/utrecht/index.css
	cp frontend/node_modules/@nl-design-system-unstable/voorbeeld-design-tokens/dist/theme.css frontend/static/vendor/voorbeeld/theme.css
	@mkdir -p $(STAMPS) && touch $@

# Browser tests drive Debian's Chromium, its headless shell (the same engine without a window, a
# quarter quicker through the browser tests than the full browser); no test tool downloads one.
# The home screen's PNG icons from their SVGs (docs/frontend.md); they are kept in the repository.
icons: setup browser
	CHROMIUM=$(CHROMIUM) $(BIN)/python frontend/render_icons.py

browser:
	@if [ ! -x "$(CHROMIUM)" ] || [ ! -x "$(CHROMIUM_FULL)" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium-headless-shell chromium >/dev/null; \
	  else echo "Chromium is missing: install Debian's 'chromium-headless-shell' and 'chromium' packages or set CHROMIUM and CHROMIUM_FULL" >&2; exit 1; fi; \
	fi

# tests/test_nginx.py runs deploy/nginx.conf with Debian's nginx, as `make deploy-check` does.
nginx:
	@if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null; \
	  else echo "nginx is missing: install Debian's 'nginx-light' package" >&2; exit 1; fi; \
	fi

# ruff, and the layer contract (pyproject.toml [tool.importlinter], docs/architecture.md).
lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-logo

format: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrations-check: setup
	DEBUG=true $(BIN)/python manage.py makemigrations --check --dry-run

check: lint migrations-check
	$(BIN)/python manage.py check --deploy --fail-level ERROR

# Refresh the translation catalogues (needs GNU gettext), then fill in the new nl strings.
messages: setup
	DEBUG=true $(BIN)/python manage.py makemessages --locale nl --ignore=.venv --ignore=node_modules --ignore=vendor --no-obsolete --no-wrap
	DEBUG=true $(BIN)/python manage.py compilemessages --ignore=.venv

# Benchmarks print their figures; they are not timed tests. Each bench/*.py stands alone.
# bench/my_work.py ("Mijn werk" for a person in 20 teams) uses BENCH_DATABASE_URL (PostgreSQL;
# default postgres://postgres@127.0.0.1:5432/wv_mywork_bench, created when missing).
# bench/lookup.py (public postcode lookup, 5,000 teams × 20 areas) likewise; default db wv_lookup_bench.
# bench/socialmap.py (sociale kaart search, 50,000 entries) likewise; default db wv_socialmap_bench.
# bench/audit_chain.py (audited writes/s, 8 writers in 8 teams and in one team) likewise; default db wv_audit_bench.
# bench/post_instructions.py (a post's instructions, counted by valgrind: about 3 minutes) runs
# bench/thread_post.py under valgrind, with its database (DATABASE_URL, or a throwaway SQLite file).
# bench/region_dashboard.py (50 teams × 2,000 bottlenecks × 200 agreements) likewise; default db
# wv_dashboard_bench, dropped after the run (--keep keeps it).
# bench/search.py (the search: 1,000,000 messages over 500 teams, and a post's index cost) uses
# BENCH_SEARCH_DATABASE_URL (default db wv_search_bench), builds it (5-8 minutes) and drops it afterwards.
bench: setup
	@for script in bench/*.py; do echo "== $$script"; DEBUG=true $(BIN)/python $$script || exit 1; done

# Pinned packages (requirements*.txt) that have a newer release; changes nothing: update the pins by hand.
upgrade-check: setup
	@pinned=$$(sed -nE 's/^([A-Za-z0-9_.-]+)(\[[^]]*\])?==.*/\1/p' requirements.txt requirements-dev.txt); \
	$(BIN)/pip list --outdated --disable-pip-version-check 2>/dev/null | awk -v pinned="$$pinned" \
	  'BEGIN { n = split(tolower(pinned), names, "\n"); for (i = 1; i <= n; i++) { gsub(/_/, "-", names[i]); want[names[i]] = 1 } } \
	   { name = tolower($$1); gsub(/_/, "-", name) } NR <= 2 || name in want'

clean:
	rm -rf $(VENV) $(STAMPS) frontend/node_modules frontend/static/vendor test-db.sqlite3

# Realtime benchmark against a bare websockets server and a stock Channels app (needs PostgreSQL
# and Redis; BENCH_DATABASE_URL / BENCH_REDIS_URL / BENCH_CLIENTS ...): see bench/realtime/README.md.
.PHONY: bench-realtime
bench-realtime: setup
	$(BIN)/python bench/realtime/run.py

# Backup and restore drill on PostgreSQL (docs/operations.md): seed a fresh database, pg_dump it,
# restore into another, check rows and audit chains, sign in on the restored app; drops both.
# DRILL_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/wv_drill) names the source.
.PHONY: backup-drill
backup-drill: setup
	$(BIN)/python deploy/backup_drill.py

# Many threads (10,000 sockets on 2,000 threads, 100 posts/s) and a reconnect storm (5,000 sockets
# on two socket workers, the pages on a third, as deploy/nginx.conf splits them; every worker
# restarted), each beside a bare server: see bench/realtime/README.md.
.PHONY: bench-realtime-scale
bench-realtime-scale: setup
	$(BIN)/python bench/realtime/scale.py

# Rolling deploy through deploy/nginx.conf (Debian's nginx on loopback) in front of two socket
# workers and two page workers, restarted one at a time while two people chat: nothing lost, at
# most one reconnect per socket worker's restart and none for a page worker's.
# Needs nginx (apt-get install -y nginx), PostgreSQL and Redis. The procedure: docs/deploy.md.
.PHONY: deploy-check
deploy-check: setup
	$(BIN)/python bench/realtime/deploy_check.py
