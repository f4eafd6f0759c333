# heapdoc - thin wrapper over CMake + Ninja.  Every target does its own
# set-up: missing Debian packages are installed (scripts/deps.sh), the build
# directory is configured on first use.
#
#   make          build build/heapdoc
#   make demo     diagnose the bundled example profiles
#   make demo-live  collect + trend from a live leaking Go server (needs Go)
#   make check    build and run every test (unit, CLI goldens, parity, ASan+UBSan,
#                 ThreadSanitizer on the threaded paths)
#   make bench    benchmarks against go tool pprof (slow; never gating)
#   make fuzz     build the libFuzzer targets and run each for FUZZ_SECONDS

BUILD ?= build
ASAN_BUILD ?= build-asan
TSAN_BUILD ?= build-tsan
TSAN_TESTS ?= threads|test_parts|test_stacks|test_gunzip|test_svg|test_folded
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 60
JOBS ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: all deps deps-test build man demo demo-live check check-fast check-sanitize check-tsan bench fuzz clean

all: build

deps:
	@bash scripts/deps.sh

$(BUILD)/build.ninja: | deps
	cmake --preset dev >/dev/null

build: deps $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)

# The man page is generated from the --help texts (tests/cli/docs.sh checks it).
man: build
	bash scripts/gen-man.sh $(BUILD)/heapdoc > docs/heapdoc.1

demo: build
	@bash scripts/demo.sh $(BUILD)/heapdoc

demo-live: build
	@bash scripts/demo-live.sh $(BUILD)/heapdoc

# The whole suite: regular build, then the same suite under ASan+UBSan.
check: deps-test check-fast check-sanitize check-tsan

# What the test suite needs beyond the build (clang/libFuzzer, valgrind).
deps-test:
	@bash scripts/deps.sh --test

check-fast: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

$(ASAN_BUILD)/build.ninja: | deps
	cmake --preset asan >/dev/null

check-sanitize: deps $(ASAN_BUILD)/build.ninja
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		ctest --output-on-failure -j $(JOBS) -LE 'parity|slow'

# The tests of the threaded paths once more under ThreadSanitizer: every
# test that runs its subject with several threads (hd_set_threads, --threads);
# their allocation-failure sweeps are skipped there (HD_TSAN_PASS), the ASan
# pass runs them.
$(TSAN_BUILD)/build.ninja: | deps
	cmake --preset tsan >/dev/null

check-tsan: deps $(TSAN_BUILD)/build.ninja
	cmake --build $(TSAN_BUILD) -j $(JOBS)
	cd $(TSAN_BUILD) && HD_TSAN_PASS=1 TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
		ctest --output-on-failure -j $(JOBS) -R '$(TSAN_TESTS)'

bench: build
	bash bench/run.sh

fuzz:
	@bash scripts/deps.sh --fuzz
	cmake --preset fuzz >/dev/null
	cmake --build $(FUZZ_BUILD) -j $(JOBS)
	bash fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(TSAN_BUILD) $(FUZZ_BUILD)
