#!/bin/sh
# The out-of-memory sweep: runs each program of BUILD_DIR/oom/ on a small
# input once to count its allocations, then once per allocation with
# that one failing (tests/oom/oom.c).  Every run must either succeed with
# the normal output or exit 1 saying "out of memory"; a crash, a
# sanitizer report (ASan build: leaks too) or any other outcome fails.
#
#   tests/oom/run.sh BUILD_DIR
build=${1:-build-oom}
export LC_ALL=C.UTF-8 TZ=UTC
export ASAN_OPTIONS=exitcode=86:detect_leaks=1:abort_on_error=0
export LSAN_OPTIONS=exitcode=87
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
runs=0
bad=0
sites=0

sweep() {
	name=$1
	shift
	VOC_OOM_COUNT=$tmp/count "$@" >"$tmp/want" 2>"$tmp/want.err"
	st=$?
	read -r total nsite <"$tmp/count"
	if [ $st -ne 0 ]; then
		echo "oom $name: fails without injection (status $st)"
		cat "$tmp/want.err"
		bad=$((bad + 1))
		return
	fi
	n=1
	nbad=0
	while [ $n -le "$total" ]; do
		VOC_OOM_FAIL=$n "$@" >"$tmp/out" 2>"$tmp/err"
		st=$?
		runs=$((runs + 1))
		ok=0
		if [ $st -eq 0 ] && cmp -s "$tmp/out" "$tmp/want"; then
			ok=1
		elif [ $st -eq 1 ] && grep -q "out of memory" "$tmp/err"; then
			ok=1
		fi
		if [ $ok = 0 ]; then
			nbad=$((nbad + 1))
			if [ $nbad -le 3 ]; then
				echo "oom $name: allocation $n: status $st"
				head -n 12 "$tmp/err" | sed 's/^/  /'
			fi
		fi
		n=$((n + 1))
	done
	bad=$((bad + nbad))
	sites=$((sites + nsite))
	echo "oom $name: $total allocations from $nsite call sites, $nbad bad"
}

sweep nps-score "$build/oom/nps-score" -s score -g segment -w weight \
	testdata/survey.csv
sweep nps-score-jsonl "$build/oom/nps-score" -s answer.score \
	-g meta.team -t at --by month -o table testdata/survey.jsonl
sweep csat-agg "$build/oom/csat-agg" -s effort --scale 1-7 -g channel \
	-w weight --dist --compare overall testdata/ces.csv
"$build/oom/nps-score" -s score -g segment -t submitted --by month \
	--state-out "$tmp/state" testdata/survey.csv 2>/dev/null
sweep nps-score-merge "$build/oom/nps-score" -s score -g segment \
	-t submitted --by month --compare previous --merge "$tmp/state"
sweep csat-agg-cp932 "$build/oom/csat-agg" -s 1 --encoding cp932 \
	--no-header -o jsonl testdata/cp932.csv
# Answer words, whose per-group counts are made at a group's first word,
# read and merged from states.
sweep csat-agg-words "$build/oom/csat-agg" -s rating -g team --total \
	--compare overall testdata/labels.csv
"$build/oom/csat-agg" -s rating -g team --state-out "$tmp/words.st" \
	testdata/labels.csv 2>/dev/null
sweep csat-agg-words-merge "$build/oom/csat-agg" -s rating -g team --total \
	--merge "$tmp/words.st"
sweep retention "$build/oom/retention" -u customer -t time \
	testdata/retention/events.csv
# 20,000 groups: rows stepped in batches (from 4096 keys), entries past
# the first chunk on 2 MB pages.
awk 'BEGIN { print "id,segment,score"; for (i = 1; i <= 24000; i++)
	printf "%d,g%d,%d\n", i, i % 20000, i % 11 }' >"$tmp/groups.csv"
sweep nps-score-groups "$build/oom/nps-score" -j 1 -s score -g segment \
	"$tmp/groups.csv"
# The same with two threads: 20,000 rows out are written in two halves
# at once (the input is too small to be read in parts).
sweep nps-score-halves "$build/oom/nps-score" -j 2 -s score -g segment \
	--compare overall "$tmp/groups.csv"
echo "oom: $runs runs, $sites call sites (summed over programs), $bad bad"
[ $bad -eq 0 ]
