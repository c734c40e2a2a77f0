# Qinqing: `make run` to try it, `make test` to check it. See README.md.
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install lint format messages migrate seed bench browser clean

$(PY):
	$(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)

$(STAMP): $(PY) requirements.txt requirements-dev.txt constraints.txt
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt -c constraints.txt
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(PY) manage.py compile_translations
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo

run: seed
	$(PY) manage.py collectstatic --noinput -v0
	@echo ""
	@echo "  Qinqing is starting at http://$(HOST):$(PORT)/"
	@echo "  Demo logins (password Qinqing@2026):"
	@echo "    admin 管理员 · dispatcher 派单员 · leader 领导 · liaison / liaison2 联络员"
	@echo "    bbleader 包保领导 · handler / handler2 承办人 · unithead 单位负责人"
	@echo "    deputy 联络员+派单员 · qiye 企业用户"
	@echo "  Web, Celery worker and beat run together below (Ctrl-C stops all three)."
	@echo ""
	HOST=$(HOST) PORT=$(PORT) $(BIN)/honcho -f Procfile start

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

messages: install
	$(PY) manage.py makemessages -l en --ignore=.venv --ignore=var --ignore=static/vendor
	$(PY) manage.py compile_translations

# The whole suite, browser tests included (they skip with a reason where /usr/bin/chromium is
# missing, unless QINQING_REQUIRE_BROWSER=1, as in CI, makes that a failure).
test: lint
	$(PY) manage.py compile_translations
	$(BIN)/pytest -p no:cacheprovider $(PYTEST_ARGS)

browser: install
	$(PY) manage.py compile_translations
	$(BIN)/pytest -m browser -p no:cacheprovider $(PYTEST_ARGS)

bench: install
	for f in bench/*.py; do $(PY) $$f; done

clean:
	rm -rf $(VENV) var db.sqlite3
