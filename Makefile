# Two commands on a fresh clone: `make run` and `make test`. Everything else is a helper.
SHELL := /bin/bash
PYTHON ?= python3
# uv from PATH when it works, else the copy `install` puts beside $(PYTHON).
UV := $(shell if uv --version >/dev/null 2>&1; then echo uv; else echo "$(PYTHON) -m uv"; fi)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test lint format migrations-check demo clean

install: .venv/.installed

.venv/.installed: pyproject.toml uv.lock
	@$(UV) --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet --user uv \
		|| $(PYTHON) -m pip install --quiet --user --break-system-packages uv
	$(UV) sync --frozen
	@touch $@

run: install
	DEBUG=1 $(UV) run python manage.py migrate --noinput
	DEBUG=1 $(UV) run python manage.py generate_demo_data --if-empty
	DEBUG=1 $(UV) run python manage.py runserver $(HOST):$(PORT)

test: install
	$(UV) run pytest $(PYTEST_ARGS)

lint: install
	$(UV) run ruff check .
	$(UV) run ruff format --check .

format: install
	$(UV) run ruff check --fix .
	$(UV) run ruff format .

migrations-check: install
	DEBUG=1 $(UV) run python manage.py makemigrations --check --dry-run

demo: install
	DEBUG=1 $(UV) run python manage.py migrate --noinput
	DEBUG=1 $(UV) run python manage.py generate_demo_data

clean:
	rm -rf .venv db.sqlite3 staticfiles .pytest_cache
