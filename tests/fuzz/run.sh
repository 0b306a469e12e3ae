#!/bin/sh
# Builds each fuzz harness with libFuzzer and runs it for SECONDS.
#
#   tests/fuzz/run.sh BUILD_DIR SECONDS NAME...
#
# SEED and RUNS in the environment, when set, are libFuzzer's -seed and
# -runs (the number of inputs; SECONDS still bounds the time).
# BUILD_DIR holds a libvoc.a compiled with -fsanitize=fuzzer-no-link.  A
# harness starts from its seed corpus tests/fuzz/corpus/NAME (copied to
# BUILD_DIR/corpus/NAME, where the inputs it finds accumulate); a crash
# leaves BUILD_DIR/crash-NAME-* to be added to the seed corpus, where
# `make check` replays it from then on.
set -e
build=$1
secs=$2
shift 2
# The Makefile passes its PKGS (libisal among them where installed).
pkgs=${PKGS:-"gsl jansson zlib libutf8proc"}
for name in "$@"; do
	bin=$build/fuzz_$name
	clang -g -O1 -fsanitize=fuzzer,address,undefined -std=c11 \
		-D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Iinclude -Itests/fuzz \
		$(pkg-config --cflags $pkgs) tests/fuzz/fuzz_$name.c \
		tests/fuzz/fuzz_file.c "$build/libvoc.a" -lcsv \
		$(pkg-config --libs $pkgs) -ldl -lm -pthread -o "$bin"
	mkdir -p "$build/corpus/$name"
	cp tests/fuzz/corpus/$name/* "$build/corpus/$name/"
	echo "fuzz_$name: $secs seconds${RUNS:+ or $RUNS inputs}"
	"$bin" -max_total_time="$secs" -max_len=65536 -timeout=10 \
		-rss_limit_mb=1024 -print_final_stats=1 \
		${SEED:+-seed=$SEED} ${RUNS:+-runs=$RUNS} \
		-artifact_prefix="$build/crash-$name-" "$build/corpus/$name" \
		2>"$build/fuzz_$name.log" || {
		tail -n 40 "$build/fuzz_$name.log"
		exit 1
	}
	grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb)|cov:' \
		"$build/fuzz_$name.log" | tail -n 3
done
