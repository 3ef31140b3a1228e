# Återföring. Quick start: `make run`, `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
HOST ?= 127.0.0.1
export FLASK_APP := facilitator

.PHONY: run test lint translations extract-messages clean bench run-cluster run-oidc screenshots

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/activate
	$(BIN)/pip install -q -e '.[dev]'
	touch $@ $(VENV)/.installed

translations: $(VENV)/.installed
	$(BIN)/pybabel compile -d facilitator/translations

run: $(VENV)/.installed translations
	$(BIN)/flask db upgrade
	$(BIN)/flask demo --if-empty
	@echo "Återföring körs på http://$(HOST):$(PORT)/  (avsluta med Ctrl+C)"
	$(BIN)/gunicorn -k gevent -w 1 --worker-connections 10000 -b $(HOST):$(PORT) --access-logfile - wsgi:app

test: $(VENV)/.installed-dev translations
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/pytest -n 2 --dist loadgroup

# The meeting benchmark (docs/deploy.md) against bare python-socketio: its own client at N = 500,
# 2000 and the official socket.io-client under Node (npm-installed into bench/node/) at 1000, 2000.
bench: $(VENV)/.installed-dev translations
	$(BIN)/python -m bench $(BENCH_ARGS)

# The demo meeting photographed into docs/screens/: every projector state at four sizes, the
# phone and the console at 390x844 and 1366x768, every page of its minutes and a board's
# redovisning as PDF (screens/__main__.py, screens/documents.py).
screenshots: $(VENV)/.installed-dev translations
	$(BIN)/python -m screens

# Two processes behind nginx (ip_hash), Redis and PostgreSQL (docs/deploy.md).
run-cluster: $(VENV)/.installed translations
	$(BIN)/python deploy/cluster.py

# Sign in through a real OpenID Connect provider on loopback (docs/deploy.md).
run-oidc: $(VENV)/.installed-dev translations
	$(BIN)/python deploy/run_oidc.py --port $(PORT)

extract-messages: $(VENV)/.installed-dev
	$(BIN)/pybabel extract -F babel.cfg -k _l -o facilitator/translations/messages.pot .
	$(BIN)/pybabel update -N -i facilitator/translations/messages.pot -d facilitator/translations

clean:
	rm -rf $(VENV) instance/*.sqlite3*
