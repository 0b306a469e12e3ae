# vockit: plain GNU make.  `make demo` and `make check` install the Debian
# build packages first when they are missing (as root), or say the exact
# apt-get line to run.

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
DATADIR ?= $(PREFIX)/share/vockit
BUILD ?= build

CC ?= cc
CFLAGS ?= -O2
# The project's own flags, kept apart so `make CFLAGS=...` keeps them.
VOC_CFLAGS = -std=c11 -pthread -Wall -Wextra -Wpedantic \
	-D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Iinclude \
	-DVOC_DATADIR='"$(DATADIR)"'
PKGS = gsl jansson zlib libutf8proc
# ISA-L's inflate, where it is installed (make deps installs it); zlib
# inflates otherwise.
ifeq ($(shell pkg-config --exists libisal 2>/dev/null && echo yes),yes)
PKGS += libisal
VOC_CFLAGS += -DVOC_HAVE_ISAL
endif
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
LIBCSV_LIBS ?= -lcsv
LDLIBS = $(LIBCSV_LIBS) $(PKG_LIBS) -ldl -lm -pthread

DEBS = build-essential pkg-config libcsv-dev libgsl-dev libjansson-dev \
	zlib1g-dev tzdata libutf8proc-dev libmecab-dev mecab-ipadic-utf8 \
	parallel libisal-dev
# The peers bench/run compares against.
BENCH_DEBS = datamash miller mawk gawk jq sqlite3 pigz isal time
# make fuzz: clang and its libFuzzer runtime (only recommended by clang,
# which tests/deps.sh does not install).
FUZZ_DEBS = clang libclang-rt-14-dev

PROGS = nps-score csat-agg retention mau ltv voc-topics
LIB_SRC = $(wildcard lib/*.c)
LIB_OBJ = $(LIB_SRC:lib/%.c=$(BUILD)/lib/%.o)
UNIT_SRC = $(wildcard tests/unit/test_*.c)
UNIT_BIN = $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
HEADERS = $(wildcard include/voc/*.h lib/*.h)
# Fuzz harnesses (tests/fuzz/fuzz_NAME.c): `make check` replays each one's
# corpus through a plain main(); `make fuzz` runs them under libFuzzer.
FUZZ_NAMES = reader csv timeparse state
FUZZ_REPLAY = $(FUZZ_NAMES:%=$(BUILD)/tests/test_fuzz_%)
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 60
# A libFuzzer seed and a number of inputs (make fuzz FUZZ_SEED=1
# FUZZ_RUNS=2000: a short, bounded run, as CI's); empty, a new seed each
# run and as many inputs as FUZZ_SECONDS allow.
FUZZ_SEED ?=
FUZZ_RUNS ?=
# The OOM sweep: programs built with malloc wrapped (tests/oom/).
OOM_PROGS = $(PROGS:%=$(BUILD)/oom/%)

.PHONY: all check demo deps deps-bench deps-fuzz install uninstall clean \
	asan ubsan bench build-check fuzz oom

all: $(PROGS:%=$(BUILD)/%)

$(BUILD)/lib/%.o: lib/%.c $(HEADERS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(VOC_CFLAGS) $(PKG_CFLAGS) -c $< -o $@

$(BUILD)/libvoc.a: $(LIB_OBJ)
	$(AR) rcs $@ $^

$(BUILD)/%: cmd/%.c $(BUILD)/libvoc.a $(HEADERS)
	$(CC) $(CFLAGS) $(VOC_CFLAGS) $(PKG_CFLAGS) $< $(BUILD)/libvoc.a $(LDFLAGS) \
		$(LDLIBS) -o $@

$(BUILD)/tests/%: tests/unit/%.c tests/unit/check.h $(BUILD)/libvoc.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(VOC_CFLAGS) $(PKG_CFLAGS) -Itests/unit $< $(BUILD)/libvoc.a \
		$(LDFLAGS) $(LDLIBS) -o $@

$(BUILD)/tests/test_fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c \
    tests/fuzz/fuzz_file.c tests/fuzz/fuzz.h $(BUILD)/libvoc.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(VOC_CFLAGS) $(PKG_CFLAGS) -Itests/fuzz \
		-DFUZZ_NAME='"$*"' $< tests/fuzz/replay.c tests/fuzz/fuzz_file.c \
		$(BUILD)/libvoc.a $(LDFLAGS) $(LDLIBS) -o $@

$(BUILD)/oom/%: cmd/%.c tests/oom/oom.c $(BUILD)/libvoc.a $(HEADERS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(VOC_CFLAGS) $(PKG_CFLAGS) $< tests/oom/oom.c \
		$(BUILD)/libvoc.a $(LDFLAGS) -Wl,--wrap=malloc,--wrap=calloc \
		-Wl,--wrap=realloc,--wrap=aligned_alloc,--wrap=strdup \
		-Wl,--wrap=strndup $(LDLIBS) -o $@

$(BUILD)/gen: bench/gen.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(VOC_CFLAGS) $< -o $@

# Installs the Debian packages the build needs, when any is missing.
deps:
	@sh tests/deps.sh $(DEBS)

deps-bench:
	@sh tests/deps.sh $(BENCH_DEBS)

deps-fuzz: deps
	@sh tests/deps.sh $(FUZZ_DEBS)

demo: deps
	@$(MAKE) --no-print-directory all
	$(BUILD)/nps-score -s NPS -g 年代 -o table \
		testdata/fukui_sample.csv

# The test run proper, once the packages are there.
build-check: all $(UNIT_BIN) $(FUZZ_REPLAY)
	@sh tests/run.sh $(BUILD)

# Each harness under libFuzzer for FUZZ_SECONDS (clang, ASan, UBSan).
fuzz: deps-fuzz
	@$(MAKE) --no-print-directory BUILD=build-fuzz CC=$(FUZZ_CC) \
		CFLAGS="-g -O1 -fsanitize=fuzzer-no-link,address,undefined" \
		build-fuzz/libvoc.a
	@PKGS="$(PKGS)" SEED="$(FUZZ_SEED)" RUNS="$(FUZZ_RUNS)" \
		sh tests/fuzz/run.sh build-fuzz \
		$(FUZZ_SECONDS) $(FUZZ_NAMES)

# Every allocation of a run made to fail in turn (ASan build).
oom:
	@$(MAKE) --no-print-directory BUILD=build-oom \
		CFLAGS="-O1 -g -fsanitize=address -fno-omit-frame-pointer" \
		LDFLAGS="-fsanitize=address" $(PROGS:%=build-oom/oom/%)
	@sh tests/oom/run.sh build-oom

check: deps
	@$(MAKE) --no-print-directory build-check

asan:
	@$(MAKE) --no-print-directory BUILD=build-asan \
		CFLAGS="-O1 -g -fsanitize=address -fno-omit-frame-pointer" \
		LDFLAGS="-fsanitize=address" build-check

ubsan:
	@$(MAKE) --no-print-directory BUILD=build-ubsan \
		CFLAGS="-O1 -g -fsanitize=undefined -fno-sanitize-recover" \
		LDFLAGS="-fsanitize=undefined" build-check

bench: deps deps-bench
	@$(MAKE) --no-print-directory all $(BUILD)/gen
	sh bench/run.sh $(BUILD)

install: all
	mkdir -p $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(MANDIR)/man7
	for p in $(PROGS); do \
		install -m 755 $(BUILD)/$$p $(DESTDIR)$(BINDIR)/$$p; \
		install -m 644 man/$$p.1 $(DESTDIR)$(MANDIR)/man1/$$p.1; \
	done
	install -m 644 man/vockit.7 $(DESTDIR)$(MANDIR)/man7/vockit.7
	mkdir -p $(DESTDIR)$(DATADIR)/lexicons
	install -m 644 data/*.txt $(DESTDIR)$(DATADIR)
	install -m 644 data/lexicons/* $(DESTDIR)$(DATADIR)/lexicons

uninstall:
	for p in $(PROGS); do \
		rm -f $(DESTDIR)$(BINDIR)/$$p $(DESTDIR)$(MANDIR)/man1/$$p.1; \
	done
	rm -f $(DESTDIR)$(MANDIR)/man7/vockit.7
	rm -rf $(DESTDIR)$(DATADIR)

clean:
	rm -rf build build-asan build-ubsan build-fuzz build-oom
