# mmsim — an educational simulator of Linux memory management.
#
#   make          build build/mmsim
#   make demo     install missing packages, build, run the demo scenario
#   make test     install missing packages, build under ASan+UBSan, run all tests
#   make bench    benchmarks (figures go to docs/performance.md by hand)
#   make regen    rewrite the golden diagrams in tests/golden/ (review the diff)
#   make trace-sample  build/sample.lackey: a valgrind lackey trace for mmsim replay
#   make fuzz     libFuzzer on the parser and the runner, FUZZ_SECONDS each (fuzz/README.md)
#   make lint     cppcheck on sim/ and viz/
#   make valgrind every scenario under valgrind memcheck (build/mmsim, no sanitizers)
#   make ci-extras  lint, fuzz-ci and valgrind: what .ci/run does before make test
#
# Every target that needs system packages first runs tools/deps.sh, which
# installs them when run as root and otherwise prints the apt-get line.

CC      ?= cc
PKGS    := glib-2.0
# Graphviz renders the diagrams (viz/dot_render.c): the CLI and the tests
# link it, the model and the benchmark do not.
GV_PKGS := libgvc libcgraph
CFLAGS  ?= -O2 -g
WARN    := -Wall -Wextra -Werror -Wno-unused-parameter -Wshadow -Wstrict-prototypes
CPPFLAGS := -D_GNU_SOURCE -Isim/kernel -Isim/scenario -Isim/cli -Iviz
SAN     := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

LIB_SRCS := $(sort $(wildcard sim/kernel/*.c sim/scenario/*.c sim/real/*.c viz/*.c))
CLI_SRCS := $(sort $(wildcard sim/cli/*.c))
TEST_SRCS := $(sort $(wildcard tests/*.c))
# The stepper is a command, but its tests drive sessions in process.
STEP_SRCS := sim/cli/step.c
# So is `mmsim dot`, whose recorder tests/test_dot.c runs in process.
DOT_SRCS := sim/cli/dot.c
# And `mmsim replay`, whose tests (tests/test_replay.c) replay traces in process.
REPLAY_SRCS := sim/cli/replay.c
# GNU readline: line editing and history in `mmsim step` on a terminal.
CLI_LIBS := -lreadline
HDRS := $(wildcard sim/*/*.h viz/*.h tests/*.h)

# Two flavours: build/ (optimised) and build/asan/ (sanitizers, for tests).
OBJ      = $(patsubst %.c,build/obj/%.o,$(1))
ASAN_OBJ = $(patsubst %.c,build/asan/obj/%.o,$(1))

.PHONY: all deps demo test test-deps bench clean lessons format regen
all: build/mmsim

deps:
	@tools/deps.sh

build/obj/%.o: %.c $(HDRS) | deps-once
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) $(shell pkg-config --cflags $(PKGS) $(GV_PKGS)) -c $< -o $@

build/asan/obj/%.o: %.c $(HDRS) | deps-once
	@mkdir -p $(dir $@)
	@echo "  CC asan $<"
	@$(CC) $(CPPFLAGS) -O1 -g $(SAN) $(WARN) $(shell pkg-config --cflags $(PKGS) $(GV_PKGS) criterion) -c $< -o $@

# tools/deps.sh is quick when nothing is missing; run it once per make.
.PHONY: deps-once
deps-once:
	@tools/deps.sh

build/libmmsim.a: $(call OBJ,$(LIB_SRCS))
	@rm -f $@; ar rcs $@ $^

build/mmsim: $(call OBJ,$(CLI_SRCS)) build/libmmsim.a
	@echo "  LD      $@"
	@$(CC) $(CFLAGS) -o $@ $^ $(shell pkg-config --libs $(PKGS) $(GV_PKGS)) $(CLI_LIBS) -lm

build/asan/libmmsim.a: $(call ASAN_OBJ,$(LIB_SRCS))
	@rm -f $@; ar rcs $@ $^

build/asan/mmsim: $(call ASAN_OBJ,$(CLI_SRCS)) build/asan/libmmsim.a
	@echo "  LD      $@"
	@$(CC) $(SAN) -o $@ $^ $(shell pkg-config --libs $(PKGS) $(GV_PKGS)) $(CLI_LIBS) -lm

build/asan/mmsim-tests: $(call ASAN_OBJ,$(TEST_SRCS) $(STEP_SRCS) $(DOT_SRCS) $(REPLAY_SRCS)) build/asan/libmmsim.a
	@echo "  LD      $@"
	@$(CC) $(SAN) -o $@ $^ $(shell pkg-config --libs $(PKGS) $(GV_PKGS) criterion zlib) $(CLI_LIBS) -lm

demo: build/mmsim
	build/mmsim run scenarios/anon/fork-cow.scn

# The tests find scenarios/ and tests/bad/ relative to the top directory.
# The real-kernel tests (check/*) share the machine's swap and counters:
# they run one at a time, after the others.
TEST_ENV = ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	LSAN_OPTIONS=suppressions=$(CURDIR)/tools/lsan.supp:print_suppressions=0 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 MMSIM=build/asan/mmsim
# The browser test of `mmsim lesson` opens the page in headless Chromium.
test-deps:
	@tools/deps.sh chromium

test: test-deps build/asan/mmsim-tests build/asan/mmsim
	@$(TEST_ENV) build/asan/mmsim-tests --filter '!(check)/*' --jobs 2 --timeout 120
	@$(MAKE) --no-print-directory check-real

# make check-real: `mmsim check` on every lesson under scenarios/ against the
# real kernel, one at a time (they share the machine's counters and the swap
# priority), as root; without root each is skipped. Part of make test.
.PHONY: check-real
check-real: build/asan/mmsim-tests build/asan/mmsim
	@$(TEST_ENV) build/asan/mmsim-tests --filter 'check/*' --jobs 1 --timeout 120

# make lessons: every lesson's page (mmsim lesson) and its diagrams (mmsim dot,
# SVG) into docs/lessons/GROUP/: NAME.html and NAME/NN-SNAPSHOT.system.svg.
lessons: build/mmsim
	@for f in $(sort $(wildcard scenarios/*/*.scn)); do \
		d=docs/lessons/$$(basename $$(dirname $$f)); n=$$(basename $$f .scn); \
		build/mmsim lesson -o $$d $$f >/dev/null && \
		build/mmsim dot --format=svg -o $$d/$$n $$f >/dev/null || exit 1; \
		echo "  LESSON  $$d/$$n.html"; \
	done

# make regen: rewrite the golden files (tests/golden/) from what mmsim draws
# now; review the change with git diff before committing it.
regen: build/asan/mmsim-tests
	@MMSIM_REGEN=1 build/asan/mmsim-tests --filter 'dot/golden*'
	@git status --short tests/golden/

# make bench: the figures of DESIGN.md, measured side by side with the real
# kernel (see docs/performance.md). The model's sources are built again here,
# -O2 -DNDEBUG without sanitizers, into objects of their own.
BENCH_OBJS := $(patsubst sim/kernel/%.c,build/bench-obj/%.o,$(sort $(wildcard sim/kernel/*.c)))

build/bench-obj/%.o: sim/kernel/%.c $(HDRS) | deps-once
	@mkdir -p $(dir $@)
	@echo "  CC bench $<"
	@$(CC) $(CPPFLAGS) -O2 -DNDEBUG $(WARN) $(shell pkg-config --cflags $(PKGS)) -c $< -o $@

build/bench-obj/bench/bench.o: bench/bench.c $(HDRS) | deps-once
	@mkdir -p $(dir $@)
	@echo "  CC bench $<"
	@$(CC) $(CPPFLAGS) -O2 -DNDEBUG $(WARN) $(shell pkg-config --cflags $(PKGS)) -c $< -o $@

build/bench: build/bench-obj/bench/bench.o $(BENCH_OBJS)
	@echo "  LD      $@"
	@$(CC) -O2 -o $@ $^ $(shell pkg-config --libs $(PKGS))

bench: deps-once build/bench build/mmsim build/sample.lackey
	build/bench
	build/mmsim replay build/sample.lackey --ram 4m --time >/dev/null

# make trace-sample: a real program's memory trace for `mmsim replay`, made
# here by valgrind's lackey (bench/trace_prog.c), never committed.
.PHONY: trace-sample
trace-sample: build/sample.lackey

build/trace_prog: bench/trace_prog.c
	@mkdir -p build
	@echo "  CC      $@"
	@$(CC) -O1 -static -o $@ $<

build/sample.lackey: build/trace_prog
	@tools/deps.sh valgrind
	@echo "  LACKEY  $@"
	@valgrind --tool=lackey --trace-mem=yes --log-file=$@.tmp build/trace_prog >/dev/null
	@mv $@.tmp $@

# make fuzz: the libFuzzer targets of fuzz/, built with clang into build/fuzz/
# (the library again, instrumented for coverage). Not part of make test.
FUZZ_CC      := clang
FUZZ_SAN     := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
FUZZ_SECONDS ?= 60
FUZZ_OBJ      = $(patsubst %.c,build/fuzz/obj/%.o,$(1))
# clang counts TRACE_FUNC's cleanup variable as unused; the gcc builds check the rest.
FUZZ_WARN    := $(WARN) -Wno-unused-variable

.PHONY: fuzz fuzz-ci fuzz-deps fuzz-build
fuzz-deps:
	@tools/deps.sh clang libclang-rt-14-dev

build/fuzz/obj/%.o: %.c $(HDRS) | fuzz-deps
	@mkdir -p $(dir $@)
	@echo "  CC fuzz $<"
	@$(FUZZ_CC) $(CPPFLAGS) -O1 -g -fsanitize=fuzzer-no-link $(FUZZ_SAN) $(FUZZ_WARN) \
		$(shell pkg-config --cflags $(PKGS) $(GV_PKGS)) -c $< -o $@

build/fuzz/fuzz_%: build/fuzz/obj/fuzz/fuzz_%.o $(call FUZZ_OBJ,$(LIB_SRCS))
	@echo "  LD      $@"
	@$(FUZZ_CC) -fsanitize=fuzzer $(FUZZ_SAN) -o $@ $^ $(shell pkg-config --libs $(PKGS) $(GV_PKGS)) -lm

.PRECIOUS: build/fuzz/obj/%.o
fuzz-build: build/fuzz/fuzz_parser build/fuzz/fuzz_run

fuzz: fuzz-build
	@fuzz/run.sh $(FUZZ_SECONDS)

# For CI: one minute each.
fuzz-ci: fuzz-build
	@fuzz/run.sh 60

# make lint: static analysis of the model, the scenario layer and the views.
.PHONY: lint valgrind lint-deps valgrind-deps ci-extras
lint-deps:
	@tools/deps.sh cppcheck

lint: lint-deps
	cppcheck --quiet --error-exitcode=1 --enable=warning,style,performance,portability \
		--std=c11 --inline-suppr --library=tools/cppcheck-glib.cfg \
		--suppress-xml=tools/cppcheck-suppressions.xml \
		-D_GNU_SOURCE -Isim/kernel -Isim/scenario -Isim/cli -Iviz sim viz

# make valgrind: every scenario under memcheck, on the optimised build
# (valgrind and the sanitizers do not mix). Any error or leak fails.
# VALGRIND_JOBS files at a time (default: every CPU).
valgrind-deps:
	@tools/deps.sh valgrind

valgrind: valgrind-deps build/mmsim
	@tools/valgrind.sh build/mmsim $(VALGRIND_JOBS)

# make ci-extras: the checks CI runs besides make test (.ci/run), one after
# the other, each timed.
ci-extras:
	@for t in lint fuzz-ci valgrind; do \
		s=$$(date +%s); \
		$(MAKE) --no-print-directory $$t || { echo "make $$t failed" >&2; exit 1; }; \
		echo "== make $$t: $$(( $$(date +%s) - s )) s"; \
	done

format:
	clang-format -i $(LIB_SRCS) $(CLI_SRCS) $(TEST_SRCS) $(HDRS)

clean:
	rm -rf build
