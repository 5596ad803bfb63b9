# railstack.platform developer entry points. `make help` lists them.
# Every target that needs the toolchain runs `setup` first, which is quick when nothing changed.

SHELL := /bin/bash
.DEFAULT_GOAL := help
export LC_ALL := C.UTF-8
export PATH := $(CURDIR)/.venv/bin:$(PATH)

# scripts/test.sh runs setup once and then each stage with NOSETUP=1
SETUP := $(if $(NOSETUP),,setup)
# extra arguments for a target's tool, e.g. make sanity ARGS="--test pep8"
ARGS ?=
ANSIBLE_LINT_ENV := ANSIBLE_COLLECTIONS_PATH=$(CURDIR)/.collections

.PHONY: help setup test sanity units sandbox-test integration molecule tarball-test contracts lint changelog-lint \
        docs docs-lint typecheck format format-check demo bench bench-environment clean distclean

help:  ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([a-z-]+):.*## (.*)/  make \1\t\2/' | expand -t 24

setup:  ## .venv + requirements, the .collections link, ansible-test's offline get-pip shim
	@scripts/setup.sh

test:  ## setup, then every layer below (all run; fails if any failed)
	@scripts/test.sh

units: $(SETUP)  ## pytest tests/unit (HTTP faked)
	@scripts/pytest_layer.sh units tests/unit $(ARGS)

sandbox-test: $(SETUP)  ## pytest tests/sandbox (the sandbox through real HTTP)
	@scripts/pytest_layer.sh sandbox-test tests/sandbox $(ARGS)

integration: $(SETUP)  ## pytest tests/integration (ansible-playbook against a recording sandbox)
	@scripts/pytest_layer.sh integration tests/integration $(ARGS)

molecule: $(SETUP)  ## molecule test of every role's scenario and the full stack (extensions/molecule), against sandboxes
	@scripts/molecule.sh $(ARGS)

tarball-test: $(SETUP)  ## build the tarball, install it in a fresh venv, run site/roles/environment/Molecule from outside
	@scripts/tarball_test.sh

contracts: $(SETUP)  ## the integration recording + the sandbox schema against ../shared/contracts
	@scripts/contracts.sh

sanity: $(SETUP)  ## ansible-test sanity --local, offline, on a copy under tests/output/
	@scripts/sanity.sh $(ARGS)

lint: $(SETUP)  ## ansible-lint, production profile
	@$(ANSIBLE_LINT_ENV) ansible-lint --profile production $(if $(CI),--nocolor) $(ARGS)

changelog-lint: $(SETUP)  ## antsibull-changelog lint (changelogs/fragments)
	@antsibull-changelog lint $(ARGS) && echo "changelog-lint: passed"

.PHONY: tarball-lint
tarball-lint: $(SETUP)  ## ansible-lint, production profile, on the collection built and installed from its tarball alone
	@scripts/tarball_lint.sh $(ARGS)

docs: $(SETUP)  ## the documentation site, offline: tests/output/docs/build/html/index.html
	@scripts/docs.sh

docs-lint: $(SETUP)  ## antsibull-docs lint of every plugin's docs and of docs/docsite
	@$(ANSIBLE_LINT_ENV) antsibull-docs lint-collection-docs --plugin-docs . $(ARGS) && echo "docs-lint: passed"

typecheck: $(SETUP)  ## mypy on the core modules listed in pyproject.toml (every function annotated)
	@mypy $(ARGS) && echo "typecheck: passed"

format: $(SETUP)  ## ruff format, in place, of the files listed in pyproject.toml [tool.ruff] include
	@ruff format $(ARGS)

format-check: $(SETUP)  ## the files `make format` formats are formatted (shows the diff when not)
	@ruff format --check --diff $(ARGS) && echo "format-check: passed"

demo: $(SETUP)  ## converge examples/prela.yml against a local sandbox, twice
	@scripts/demo.sh

bench: $(SETUP)  ## what site.yml costs, as ratios to a floor, per-task costs, and many stacks with forks 1 and 5 (ARGS=--quick: one round)
	@.venv/bin/python bench/play_cost.py $(ARGS)
	@.venv/bin/python bench/many_stacks.py $(STACKS_ARGS)

bench-environment: $(SETUP)  ## requests and time of a 5- and 50-service environment, first and no-op run
	@.venv/bin/python bench/railway_environment.py $(ARGS)

clean:  ## remove test output, caches and the .collections link (keeps .venv)
	rm -rf tests/output .collections .ansible .pytest_cache bench/results
	find . -path ./.venv -prune -o -path ./.git -prune -o -name __pycache__ -type d -print0 | xargs -0 rm -rf

distclean: clean  ## clean, and remove .venv too
	rm -rf .venv
