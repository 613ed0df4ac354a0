# aggsim: two commands on a fresh Debian machine, `make run` and `make test`.
# Each target first installs what is missing (GNU GSL and pkg-config through apt-get; for the tests
# also Debian's chromium and a Python venv with the notebook's, the schema's and the manifests' checkers).

SWIFT      ?= swift
SUDO       := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
BIN_DIR     = $(shell $(SWIFT) build -c release --show-bin-path)
VENV       := Benchmarks/.venv
TEST_VENV  := Tests/.venv
# What the end-to-end tests run from Tests/.venv; the stamp is named after this list, so that a
# package added here is installed by the next make test.
TEST_PYTHON_PACKAGES := nbclient nbformat ipykernel pandas matplotlib jsonschema pyyaml kubernetes-validate
TEST_VENV_STAMP := $(TEST_VENV)/installed-$(shell echo '$(TEST_PYTHON_PACKAGES)' | cksum | cut -d' ' -f1)

.PHONY: all deps test-deps build run test bench selfcheck golden clean fuzz screenshot

all: build

## deps: install the system packages the build needs, only when they are missing.
deps:
	@if ! command -v pkg-config >/dev/null 2>&1 || ! pkg-config --exists gsl; then \
	  echo "installing libgsl-dev and pkg-config with apt-get"; \
	  $(call apt_install,libgsl-dev pkg-config); \
	fi

# apt-get install of the packages in $(1), as root or through sudo (`env` sets the variable in both).
apt_install = $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(1)
# A Python venv at $(1) (Debian's python3 needs python3-venv for it).
make_venv = python3 -m venv $(1) || { $(call apt_install,python3-venv) && python3 -m venv $(1); }

## test-deps: what the end-to-end tests run besides aggsim, only when missing: Debian's chromium (report.html
## in a real headless browser) and, in Tests/.venv, nbclient, pandas and matplotlib (the notebook), jsonschema
## (every scenario against the schema) and kubernetes-validate (aggsim job's manifests).
test-deps: deps $(TEST_VENV_STAMP)
	@if ! command -v chromium >/dev/null 2>&1; then \
	  echo "installing chromium with apt-get"; \
	  $(call apt_install,chromium); \
	fi

$(TEST_VENV_STAMP):
	$(call make_venv,$(TEST_VENV))
	$(TEST_VENV)/bin/pip install --quiet $(TEST_PYTHON_PACKAGES)
	rm -f $(TEST_VENV)/installed*
	touch $@

## build: release build of the aggsim command.
build: deps
	$(SWIFT) build -c release --product aggsim

## run: build, then run the default scenario (Scenarios/quickstart.yaml) into notebooks-out/.
run: build
	$(BIN_DIR)/aggsim run Scenarios/quickstart.yaml

## selfcheck: the engine against queueing theory (M/M/1, M/M/c, M/D/1, M/G/1, Erlang B).
selfcheck: build
	$(BIN_DIR)/aggsim selfcheck

## test: every test target (debug build); the Python checkers from Tests/.venv come first on PATH.
test: test-deps
	PATH="$(CURDIR)/$(TEST_VENV)/bin:$$PATH" $(SWIFT) test

## bench: issue 9's performance targets in a release build (engine vs SimPy, full model, capacity hour,
## --jobs scaling), each printed as met or missed; fails only when allocations grow with the events or
## the simulated time. Parts can be skipped: make bench BENCH_FLAGS="--no-capacity --no-jobs" (see --help).
BENCH_FLAGS ?=
bench: deps $(VENV)/bin/python
	$(SWIFT) build -c release --product aggsim-bench
	LD_PRELOAD=$(BIN_DIR)/libMallocInterposerSwift.so $(BIN_DIR)/aggsim-bench --python $(VENV)/bin/python $(BENCH_FLAGS)

$(VENV)/bin/python:
	$(call make_venv,$(VENV))
	$(VENV)/bin/pip install --quiet simpy

## fuzz: libFuzzer (coverage-guided) over the scenario reader and a run under a small budget, seeded with
## Scenarios/ and the keys in Tests/Fuzz/scenario.dict, for FUZZ_TIME seconds (default 60). A crash, a hang
## (> 30 s an input, wall time: generous for a loaded machine) or more than 2 GB fails it and leaves the input in .build/fuzz/findings/; replay one
## with $(FUZZ_BIN) FILE. The grown corpus stays in .build/fuzz/corpus; FUZZ_FLAGS passes more libFuzzer flags.
FUZZ_TIME ?= 60
FUZZ_FLAGS ?=
FUZZ_BIN   = .build/fuzz/release/aggsim-fuzz
fuzz: deps
	$(SWIFT) build -c release --product aggsim-fuzz --scratch-path .build/fuzz -Xswiftc -sanitize=fuzzer \
	  -Xlinker --allow-multiple-definition
	mkdir -p .build/fuzz/corpus .build/fuzz/findings
	cp Scenarios/*.yaml .build/fuzz/corpus/
	$(FUZZ_BIN) -max_total_time=$(FUZZ_TIME) -timeout=30 -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
	  $(FUZZ_FLAGS) -dict=Tests/Fuzz/scenario.dict -artifact_prefix=.build/fuzz/findings/ .build/fuzz/corpus

clean:
	rm -rf .build $(VENV) $(TEST_VENV)

## golden: regenerate the end-to-end test's golden summary (only when the model changed on purpose).
golden: deps
	$(SWIFT) build --product aggsim
	rm -rf .build/golden && $(shell $(SWIFT) build --show-bin-path)/aggsim run Scenarios/quickstart.yaml --out .build/golden \
	  --jobs 1 --replications 2 --set spec.run.duration=2m --set spec.run.warmup=10s --trace-sampling 0.01
	cp .build/golden/quickstart/summary.csv Tests/EndToEndTests/Golden/quickstart-summary.csv

## screenshot: the README's picture of report.html, from the quickstart (needs Debian's chromium).
screenshot: deps
	$(SWIFT) build --product aggsim
	rm -rf .build/screenshot && $(shell $(SWIFT) build --show-bin-path)/aggsim run Scenarios/quickstart.yaml --out .build/screenshot \
	  --jobs 1 --report
	mkdir -p docs && chromium --headless=new --disable-gpu --no-sandbox --hide-scrollbars --window-size=1200,2375 \
	  --user-data-dir=.build/screenshot/chromium --screenshot=docs/report-quickstart.png \
	  file://$(CURDIR)/.build/screenshot/quickstart/report.html
