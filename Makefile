# Two commands on a fresh clone: `make run` and `make test`. Everything else is a helper.
SHELL := /bin/bash
PYTHON ?= python3
# uv from PATH when it works, else the copy `install` puts beside $(PYTHON).
UV := $(shell if uv --version >/dev/null 2>&1; then echo uv; else echo "$(PYTHON) -m uv"; fi)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run serve test lint format migrations-check demo bench clean messages

# The translation catalogues (locale/<language>/LC_MESSAGES/django.po) compiled for Django;
# the .mo files are built here, never committed (docs/translation.md).
MO_FILES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/django.po))

install: .venv/.installed $(MO_FILES)

locale/%.mo: locale/%.po .venv/.installed
	$(UV) run pybabel compile --statistics -i $< -o $@

# After changing strings in the code or templates: brings every catalogue up to date (needs
# GNU gettext's xgettext); translate what it adds, then `make install` compiles it.
messages: .venv/.installed
	DEBUG=1 $(UV) run python manage.py makemessages --all

.venv/.installed: pyproject.toml uv.lock
	@$(UV) --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet --user uv \
		|| $(PYTHON) -m pip install --quiet --user --break-system-packages uv
	$(UV) sync --frozen
	@touch $@

# The task worker (emails, download builds) for TASKS_BACKEND: database (default) or rq.
WORKER = $(if $(filter rq,$(TASKS_BACKEND)),rqworker --with-scheduler --job-class django_tasks_rq.Job default,db_worker)
# Runs the web server in the foreground with the worker beside it; whichever way the server
# stops (Ctrl+C, a signal, a crash), the worker is stopped with it.
define with_worker
	set -m; $(1) $(UV) run python manage.py $(WORKER) & worker=$$!; \
	trap 'kill -TERM -- -$$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; \
	trap 'exit 130' INT TERM; \
	$(1) $(2)
endef

run: install
	DEBUG=1 $(UV) run python manage.py migrate --noinput
	DEBUG=1 $(UV) run python manage.py createcachetable
	DEBUG=1 $(UV) run python manage.py generate_demo_data --if-empty
	$(call with_worker,DEBUG=1,$(UV) run python manage.py runserver $(HOST):$(PORT))

# The production stack on this machine: gunicorn, DEBUG off, compressed hashed static files.
# Production settings come from the environment; these defaults only make it start locally.
SERVE_ENV = DEBUG=0 SECRET_KEY="$${SECRET_KEY:-local-serve-$$(hostname)-$$(id -u)-not-for-production}" \
	ALLOWED_HOSTS="$${ALLOWED_HOSTS:-127.0.0.1,localhost}" SECURE_SSL_REDIRECT="$${SECURE_SSL_REDIRECT:-0}" \
	SITE_URL="$${SITE_URL:-http://$(HOST):$(PORT)}"

serve: install
	$(SERVE_ENV) $(UV) run python manage.py migrate --noinput
	$(SERVE_ENV) $(UV) run python manage.py createcachetable
	$(SERVE_ENV) $(UV) run python manage.py collectstatic --noinput -v0
	$(SERVE_ENV) $(UV) run python manage.py generate_demo_data --if-empty
	$(call with_worker,$(SERVE_ENV),BIND=$(HOST):$(PORT) $(UV) run gunicorn directory.wsgi)

# The whole suite in TEST_WORKERS processes (pytest-xdist); docs/testing.md has the figures.
TEST_WORKERS ?= 2
test: install
	$(UV) run pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

lint: install
	$(UV) run ruff check .
	$(UV) run ruff format --check .
	$(UV) run lint-imports

format: install
	$(UV) run ruff check --fix .
	$(UV) run ruff format .

migrations-check: install
	DEBUG=1 $(UV) run python manage.py makemigrations --check --dry-run

demo: install
	DEBUG=1 $(UV) run python manage.py migrate --noinput
	DEBUG=1 $(UV) run python manage.py generate_demo_data

# The scale benchmark on the local PostgreSQL (bench/all.py); 1m takes about 15 minutes to fill.
BENCH_SIZES ?= 10k 100k
bench: install
	@command -v wrk >/dev/null || apt-get install -y -q wrk >/dev/null
	$(UV) run python bench/all.py $(BENCH_SIZES)

clean:
	rm -rf .venv db.sqlite3 staticfiles .pytest_cache
