# VCM build. `make` builds build/vcm; `make help` lists the targets.
#
# Every .c under src/ goes into one static library (except the program's
# main), so tests and benchmarks link exactly the code the program runs.
# Variants live in their own folders: build/ (optimised, with -g) and
# build/asan/ (AddressSanitizer + UndefinedBehaviorSanitizer).

O        ?= build
SAN      ?=
CC       ?= gcc
PKGS     := libmicrohttpd sqlite3 libpq jansson libxml-2.0 icu-uc icu-i18n libsodium vips libtiff-4 libjpeg libcurl zlib
VCM_VERSION := $(shell cat VERSION 2>/dev/null || echo 0.0.0)

# Quiet by default: one line a file; `make V=1` shows whole commands.
Q        := $(if $(filter 1,$(V)),,@)
WARN     := -Wall -Wextra -Wpedantic -Wshadow -Wmissing-prototypes -Werror
OPT      := -O2 -g
ifeq ($(SAN),1)
OPT      := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
endif
# ThreadSanitizer (build/tsan/): gcc cannot instrument atomic_thread_fence,
# which the search uses once; its warning about that stays a warning.
ifeq ($(SAN),thread)
OPT      := -O1 -g -fsanitize=thread -fno-omit-frame-pointer -Wno-error=tsan
endif
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CFLAGS   += -std=c17 $(OPT) $(WARN) -D_GNU_SOURCE -DVCM_VERSION='"$(VCM_VERSION)"' \
            -Isrc -I$(O)/gen $(PKG_CFLAGS) -MMD -MP
LDFLAGS  += $(OPT)
LDLIBS   += $(PKG_LIBS) -lpthread -lm

SRC      := $(shell find src -name '*.c' ! -path 'src/cli/main.c' | sort)
# The embedded files are data, compiled once without sanitizers and shared
# by every build (build/, build/asan/, build/tsan/).
GEN      := build/gen
OBJ      := $(SRC:%.c=$(O)/%.o) $(GEN)/assets.o
TEST_SRC := $(shell find tests -name 'test_*.c' | sort)
TEST_BIN := $(TEST_SRC:tests/%.c=$(O)/tests/%)
ASSETS   := $(shell find src/store/schema templates static locale -type f | sort) $(sort $(wildcard thesaurus/*.tsv)) $(wildcard data/linked-art/*.json) $(wildcard data/map/*.tsv) $(sort $(wildcard openapi/*.json)) $(wildcard data/spam/*.txt) mappings/oai_dc.json
# The deep-zoom viewer, from npm (package-lock.json), built into the program.
OSD_DIR  := node_modules/openseadragon/build/openseadragon
# The IIIF viewer copied into static exports (vcm export-iiif), from npm too.
MIRADOR  := node_modules/mirador/dist/mirador.min.js node_modules/mirador/LICENSE

.PHONY: all run test check check-build san-builds asan tsan-check bench soak fuzz clean deps help
all: $(O)/vcm

help:
	@echo "make          build build/vcm"
	@echo "make run      install what is missing, build, load the demo collection, serve"
	@echo "make test     build and run every test, then again under ASan and UBSan"
	@echo "make asan     build build/asan/vcm with sanitizers"
	@echo "make tsan-check  the IIIF load test against build/tsan/vcm under ThreadSanitizer"
	@echo "make bench    run the benchmarks in bench/ and print figures"
	@echo "make soak     serve the demo under mixed load for VCM_SOAK_SECS (600) s: errors, p99, RSS growth"
	@echo "make fuzz     build the libFuzzer targets of fuzz/ into build/fuzz/ (needs clang);"
	@echo "              make check replays their corpora without clang (fuzz/README.md)"
	@echo "make clean    remove build/"

$(GEN)/assets.c: scripts/embed.sh $(ASSETS) node_modules/.package-lock.json
	@mkdir -p $(@D)
	sh scripts/embed.sh $(ASSETS) $$(find $(OSD_DIR) -name openseadragon.min.js -o -path '*/images/*.png' | sort) $(MIRADOR) > $@.tmp && mv $@.tmp $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(GEN)/assets.o: $(GEN)/assets.c
	$(CC) -std=c17 -O0 -c -o $@ $<

# Han variants the tokenizer folds, from Debian's Unihan (unicode-data).
$(O)/gen/hanvariants.h: scripts/hanvariants.sh
	@mkdir -p $(@D)
	sh scripts/hanvariants.sh > $@.tmp && mv $@.tmp $@
$(O)/src/search/tokenize.o $(O)/src/search/static.o: $(O)/gen/hanvariants.h

$(O)/%.o: %.c
	@mkdir -p $(@D)
	@echo "cc $<"
	$(Q)$(CC) $(CFLAGS) -c -o $@ $<

$(O)/libvcm.a: $(OBJ)
	@rm -f $@
	@echo "ar $@"
	$(Q)ar rcs $@ $^

$(O)/vcm: $(O)/src/cli/main.o $(O)/libvcm.a
	@echo "ld $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(O)/tests/%: tests/%.c tests/testutil.h $(O)/libvcm.a
	@mkdir -p $(@D)
	@echo "cc $<"
	$(Q)$(CC) $(CFLAGS) -Itests -o $@ $< $(O)/libvcm.a $(LDLIBS) -lcmocka -lcurl

# Tests that include the SMTP sink besides testutil.h.
$(O)/tests/io/test_smtp $(O)/tests/cli/test_outbox_send: tests/smtpsink.h
# The data package's tests share their helpers.
$(O)/tests/cli/test_package $(O)/tests/cli/test_package_demo: tests/cli/package.h

deps:
	sh scripts/deps.sh

# The demo: the real collection from ../shared/data (VCM_DATA), re-imported
# on every start (a second import changes nothing and takes seconds).
VCM_DATA ?= ../shared/data
VCM_DB   ?= sqlite:var/vcm.db
export VCM_DATA VCM_DB
run: deps
	$(MAKE) all
	@mkdir -p var
	sh scripts/demo.sh
	./$(O)/vcm serve

# The sanitizers' builds run, at a lower priority, while the browser tests
# run (those wait on pages much of the time); their log is build/san-build.log.
test:
	sh scripts/deps.sh test
	@rm -f build/test-results.txt build/asan/test-results.txt build/browser-results.txt
	-$(MAKE) check
	@(nice -n 10 $(MAKE) -j2 san-builds > build/san-build.log 2>&1 || \
	  echo "make test: the sanitizers' builds failed: build/san-build.log" >&2) & \
	  sh tests/browser/run.sh build; wait
	-VCM_TEST_PG_PASS=0 VCM_TEST_SKIP_MARKED=1 $(MAKE) check O=build/asan SAN=1
	-$(MAKE) tsan-check
	sh tests/summary.sh build/test-results.txt build/asan/test-results.txt build/browser-results.txt \
	  build/tsan/test-results.txt

check: check-build
	sh tests/run.sh $(O)

check-build: $(O)/vcm $(TEST_BIN)

san-builds:
	$(MAKE) check-build O=build/asan SAN=1
	$(MAKE) build/tsan/vcm build/tsan/tests/web/test_iiif_stress O=build/tsan SAN=thread

asan:
	$(MAKE) all O=build/asan SAN=1

# The IIIF load test (tests/web/test_iiif_stress.c) against a server built
# with ThreadSanitizer; tests/sanitize/tsan.supp says why each library that
# is not instrumented is left out of the reports. TSan runs the server about
# twenty times slower, hence the longer run and the smaller floor of work.
tsan-check:
	@rm -f build/tsan/test-results.txt
	$(MAKE) build/tsan/vcm build/tsan/tests/web/test_iiif_stress O=build/tsan SAN=thread
	TSAN_OPTIONS="suppressions=$(CURDIR)/tests/sanitize/tsan.supp history_size=2" \
	  VCM_STRESS_SECS=40 VCM_STRESS_MIN=20 VCM_TEST_PG_PASS=0 sh tests/run.sh build/tsan

bench:
	sh scripts/deps.sh bench
	$(MAKE) all
	sh bench/run.sh

# The soak: bench/soak.sh, mixed load on the demo collection for
# VCM_SOAK_SECS seconds (default 600).
soak:
	sh scripts/deps.sh bench
	$(MAKE) all
	sh bench/soak.sh

# One libFuzzer program per parser of outside input (fuzz/NAME.c, its seed
# corpus in fuzz/corpus/NAME/); needs clang. The sources are compiled once
# with coverage and sanitizers into build/fuzz/obj/, then each target links
# them. Run one with
#   build/fuzz/NAME -max_total_time=120 -jobs=1 WORK-DIR fuzz/corpus/NAME
# (fuzz/README.md)
FUZZ_SRC   := $(filter-out fuzz/replay.c,$(sort $(wildcard fuzz/*.c)))
FUZZ_NAMES := $(FUZZ_SRC:fuzz/%.c=%)
FZ         := build/fuzz
FUZZ_FLAGS := -std=c17 -g -O1 -D_GNU_SOURCE -DVCM_VERSION='"fuzz"' -Isrc -I$(O)/gen \
              $(PKG_CFLAGS) -MMD -MP
FUZZ_SAN   := -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_OBJ   := $(SRC:%.c=$(FZ)/obj/%.o) $(FZ)/obj/gen/assets.o
FUZZ_BIN   := $(FUZZ_NAMES:%=$(FZ)/%)
fuzz: $(FUZZ_BIN)
$(FZ)/obj/src/search/tokenize.o $(FZ)/obj/src/search/static.o: $(O)/gen/hanvariants.h

$(FZ)/obj/src/%.o: src/%.c
	@mkdir -p $(@D)
	@echo "clang $<"
	$(Q)clang $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link $(FUZZ_SAN) -c -o $@ $<

$(FZ)/obj/gen/assets.o: $(GEN)/assets.c
	@mkdir -p $(@D)
	clang -std=c17 -O0 -c -o $@ $<

$(FZ)/libvcm.a: $(FUZZ_OBJ)
	@rm -f $@
	$(Q)ar rcs $@ $^

$(FUZZ_BIN): $(FZ)/%: fuzz/%.c $(FZ)/libvcm.a
	@echo "clang $<"
	$(Q)clang $(FUZZ_FLAGS) -fsanitize=fuzzer $(FUZZ_SAN) -o $@ $< $(FZ)/libvcm.a \
	  $(PKG_LIBS) -lpthread -lm

# Every target's corpus replayed with the normal compiler, no clang: one
# program per target, $(O)/fuzz-replay/NAME (fuzz/replay.c as its main),
# run over fuzz/corpus/NAME by the test program tests/fuzz/test_replay.c,
# so `make check` (and the sanitizer pass of `make test`) fails when a
# parser regresses on an input it once survived.
REPLAY_BIN := $(FUZZ_NAMES:%=$(O)/fuzz-replay/%)

$(O)/fuzz-replay/obj/%.o: fuzz/%.c
	@mkdir -p $(@D)
	@echo "cc $<"
	$(Q)$(CC) $(CFLAGS) -c -o $@ $<

$(REPLAY_BIN): $(O)/fuzz-replay/%: $(O)/fuzz-replay/obj/%.o $(O)/fuzz-replay/obj/replay.o $(O)/libvcm.a
	@echo "ld $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(O)/tests/fuzz/test_replay: $(REPLAY_BIN)

clean:
	rm -rf build

-include $(OBJ:.o=.d) $(O)/src/cli/main.d $(FUZZ_OBJ:.o=.d) $(FUZZ_BIN:=.d)
-include $(FUZZ_NAMES:%=$(O)/fuzz-replay/obj/%.d) $(O)/fuzz-replay/obj/replay.d
