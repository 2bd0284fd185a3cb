# kubeoxide: the two set-up commands (`make up`, `make test`) and the everyday ones.
# Every target works as root on a fresh Debian 12 machine; `make deps` installs what is needed.

SHELL := /bin/bash
CARGO ?= cargo
STATE_DIR ?= $(CURDIR)/.kubeoxide
export PATH := $(HOME)/.cargo/bin:$(PATH)

.PHONY: help deps build build-debug test lint fmt-check clippy unit e2e bench up down status clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | column -t -s $$'\t'

deps: ## install system packages and the Rust toolchain pieces the build and tests need
	bash hack/install-deps.sh

build: ## release build of every daemon
	$(CARGO) build --release --workspace --bins

build-debug:
	$(CARGO) build --workspace --all-targets

fmt-check:
	$(CARGO) fmt --all --check

clippy:
	$(CARGO) clippy --workspace --all-targets -- -D warnings

lint: fmt-check clippy ## cargo fmt --check and clippy -D warnings

unit:
	$(CARGO) test --workspace --no-fail-fast

e2e: ## end-to-end checks of the cluster scripts, on debug binaries and free loopback ports
	$(CARGO) build --workspace --bins
	@set -e; for t in e2e/*.sh; do echo "== $$t"; BIN=target/debug bash $$t; done

test: deps lint unit e2e ## the whole suite: lint, unit, integration and e2e tests

bench: deps build ## every component's benchmark beside its reference
	bash hack/bench.sh

up: deps build ## build and start a single-node cluster on the embedded store
	STATE_DIR=$(STATE_DIR) bash hack/up.sh

down: ## stop what `make up` started
	STATE_DIR=$(STATE_DIR) bash hack/down.sh

status: ## show what `make up` started and whether it is alive
	STATE_DIR=$(STATE_DIR) bash hack/down.sh --status

clean: down
	$(CARGO) clean
	rm -rf $(STATE_DIR)
