# Rampart's front door.  Every target first makes sure the Debian packages
# it needs are installed (scripts/setup-deps.sh), then drives Meson/Ninja.
#
#   make run     build, then start rampartd in the foreground on SQLite in
#                var/ (prints the URL, the certificate fingerprint and, on
#                the first start only, the administrator's credentials)
#   make walkthrough  build, then walk through the 3CX case offline
#   make demo    build, then the 3CX day on one machine: rampartd, three
#                agents, the policy's quarantine (KEEP=1 leaves it running)
#   make test    build twice (plain and ASan+UBSan) and run every test,
#                then the sweep's tests under ThreadSanitizer (build-tsan)
#   make bench   run the benchmarks in bench/ (matching, CSAF, the sweep, then
#                the server)
#   make bench-sweep  only the agent sweep against its peer tools
#   make bench-server rampartd's API under 200 clients, SQLite then
#                PostgreSQL (2 minutes each; bench/server.sh)
#   make fuzz    build the libFuzzer targets and run each for FUZZ_SECONDS
#   make screenshots  build, then the web UI's browser tests (it/web_ui,
#                it/web_flow) saving each page they visit as a full-page
#                PNG in docs/screenshots/ (RAMPART_SCREENSHOTS)
#   make lint    clang-format, banned functions, layout and test rules, and
#                (on the plain build's objects) exports nothing else uses

BUILD      ?= build
ASAN_BUILD ?= build-asan
TSAN_BUILD ?= build-tsan
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 60

.PHONY: all deps tools walkthrough demo build build-asan build-tsan run test test-plain \
	test-asan test-tsan bench bench-sweep bench-server fuzz lint format clean \
	screenshots

all: build

deps:
	@sh scripts/setup-deps.sh

# npm test tools (OpenAPI validators) pinned in tests/tools.
tools: deps
	@sh scripts/setup-npm.sh

$(BUILD)/build.ninja:
	meson setup $(BUILD) --buildtype=debugoptimized

$(ASAN_BUILD)/build.ninja:
	meson setup $(ASAN_BUILD) --buildtype=debug \
		-Db_sanitize=address,undefined -Db_lundef=false \
		-Dc_args=-fno-sanitize-recover=all

# ThreadSanitizer for the tests of suite 'sweep' only (the sweep's worker
# threads): only their targets are built, so it stays cheap.
$(TSAN_BUILD)/build.ninja:
	meson setup $(TSAN_BUILD) --buildtype=debug \
		-Db_sanitize=thread -Db_lundef=false

build: deps $(BUILD)/build.ninja
	ninja -C $(BUILD)

build-asan: deps $(ASAN_BUILD)/build.ninja
	ninja -C $(ASAN_BUILD)

build-tsan: deps $(TSAN_BUILD)/build.ninja
	ninja -C $(TSAN_BUILD) build.ninja
	ninja -C $(TSAN_BUILD) $$(python3 scripts/suite-targets.py $(TSAN_BUILD) sweep)

run: build
	python3 scripts/run-local.py $(BUILD) var

walkthrough: build
	@sh scripts/walkthrough-3cx.sh $(BUILD)

demo: build
	@python3 scripts/demo.py $(BUILD) $(if $(filter 1,$(KEEP)),--keep)

test-plain: build tools
	meson test -C $(BUILD) --print-errorlogs --num-processes 2

test-asan: build-asan tools
	meson test -C $(ASAN_BUILD) --print-errorlogs --num-processes 2 \
		--timeout-multiplier 4

test-tsan: build-tsan
	meson test -C $(TSAN_BUILD) --no-rebuild --suite sweep --print-errorlogs \
		--num-processes 2 --timeout-multiplier 4

test: deps
	@rc=0; \
	$(MAKE) --no-print-directory test-plain || rc=1; \
	$(MAKE) --no-print-directory test-asan || rc=1; \
	$(MAKE) --no-print-directory test-tsan || rc=1; \
	python3 scripts/test-summary.py $(BUILD) $(ASAN_BUILD) $(TSAN_BUILD); \
	exit $$rc

# The pages as the browser test sees them (headless chromium, 1280 px
# wide, seeded data), for the docs.
screenshots: build tools
	RAMPART_SCREENSHOTS=$(CURDIR)/docs/screenshots \
		meson test -C $(BUILD) --print-errorlogs it/web_ui it/web_flow

bench: build
	@sh bench/run.sh $(BUILD)

bench-sweep: build
	@sh bench/sweep.sh $(BUILD)

bench-server: build
	@sh bench/server.sh $(BUILD)

fuzz: deps
	@test -f $(FUZZ_BUILD)/build.ninja || \
		CC=clang meson setup $(FUZZ_BUILD) --buildtype=debugoptimized -Dfuzz=true
	ninja -C $(FUZZ_BUILD)
	@sh fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)

lint: build
	@BUILD=$(BUILD) sh scripts/lint.sh

format: deps
	@git ls-files '*.c' '*.h' | xargs clang-format -i

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(TSAN_BUILD) $(FUZZ_BUILD)
