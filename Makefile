# Rampart's front door.  Every target first makes sure the Debian packages
# it needs are installed (scripts/setup-deps.sh), then drives Meson/Ninja.
#
#   make run     build, then walk through the 3CX case offline
#   make test    build twice (plain and ASan+UBSan) and run every test
#   make bench   run the benchmarks in bench/ (matching, then the sweep)
#   make bench-sweep  only the agent sweep against its peer tools
#   make fuzz    build the libFuzzer targets and run each for FUZZ_SECONDS
#   make lint    clang-format check and the banned-function check

BUILD      ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 60

.PHONY: all deps build build-asan run test test-plain test-asan bench bench-sweep \
	fuzz lint format clean

all: build

deps:
	@sh scripts/setup-deps.sh

$(BUILD)/build.ninja:
	meson setup $(BUILD) --buildtype=debugoptimized

$(ASAN_BUILD)/build.ninja:
	meson setup $(ASAN_BUILD) --buildtype=debug \
		-Db_sanitize=address,undefined -Db_lundef=false \
		-Dc_args=-fno-sanitize-recover=all

build: deps $(BUILD)/build.ninja
	ninja -C $(BUILD)

build-asan: deps $(ASAN_BUILD)/build.ninja
	ninja -C $(ASAN_BUILD)

run: build
	@sh scripts/walkthrough-3cx.sh $(BUILD)

test-plain: build
	meson test -C $(BUILD) --print-errorlogs --num-processes 2

test-asan: build-asan
	meson test -C $(ASAN_BUILD) --print-errorlogs --num-processes 2 \
		--timeout-multiplier 4

test: deps
	@rc=0; \
	$(MAKE) --no-print-directory test-plain || rc=1; \
	$(MAKE) --no-print-directory test-asan || rc=1; \
	python3 scripts/test-summary.py $(BUILD) $(ASAN_BUILD); \
	exit $$rc

bench: build
	@sh bench/run.sh $(BUILD)

bench-sweep: build
	@sh bench/sweep.sh $(BUILD)

fuzz: deps
	@test -f $(FUZZ_BUILD)/build.ninja || \
		CC=clang meson setup $(FUZZ_BUILD) --buildtype=debugoptimized -Dfuzz=true
	ninja -C $(FUZZ_BUILD)
	@sh fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)

lint: deps
	@sh scripts/lint.sh

format: deps
	@git ls-files '*.c' '*.h' | xargs clang-format -i

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)
