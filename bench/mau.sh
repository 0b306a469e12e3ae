#!/bin/sh
# mau against its peers on one generated event log, and the error of
# --approx on a stream of distinct users.
#
#   sh bench/mau.sh BUILD_DIR      (after make; needs mawk, Miller, GNU time)
#
# Environment: EVENTS (default 10000000), USERS (default EVENTS / 10),
# RUNS (default 3), HLL_USERS (default 10000000; 0 skips that part).
#
# The log is gzipped JSON Lines as product analytics tools export it:
# EVENTS events of USERS users (drawn with mawk's seeded rand, so every
# run reads the same bytes) over the 31 days of January 2024, ISO times
# with milliseconds, 2% anonymous (user_id null).  Every tool computes
# the distinct users of each day (DAU), which is what all of them can do:
#   mau        mau -u user_id -t event_time --by day (and, apart, the
#              default daily series with 7- and 28-day windows, and the
#              same with --approx)
#   Miller     mlr count-distinct -f day,user_id then count -g day
#   awk-sort   mawk pulls day,user out of each line; sort -u; uniq -c
# Miller keeps every record it counts (1.9 GB at 1M events), so it is
# left out above 2M events unless MILLER=1.
# The median wall time of RUNS runs is reported with MB/s of gzipped
# input, and the largest resident memory.  The DAU of vockit and of the
# awk pipeline are compared.
#
# Then the HyperLogLog error: HLL_USERS distinct ids on one day, through
# mau --approx and the exact mau, and the relative error of the estimate.
set -e
build=${1:-build}
events=${EVENTS:-10000000}
users=${USERS:-$((events / 10))}
runs=${RUNS:-3}
hll_users=${HLL_USERS:-10000000}
mau="$build/mau"
data=bench/data
mkdir -p "$data"
log=$data/mau-events-$events-$users.jsonl.gz
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if [ ! -s "$log" ]; then
	mawk -v n="$events" -v u="$users" 'BEGIN {
		srand(1)
		split("ios android web", pl, " ")
		split("page_view click purchase session_start", ev, " ")
		for (i = 0; i < n; i++) {
			d = 1 + int(rand() * 31)
			s = int(rand() * 86400)
			user = rand() < 0.02 ? "null" : "\"u" int(rand() * u) "\""
			printf "{\"event_type\":\"%s\",\"user_id\":%s,\"event_time\":\"2024-01-%02dT%02d:%02d:%02d.%03dZ\",\"platform\":\"%s\"}\n",
			    ev[1 + int(rand() * 4)], user, d, int(s / 3600),
			    int(s / 60) % 60, s % 60, int(rand() * 1000),
			    pl[1 + int(rand() * 3)]
		}
	}' | gzip -1 >"$log.tmp"
	mv "$log.tmp" "$log"
fi
mb=$(du -m "$log" | cut -f1)
raw=$(gzip -dc "$log" | wc -c | awk '{ printf "%d", $1 / 1e6 }')

awk_prog='{ if (match($0, /"user_id":"[^"]*"/)) { u = substr($0, RSTART + 11, RLENGTH - 12); match($0, /"event_time":"[0-9-]*/); print substr($0, RSTART + 14, 10) "," u } }'

cat >"$tmp/cmds" <<CMDS
mau --by day|$mau -u user_id -t event_time --by day "\$1"
mau daily|$mau -u user_id -t event_time "\$1"
mau --approx|$mau -u user_id -t event_time --approx --by day "\$1"
Miller|mlr --ijsonl --ocsv filter 'is_not_null(\$user_id)' then put '\$day = substr(\$event_time, 0, 9)' then count-distinct -f day,user_id then count -g day "\$1"
awk-sort|gzip -dc "\$1" | mawk '$awk_prog' | LC_ALL=C sort -u -S 25% | cut -d, -f1 | uniq -c
CMDS

if [ "$events" -gt 2000000 ] && [ "${MILLER:-0}" != 1 ]; then
	grep -v '^Miller|' "$tmp/cmds" >"$tmp/c2" || true
	mv "$tmp/c2" "$tmp/cmds"
	echo "(Miller left out: $events events; MILLER=1 to run it)"
fi

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

echo "events: $events of $users users, gzipped JSON Lines $mb MB ($raw MB unpacked); median of $runs runs"
printf '%-16s %9s %9s %11s %12s\n' tool seconds gz_MB/s unpacked_MB/s max_rss_MB
while IFS='|' read -r name cmd; do
	: >"$tmp/times"
	rss=0
	for r in $(seq "$runs"); do
		/usr/bin/time -f '%e %M' -o "$tmp/t" sh -c "$cmd" sh "$log" \
		    <&3 >"$tmp/out.$name" 2>/dev/null || true
		read -r sec kb <"$tmp/t"
		echo "$sec" >>"$tmp/times"
		[ "$kb" -gt "$rss" ] && rss=$kb
	done
	sec=$(median <"$tmp/times")
	printf '%-16s %9s %9.1f %11.1f %12d\n' "$name" "$sec" \
	    "$(echo "$mb $sec" | awk '{ print ($2 > 0 ? $1 / $2 : 0) }')" \
	    "$(echo "$raw $sec" | awk '{ print ($2 > 0 ? $1 / $2 : 0) }')" \
	    $((rss / 1024))
done 3</dev/null <"$tmp/cmds"

# The DAU of mau against the awk pipeline's.
tail -n +2 "$tmp/out.mau --by day" | cut -d, -f1,3 >"$tmp/a"
awk '{ print $2 "," $1 }' "$tmp/out.awk-sort" >"$tmp/b"
if cmp -s "$tmp/a" "$tmp/b"; then
	echo "DAU: mau and awk-sort agree on all $(wc -l <"$tmp/a") days"
else
	echo "DAU: mau and awk-sort DIFFER"
fi

[ "$hll_users" -gt 0 ] || exit 0
# Streams of hll_users distinct ids ("sK-userN"), so the true count is
# known; the exact count is run once, for its time and memory.
gen_users() {
	mawk -v n="$hll_users" -v k="$1" 'BEGIN { print "user,time"
		for (i = 0; i < n; i++) print "s" k "-user" i ",2024-01-01" }'
}
exact=$(gen_users 1 | /usr/bin/time -f '%e %M' -o "$tmp/te" "$mau" -u user -t time --by day | tail -n 1 | cut -d, -f3)
read -r es ek <"$tmp/te"
echo "exact on $hll_users distinct users: $exact ($es s, $((ek / 1024)) MB)"
for k in 1 2 3 4 5; do
	approx=$(gen_users "$k" | /usr/bin/time -f '%e %M' -o "$tmp/ta" "$mau" -u user -t time --by day --approx | tail -n 1 | cut -d, -f3)
	read -r as ak <"$tmp/ta"
	echo "$k $hll_users $approx $as $ak"
done | awk '{
	e = ($3 - $2) / $2; s += e * e
	printf "--approx, stream %d: %d (%.1f s, %d MB): relative error %+.3f%%\n", $1, $3, $4, $5 / 1024, 100 * e }
	END { printf "root mean square error over %d streams: %.3f%% (standard error 0.8125%%)\n", NR, 100 * sqrt(s / NR) }'
