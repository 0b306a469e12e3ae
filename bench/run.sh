#!/bin/sh
# Times vockit against its peers on the same generated exports, in one run.
#
#   bench/run.sh BUILD_DIR        (make bench does this)
#
# Environment: ROWS (default 5000000), RUNS (default 3), CASES (a space-
# separated list of case names to run; default all).  Data is made by
# bench/gen (seeded, so every run reads the same bytes) into bench/data/.
#
# Every command computes the per-segment NPS inputs (answers, promoters,
# detractors) of the same file; the csat cases the per-segment CSAT inputs.
# Before a peer's time is printed, its promoters for one segment are
# checked against vockit's (a peer that counts differently is a wrong
# answer, not a fast one).  A case's commands take turns, one run each
# in every round.  Printed per command: the median wall time of
# RUNS runs, the median CPU time (user + system: less noisy on a shared
# machine), MB/s, the ratio to the vockit command of its case (above 1:
# slower than vockit) and the largest resident memory.
#
# Cases: csv (5M rows, 60 % of rows with a quoted comment; with the
# ceilings cat and wc -l, which compute nothing and are not checked),
# unquoted (the same without comments), groups100 and groups (100 and
# 100,000 segments; with 1 group: a file of the same shape whose segment
# is one value, and the 100,000-segment file read with no -g), month
# (-t --by month), gzip, pipe (with the floor cat | cat: what the pipe
# alone costs the two cores), jsonl (ROWS / 5 JSON Lines), csat.
set -e
build=${1:-build}
rows=${ROWS:-5000000}
runs=${RUNS:-3}
cases=${CASES:-"csv unquoted groups100 groups month gzip pipe jsonl csat"}
data=bench/data
mkdir -p "$data"
gen="$build/gen"
csv=$data/survey-v2-$rows.csv
unq=$data/survey-v2-unquoted-$rows.csv
grp=$data/survey-v3-groups-$rows.csv
grp100=$data/survey-v3-groups100-$rows.csv
grp1=$data/survey-v3-groups1-$rows.csv
gz=$csv.gz
jsonl=$data/survey-v2-$((rows / 5)).jsonl
nps="$build/nps-score"
csat="$build/csat-agg"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

want() { case " $cases " in *" $1 "*) return 0 ;; esac; return 1; }
[ -s "$csv" ] || "$gen" "$rows" >"$csv"
if want unquoted && [ ! -s "$unq" ]; then "$gen" -U "$rows" >"$unq"; fi
if want groups && [ ! -s "$grp" ]; then "$gen" -G 100000 "$rows" >"$grp"; fi
if want groups && [ ! -s "$grp1" ]; then "$gen" -G 1 "$rows" >"$grp1"; fi
if want groups100 && [ ! -s "$grp100" ]; then "$gen" -G 100 "$rows" >"$grp100"; fi
if want gzip && [ ! -s "$gz" ]; then gzip -c "$csv" >"$gz"; fi
if want jsonl && [ ! -s "$jsonl" ]; then "$gen" -j $((rows / 5)) >"$jsonl"; fi

# Promoters, detractors and answers per segment (column 3), score column 5.
mawk_nps='NR > 1 && $5 != "" { n[$3]++; if ($5 >= 9) p[$3]++; else if ($5 <= 6) d[$3]++ } END { for (s in n) printf "%s,%d,%d,%d\n", s, n[s], p[s] + 0, d[s] + 0 }'
mawk_month='NR > 1 && $5 != "" { k = $3 "," substr($2, 1, 7); n[k]++; if ($5 >= 9) p[k]++; else if ($5 <= 6) d[k]++ } END { for (s in n) printf "%s,%d,%d,%d\n", s, n[s], p[s] + 0, d[s] + 0 }'
mawk_csat='NR > 1 && $6 != "" { n[$3]++; s[$3] += $6; if ($6 >= 4) t[$3]++; if ($6 <= 2) b[$3]++ } END { for (g in n) printf "%s,%d,%.2f,%d,%d\n", g, n[g], s[g] / n[g], t[g], b[g] }'
mlr_nps="filter 'is_not_empty(\$score)' then put '\$p = \$score >= 9 ? 1 : 0; \$d = \$score <= 6 ? 1 : 0' then stats1 -a count,sum -f p,d -g segment"
# JSON: a null score is no answer (is_not_null; is_not_empty lets null in).
mlr_jnps="filter 'is_not_null(\$score) && is_not_empty(\$score)' then put '\$p = \$score >= 9 ? 1 : 0; \$d = \$score <= 6 ? 1 : 0' then stats1 -a count,sum -f p,d -g segment"
sql_nps="select segment, count(*), sum(cast(score as integer) >= 9), sum(cast(score as integer) <= 6) from t where score <> '' group by segment"
jq_nps='select(.score != null) | [.segment, (if .score >= 9 then 1 else 0 end)] | @csv'

# case, name, file and command, tab-separated ($1 is the file); the first
# command of a case is
# vockit's, the reference of the case's ratios.
cat >"$tmp/cmds" <<CMDS
csv	nps-score	$csv	$nps -s score -g segment "\$1"
csv	nps-score -j 1	$csv	$nps -j 1 -s score -g segment "\$1"
csv	ceiling: cat	$csv	cat "\$1" >/dev/null
csv	ceiling: wc -l	$csv	wc -l "\$1"
csv	mawk	$csv	mawk -F, '$mawk_nps' "\$1"
csv	gawk	$csv	gawk -F, '$mawk_nps' "\$1"
csv	datamash -s	$csv	datamash -t, --header-in -s -g 3,5 count 5 <"\$1"
csv	sort | datamash	$csv	tail -n +2 "\$1" | LC_ALL=C sort -t, -k3,3 -k5,5 | datamash -t, -g 3,5 count 5
csv	Miller	$csv	mlr --icsv --ocsv $mlr_nps "\$1"
csv	sqlite3	$csv	sqlite3 :memory: -cmd ".import --csv '\$1' t" "$sql_nps"
unquoted	nps-score	$unq	$nps -s score -g segment "\$1"
unquoted	nps-score -j 1	$unq	$nps -j 1 -s score -g segment "\$1"
unquoted	mawk	$unq	mawk -F, '$mawk_nps' "\$1"
groups100	nps-score	$grp100	$nps -s score -g segment "\$1"
groups100	nps-score -j 1	$grp100	$nps -j 1 -s score -g segment "\$1"
groups100	mawk	$grp100	mawk -F, '$mawk_nps' "\$1"
groups	nps-score	$grp	$nps -s score -g segment "\$1"
groups	nps-score -j 1	$grp	$nps -j 1 -s score -g segment "\$1"
groups	1 group: -G 1 file	$grp1	$nps -s score -g segment "\$1"
groups	1 group: -G 1 file, -j 1	$grp1	$nps -j 1 -s score -g segment "\$1"
groups	1 group: no -g	$grp	$nps -s score "\$1"
groups	1 group: no -g, -j 1	$grp	$nps -j 1 -s score "\$1"
groups	mawk	$grp	mawk -F, '$mawk_nps' "\$1"
groups	gawk	$grp	gawk -F, '$mawk_nps' "\$1"
month	nps-score	$csv	$nps -s score -g segment -t submitted_at --by month "\$1"
month	mawk	$csv	mawk -F, '$mawk_month' "\$1"
gzip	nps-score	$gz	$nps -s score -g segment "\$1"
gzip	zcat | mawk	$gz	zcat "\$1" | mawk -F, '$mawk_nps'
gzip	pigz -dc | mawk	$gz	pigz -dc "\$1" | mawk -F, '$mawk_nps'
gzip	igzip -dc | mawk	$gz	igzip -dc "\$1" | mawk -F, '$mawk_nps'
gzip	zcat | nps-score	$gz	zcat "\$1" | $nps -s score -g segment
pipe	cat | nps-score	$csv	cat "\$1" | $nps -s score -g segment
pipe	nps-score FILE	$csv	$nps -s score -g segment "\$1"
pipe	cat | nps-score -j 1	$csv	cat "\$1" | $nps -j 1 -s score -g segment
pipe	nps-score -j 1 FILE	$csv	$nps -j 1 -s score -g segment "\$1"
pipe	floor: cat | cat	$csv	cat "\$1" | cat >/dev/null
jsonl	nps-score	$jsonl	$nps -s score -g segment "\$1"
jsonl	Miller	$jsonl	mlr --ijsonl --ocsv $mlr_jnps "\$1"
jsonl	jq	$jsonl	jq -r '$jq_nps' "\$1" | mawk -F, '{ n[\$1]++; p[\$1] += \$2 } END { for (s in n) printf "%s,%d,%d\\n", s, n[s], p[s] }'
csat	csat-agg	$csv	$csat -s csat -g segment "\$1"
csat	mawk	$csv	mawk -F, '$mawk_csat' "\$1"
csat	datamash -s	$csv	datamash -t, --header-in -s -g 3,6 count 6 <"\$1"
csat	gawk	$csv	gawk -F, '$mawk_csat' "\$1"
CMDS

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# The promoters of segment seg in a tool's output, by the tool's layout.
promoters() {
	out=$1 name=$2 seg=$3
	case $name in
	nps-score*|cat*|zcat\ \|\ nps*) grep "^$seg," "$out" | head -n 1 | cut -d, -f3 ;;
	mawk|gawk|zcat\ \|\ mawk|pigz*|igzip*) grep "^$seg," "$out" | head -n 1 | cut -d, -f3 ;;
	Miller) grep "^$seg," "$out" | cut -d, -f3 ;;
	sqlite3) grep "^$seg|" "$out" | cut -d'|' -f3 ;;
	jq) grep "^\"$seg\"," "$out" | cut -d, -f3 ;;
	datamash*|sort*) grep "^$seg," "$out" | awk -F, '$2 >= 9 { p += $3 } END { print p }' ;;
	*) echo "?" ;;
	esac
}

echo "rows: $rows ($(du -m "$csv" | cut -f1) MB of CSV); median of $runs runs; $(nproc) cores"
printf '%-9s %-18s %8s %8s %8s %9s %9s\n' case tool wall_s cpu_s MB/s vs_vockit max_rss_MB
status=0
ref=""
tab=$(printf '\t')
# Each case's commands take turns, run after run (round robin): a slow
# spell of a shared machine then falls on every command of the case
# alike, not on the one that happened to run in it, and the ratios of
# medians compare the same stretch of time.
run_case() {
	k=0
	while IFS=$tab read -r case name file cmd; do
		k=$((k + 1))
		[ -e "$tmp/skip.$k" ] && continue
		# Wall time in nanoseconds (time's %e counts hundredths,
		# too coarse for the ratio of two short runs).
		t0=$(date +%s%N)
		/usr/bin/time -f '%e %U %S %M' -o "$tmp/tm" sh -c "$cmd" sh \
		    "$file" >"$tmp/out.$k" 2>"$tmp/err" </dev/null || true
		t1=$(date +%s%N)
		read -r e u s m <"$tmp/tm" || true
		echo "$t0 $t1" | awk '{ printf "%.4f\n", ($2 - $1) / 1e9 }' \
		    >>"$tmp/t.$k"
		echo "$u $s" | awk '{ print $1 + $2 }' >>"$tmp/c.$k"
		echo "$m" >>"$tmp/m.$k"
	done <"$tmp/case"
}

for case in $(cut -f1 "$tmp/cmds" | uniq); do
	want "$case" || continue
	awk -F'\t' -v c="$case" '$1 == c' "$tmp/cmds" >"$tmp/case"
	rm -f "$tmp"/t.* "$tmp"/c.* "$tmp"/m.* "$tmp"/out.* "$tmp"/skip.*
	k=0
	while IFS=$tab read -r case name file cmd; do
		k=$((k + 1))
		tool=${cmd%% *}
		command -v "${tool}" >/dev/null 2>&1 || : >"$tmp/skip.$k"
	done <"$tmp/case"
	i=0
	while [ $i -lt "$runs" ]; do
		run_case
		i=$((i + 1))
	done
	k=0
	while IFS=$tab read -r case name file cmd; do
		k=$((k + 1))
		if [ -e "$tmp/skip.$k" ]; then
			printf '%-9s %-18s (not installed)\n' "$case" "$name"
			continue
		fi
		t=$(median <"$tmp/t.$k")
		cpu=$(median <"$tmp/c.$k")
		m=$(sort -n "$tmp/m.$k" | tail -n 1)
		mb=$(du -m "$file" | cut -f1)
		if [ $k = 1 ]; then
			ref=$t
			cp "$tmp/out.$k" "$tmp/ref"
			refname=$name
		fi
		seg=enterprise
		[ "$case" = groups ] || [ "$case" = groups100 ] && seg=g00017
		# Ceilings and floors compute nothing; "1 group" has no
		# segments.
		case $name in ceiling*|floor*|"1 group"*) check=0 ;;
		*) check=1 ;; esac
		if [ "$case" != csat ] && [ "$case" != month ] &&
		    [ $check = 1 ]; then
			a=$(promoters "$tmp/ref" "$refname" "$seg")
			b=$(promoters "$tmp/out.$k" "$name" "$seg")
			if [ "$a" != "$b" ]; then
				echo "WRONG: $case $name: $seg promoters $b," \
				    "vockit $a"
				status=1
				continue
			fi
		fi
		echo "$case$tab$name$tab$t" >>"$tmp/walls"
		awk -v c="$case" -v n="$name" -v t="$t" -v cpu="$cpu" \
		    -v mb="$mb" -v ref="$ref" -v m="$m" 'BEGIN {
			printf "%-9s %-18s %8.3f %8.2f %8.0f %9.2f %9.1f\n",
			    c, n, t, cpu, mb / (t > 0 ? t : 0.01),
			    t / (ref > 0 ? ref : 0.01), m / 1024 }'
	done <"$tmp/case"
done

# Many groups against one (the aim: within 1.5 times): from the walls
# above, and from pairs run back to back (1 group, then 100,000), the
# median of their ratios, which a slow spell of a shared machine moves
# less than it moves medians taken minutes apart.
ns() { date +%s%N; }
if want groups; then
	awk -F'\t' '$1 == "groups" { t[$2] = $3 } END {
		a = t["1 group: -G 1 file"]; b = t["1 group: -G 1 file, -j 1"]
		if (a > 0 && b > 0)
		printf "groups: 100,000 groups take x%.2f the time of 1 group" \
		    " with both cores, x%.2f with -j 1\n",
		    t["nps-score"] / a, t["nps-score -j 1"] / b }' \
	    "$tmp/walls"
	for j in "" "-j 1"; do
		# The cases since may have pushed the two files out of the
		# page cache (a machine that keeps little of it): read from
		# the disk, one side of a pair would wait on it.
		cat "$grp1" "$grp" "$grp1" "$grp" >/dev/null
		: >"$tmp/pairs"
		i=0
		while [ $i -lt "$runs" ]; do
			a=$(ns)
			$nps $j -s score -g segment "$grp1" >/dev/null
			b=$(ns)
			$nps $j -s score -g segment "$grp" >/dev/null
			c=$(ns)
			echo "$a $b $c" >>"$tmp/pairs"
			i=$((i + 1))
		done
		awk -v j="${j:-both cores}" '{ r[NR] = ($3 - $2) / ($2 - $1) }
		    END { n = NR; for (i = 1; i <= n; i++) for (k = i + 1;
		    k <= n; k++) if (r[k] < r[i]) { x = r[i]; r[i] = r[k];
		    r[k] = x }
		    printf "groups: %d pairs back to back, %s: median x%.2f" \
		    " (from x%.2f to x%.2f)\n", n, j, r[int((n + 1) / 2)],
		    r[1], r[n] }' "$tmp/pairs"
	done
fi

# Memory must not grow with rows: a tenth of the rows, same peak.
if want csv; then
	small=$data/survey-v2-$((rows / 10)).csv
	[ -s "$small" ] || "$gen" $((rows / 10)) >"$small"
	/usr/bin/time -f '%M' -o "$tmp/m1" "$nps" -j 1 -s score -g segment \
	    "$small" >/dev/null
	/usr/bin/time -f '%M' -o "$tmp/m2" "$nps" -j 1 -s score -g segment \
	    "$csv" >/dev/null
	echo "memory (-j 1): $((rows / 10)) rows $(($(cat "$tmp/m1") / 1024)) MB," \
	    "$rows rows $(($(cat "$tmp/m2") / 1024)) MB"
	# One thread and two give the same bytes.
	"$nps" -j 1 -s score -g segment -t submitted_at --by week "$csv" \
	    >"$tmp/j1"
	"$nps" -j 2 -s score -g segment -t submitted_at --by week "$csv" \
	    >"$tmp/j2"
	if cmp -s "$tmp/j1" "$tmp/j2"; then
		echo "threads: -j 1 and -j 2 give the same output"
	else
		echo "threads: -j 1 and -j 2 DIFFER"
		status=1
	fi
fi
exit $status
