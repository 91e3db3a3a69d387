# Công dân số — two commands: `make run` (app with demo data on :3000) and `make test` (whole suite).
SHELL := /bin/bash
.DEFAULT_GOAL := run

PY_VERSION ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 3000
# Installed-lock stamps: named after the lock files' contents, so an unchanged lock skips pip entirely.
REQ_STAMP := $(VENV)/.req-run-$(shell cat requirements.txt | sha1sum | cut -c1-12)
DEV_STAMP := $(VENV)/.req-dev-$(shell cat requirements.txt requirements-dev.txt | sha1sum | cut -c1-12)
PIP_TOOLS := .tools/pip-tools
NODE_BIN = $(shell scripts/ensure_node.sh)

export REFLEX_USE_NPM := 1
export REFLEX_TELEMETRY_ENABLED := false
export REFLEX_CHECK_LATEST_VERSION := false
export PYTHONUNBUFFERED := 1

.PHONY: run test setup setup-dev lock node migrate demo test-deps lint test-unit test-e2e test-pg clean

$(VENV)/bin/python:
	@command -v $(PY_VERSION) >/dev/null && $(PY_VERSION) -m venv $(VENV) || python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip

# Every package, transitive ones included, is pinned with its hashes (compiled by `make lock`).
# pip only adds or changes packages here: it never removes one, so the development packages stay.
$(REQ_STAMP): requirements.txt | $(VENV)/bin/python
	$(VENV)/bin/pip install --quiet --require-hashes -r requirements.txt
	rm -f $(VENV)/.req-* && touch $@

$(DEV_STAMP): requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(VENV)/bin/pip install --quiet --require-hashes -r requirements.txt -r requirements-dev.txt
	rm -f $(VENV)/.req-dev-* && touch $@

# Runtime only (make run); setup-dev adds the tests and tools (make test, test-*, lint).
setup: $(REQ_STAMP) node

setup-dev: $(REQ_STAMP) $(DEV_STAMP) node

# Recompile the lock files from requirements.in / requirements-dev.in (README, "Development"); keeps every
# pin that still fits. Against PyPI alone (no local pip configuration), so the hashes are PyPI's.
# `make lock LOCK_ARGS="--upgrade-package NAME"` moves one transitive package to its newest version.
lock:
	@[ -x $(PIP_TOOLS)/bin/pip-compile ] || { $(PY_VERSION) -m venv $(PIP_TOOLS) && \
	  $(PIP_TOOLS)/bin/pip install --quiet pip==26.3 pip-tools==7.7.0; }
	@for f in requirements requirements-dev; do \
	  PIP_CONFIG_FILE=/dev/null PIP_FIND_LINKS= CUSTOM_COMPILE_COMMAND="make lock" $(PIP_TOOLS)/bin/pip-compile \
	    --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links \
	    $(LOCK_ARGS) --output-file $$f.txt $$f.in || exit 1; \
	done

node:
	@scripts/ensure_node.sh >/dev/null

migrate: setup
	$(VENV)/bin/alembic upgrade head

demo: migrate
	$(PY) -m citizen_app.demo

# The development outbox (/dev/outbox: registration codes and alerts "sent" by SMS/e-mail) is on for `make run`
# only, never by default; the target-specific export reaches the demo seeding too.
run: export CDS_DEV_OUTBOX := 1
# The demo enables the sandbox payment gateway (off unless PAYMENTS_SANDBOX=1; `PAYMENTS_SANDBOX=0 make run` keeps it off)
run: demo
	PAYMENTS_SANDBOX=$${PAYMENTS_SANDBOX:-1} PATH="$(NODE_BIN):$$PATH" $(VENV)/bin/reflex run --env prod --single-port --frontend-port $(PORT) --backend-host 127.0.0.1

# --- tests ---------------------------------------------------------------------------------
# The suites that install every outside tool (test-deps) also require them: with CDS_REQUIRE_INTEROP=1 an
# interoperability test fails instead of skipping when its tool is missing (tests/conftest.py).
test test-e2e test-pg: export CDS_REQUIRE_INTEROP := 1

# Debian packages: chromium (browser tests), poppler-utils (pdfsig, pdftotext) and libnss3-tools (NSS certutil,
# the trust store pdfsig checks signatures against).
test-deps: setup-dev
	@missing=""; command -v chromium >/dev/null || missing+=" chromium"; \
	  command -v pdfsig >/dev/null && command -v pdftotext >/dev/null || missing+=" poppler-utils"; \
	  command -v certutil >/dev/null || missing+=" libnss3-tools"; \
	  [ -z "$$missing" ] || { echo "installing Debian$$missing for the tests"; apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; }
	@[ -d tests/oidc_provider/node_modules ] || [ ! -f tests/oidc_provider/package-lock.json ] || \
	  PATH="$(NODE_BIN):$$PATH" npm ci --silent --no-audit --no-fund --prefix tests/oidc_provider
	@# (re)installed when a package of the lock is missing: a checkout from before the OpenID4VP programs has only some
	@[ -d tests/oid4vc_client/node_modules/@openid4vc/openid4vp ] && [ -d tests/oid4vc_client/node_modules/jose ] || \
	  PATH="$(NODE_BIN):$$PATH" npm ci --silent --no-audit --no-fund --prefix tests/oid4vc_client
	@[ -d tests/a11y/node_modules ] || PATH="$(NODE_BIN):$$PATH" npm ci --silent --no-audit --no-fund --prefix tests/a11y
	@[ -d benchmarks/lighthouse/node_modules ] || \
	  PATH="$(NODE_BIN):$$PATH" npm ci --silent --no-audit --no-fund --prefix benchmarks/lighthouse

lint: setup-dev
	$(VENV)/bin/ruff check citizen_app tests benchmarks scripts rxconfig.py
	$(VENV)/bin/lint-imports

test: test-deps lint
	PATH="$(NODE_BIN):$$PATH" $(PY) scripts/run_pytest.py tests

test-unit: setup-dev
	$(PY) scripts/run_pytest.py tests/unit

test-e2e: test-deps
	PATH="$(NODE_BIN):$$PATH" $(PY) scripts/run_pytest.py tests/e2e

# PostgreSQL + Redis on loopback (Debian packages): service and API suites on PostgreSQL, then the
# scale-out tests (two workers sharing Redis state, a worker killed mid-load, jobs once across workers).
test-pg: test-deps
	@trap 'scripts/pg_redis.sh stop' EXIT; eval "$$(scripts/pg_redis.sh start)"; export PATH="$(NODE_BIN):$$PATH"; \
	  env -u DATABASE_URL -u REDIS_URL $(PY) scripts/run_pytest.py -p no:cacheprovider tests/unit tests/api; unit=$$?; \
	  $(PY) scripts/run_pytest.py -p no:cacheprovider tests/pg; pg=$$?; exit $$(( unit || pg ))

clean:
	rm -rf .web .states
