#!/bin/sh
# Times vockit against its peers on the same generated export, in one run.
#
#   bench/run.sh BUILD_DIR        (make bench does this)
#
# Environment: ROWS (default 5000000), RUNS (default 3).  Data is made by
# bench/gen (seeded, so every run reads the same bytes) into bench/data/.
# Each command computes, per segment, what nps-score -g segment needs, and
# then what csat-agg -g segment needs (answers, mean, top-2 and bottom-2
# boxes of the 1-5 csat column) in the same way:
#   vockit    nps-score -s score -g segment
#   mawk      promoters, detractors and answers per segment in one pass
#             (splits on commas: right here only because the quoted
#             comment is the last column)
#   datamash  -s -g segment,score count: the score histogram per segment,
#             from which the NPS follows (datamash cannot count
#             conditionally, and needs sorted input)
#   Miller    put + stats1: promoters and detractors summed per segment
# The median wall time of RUNS runs is reported, with MB/s, the ratio to
# vockit (above 1: slower than vockit) and the largest resident memory.
set -e
build=${1:-build}
rows=${ROWS:-5000000}
runs=${RUNS:-3}
data=bench/data
mkdir -p "$data"
csv=$data/survey-v2-$rows.csv
jsonl=$data/survey-v2-$((rows / 5)).jsonl
[ -s "$csv" ] || "$build/gen" "$rows" >"$csv"
[ -s "$jsonl" ] || "$build/gen" -j $((rows / 5)) >"$jsonl"
nps="$build/nps-score"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# One line: the command table below is one command a line.
mawk_prog='NR > 1 && $5 != "" { n[$3]++; if ($5 >= 9) p[$3]++; else if ($5 <= 6) d[$3]++ } END { for (s in n) printf "%s,%d,%d,%d,%.2f\n", s, n[s], p[s], d[s], 100 * (p[s] - d[s]) / n[s] }'

csat_mawk='NR > 1 && $6 != "" { n[$3]++; s[$3] += $6; if ($6 >= 4) t[$3]++; if ($6 <= 2) b[$3]++ } END { for (g in n) printf "%s,%d,%.2f,%d,%d\n", g, n[g], s[g] / n[g], t[g], b[g] }'
csat="$build/csat-agg"

# name, input file, command (the file is $1 inside it)
cat >"$tmp/cmds" <<CMDS
vockit|$csv|$nps -s score -g segment "\$1"
mawk|$csv|mawk -F, '$mawk_prog' "\$1"
datamash|$csv|datamash -t, --header-in -s -g 3,5 count 5 <"\$1"
Miller|$csv|mlr --icsv --ocsv filter 'is_not_empty(\$score)' then put '\$p = \$score >= 9 ? 1 : 0; \$d = \$score <= 6 ? 1 : 0' then stats1 -a count,sum -f p,d -g segment "\$1"
csat-agg|$csv|$csat -s csat -g segment "\$1"
csat-mawk|$csv|mawk -F, '$csat_mawk' "\$1"
csat-datamash|$csv|datamash -t, --header-in -s -g 3,6 count 6 <"\$1"
csat-Miller|$csv|mlr --icsv --ocsv filter 'is_not_empty(\$csat)' then put '\$t = \$csat >= 4 ? 1 : 0; \$b = \$csat <= 2 ? 1 : 0' then stats1 -a count,mean,sum -f csat,t,b -g segment "\$1"
vockit-jsonl|$jsonl|$nps -s score -g segment "\$1"
Miller-jsonl|$jsonl|mlr --ijsonl --ocsv filter 'is_not_empty(\$score)' then put '\$p = \$score >= 9 ? 1 : 0; \$d = \$score <= 6 ? 1 : 0' then stats1 -a count,sum -f p,d -g segment "\$1"
CMDS

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

echo "rows: $rows CSV ($(du -m "$csv" | cut -f1) MB), $((rows / 5)) JSON Lines; median of $runs runs"
printf '%-14s %9s %9s %10s %12s\n' tool seconds MB/s vs_vockit max_rss_MB
base=""
base_csat=""
base_jsonl=""
while IFS='|' read -r name file cmd; do
	command -v "${cmd%% *}" >/dev/null 2>&1 || {
		printf '%-14s (not installed)\n' "$name"; continue; }
	: >"$tmp/t"
	: >"$tmp/m"
	i=0
	while [ $i -lt "$runs" ]; do
		/usr/bin/time -f '%e %M' -o "$tmp/tm" sh -c "$cmd" sh "$file" \
		    >"$tmp/out.$name" 2>"$tmp/err" </dev/null
		cut -d' ' -f1 "$tmp/tm" >>"$tmp/t"
		cut -d' ' -f2 "$tmp/tm" >>"$tmp/m"
		i=$((i + 1))
	done
	t=$(median <"$tmp/t")
	m=$(sort -n "$tmp/m" | tail -n 1)
	mb=$(du -m "$file" | cut -f1)
	case $name in
	vockit) base=$t ;;
	csat-agg) base_csat=$t ;;
	vockit-jsonl) base_jsonl=$t ;;
	esac
	ref=$base
	case $name in
	*jsonl) ref=$base_jsonl ;;
	csat-*) ref=$base_csat ;;
	esac
	awk -v n="$name" -v t="$t" -v mb="$mb" -v ref="$ref" -v m="$m" 'BEGIN {
		printf "%-14s %9.2f %9.0f %10.2f %12.1f\n", n, t, mb / (t > 0 ? t : 0.01),
		    t / (ref > 0 ? ref : 0.01), m / 1024 }'
done <"$tmp/cmds"

# The tools must agree: promoters of the enterprise segment.
v=$(grep '^enterprise,' "$tmp/out.vockit" | cut -d, -f3)
a=$(grep '^enterprise,' "$tmp/out.mawk" | cut -d, -f3)
echo "check: enterprise promoters vockit=$v mawk=$a"
[ "$v" = "$a" ]
v=$(grep '^enterprise,' "$tmp/out.csat-agg" | cut -d, -f5)
a=$(grep '^enterprise,' "$tmp/out.csat-mawk" | cut -d, -f4)
echo "check: enterprise csat top-2 box csat-agg=$v mawk=$a"
[ "$v" = "$a" ]

# Memory must not grow with rows: a tenth of the rows, same peak.
small=$data/survey-v2-$((rows / 10)).csv
[ -s "$small" ] || "$build/gen" $((rows / 10)) >"$small"
/usr/bin/time -f '%M' -o "$tmp/m1" "$nps" -s score -g segment "$small" >/dev/null
/usr/bin/time -f '%M' -o "$tmp/m2" "$nps" -s score -g segment "$csv" >/dev/null
echo "memory: $((rows / 10)) rows $(($(cat "$tmp/m1") / 1024)) MB, $rows rows $(($(cat "$tmp/m2") / 1024)) MB"
