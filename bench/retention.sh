#!/bin/sh
# Times retention's classic monthly cohort table against a mawk program
# computing the same table (bench/retention-classic.awk), on one
# generated event log, and reports wall time, MB/s and peak memory.
#
#   bench/retention.sh BUILD_DIR
#
# Environment: EVENTS (default 10000000), CUSTOMERS (default EVENTS/10),
# THREADS (retention's -j; default the cores).  Data is made by
# bench/retention-gen.c (seeded: the same bytes every run) into
# bench/data/.  Memory of retention grows with customers, not events:
# run it at two sizes of CUSTOMERS to see it.
set -e
build=${1:-build}
events=${EVENTS:-10000000}
customers=${CUSTOMERS:-$((events / 10))}
data=bench/data
mkdir -p "$data"
gen=$build/retention-gen
[ -x "$gen" ] && [ "$gen" -nt bench/retention-gen.c ] ||
	${CC:-cc} -O2 -std=c11 -D_DEFAULT_SOURCE bench/retention-gen.c -o "$gen"
csv=$data/events-$events-$customers.csv
[ -s "$csv" ] || "$gen" "$events" "$customers" >"$csv"
mb=$(($(wc -c <"$csv") / 1000000))
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
jopt=
[ -n "$THREADS" ] && jopt="-j $THREADS"

run() {
	name=$1
	shift
	/usr/bin/time -v "$@" >"$tmp/$name.out" 2>"$tmp/$name.time" || {
		cat "$tmp/$name.time" >&2
		exit 1
	}
	wall=$(sed -n 's/.*Elapsed (wall clock) time.*: //p' "$tmp/$name.time")
	rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' \
	    "$tmp/$name.time")
	secs=$(echo "$wall" | awk -F: '{ s = 0; for (i = 1; i <= NF; i++)
	    s = s * 60 + $i; print s }')
	awk -v n="$name" -v s="$secs" -v mb="$mb" -v rss="$rss" 'BEGIN {
	    printf "%-10s %8.2f s %8.1f MB/s %8.1f MB peak RSS\n", n, s,
	    (s > 0 ? mb / s : 0), rss / 1024 }'
}

echo "$events events of $customers customers, $mb MB: $csv"
run retention "$build/retention" $jopt -u customer -t time --precision 6 \
    "$csv"
run mawk mawk -f bench/retention-classic.awk "$csv"

# The two must agree on every observed cell.
awk -F, 'NR > 1 && $4 != "" && $4 > 0 { print $1 "," $3 "," $4 "," $5 }' \
    "$tmp/retention.out" | sort >"$tmp/a"
sort "$tmp/mawk.out" >"$tmp/b"
if cmp -s "$tmp/a" "$tmp/b"; then
	echo "tables agree ($(wc -l <"$tmp/a") cells)"
else
	echo "tables differ" >&2
	exit 1
fi
