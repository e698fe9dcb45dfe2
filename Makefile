# qazdash — the two commands of the Quick start are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test test-fast bench lint i18n venv sysdeps data clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Installed once per change of pyproject.toml.
$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test,dev]'
	touch $@ $(VENV)/.installed-run

venv: $(VENV)/.installed-run

## Serve the dashboard on http://localhost:$(PORT) with the SQLite store and the shipped data.
run: $(VENV)/.installed-run
	$(BIN)/streamlit run app.py --server.port $(PORT)

## Debian packages the tests need: chromium (browser tests) and PostgreSQL server binaries.
sysdeps:
	@missing=""; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium fonts-dejavu-core"; \
	ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || missing="$$missing postgresql"; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi

## The whole suite: unit, AppTest, PostgreSQL and browser tests.
test: $(VENV)/.installed-test sysdeps
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## Without the browser tests (quick local loop).
test-fast: $(VENV)/.installed-test
	$(BIN)/python -m pytest -m "not browser" $(PYTEST_ARGS)

bench: $(VENV)/.installed-test
	@for b in bench/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .

## Extract UI strings and update the Russian and Kazakh catalogs.
i18n: $(VENV)/.installed-test
	$(BIN)/pybabel extract --no-location -k _ -k N_ -o qazdash/locales/qazdash.pot app.py pages qazdash
	for l in ru kk; do \
	  if [ -f qazdash/locales/$$l/LC_MESSAGES/qazdash.po ]; then \
	    $(BIN)/pybabel update --no-fuzzy-matching -D qazdash -i qazdash/locales/qazdash.pot -d qazdash/locales -l $$l; \
	  else $(BIN)/pybabel init -D qazdash -i qazdash/locales/qazdash.pot -d qazdash/locales -l $$l; fi; \
	done

## Rebuild data/ from the sourced reference tables and Natural Earth / searoute (needs npm).
data: $(VENV)/.installed-test
	$(BIN)/python scripts/seed_reference_data.py
	$(BIN)/python scripts/build_basemap.py
	$(BIN)/python scripts/build_sea_routes.py

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
