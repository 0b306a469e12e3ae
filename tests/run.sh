#!/bin/sh
# Runs every test and prints one closing line "N passed, N failed".
#
#   tests/run.sh BUILD_DIR
#
# 1. Unit test programs BUILD_DIR/tests/test_* (each prints "NAME: N checks
#    passed, N failed"; each program counts as one test per check).
# 2. CLI golden cases tests/cli/PROG/CASE/: `cmd` is a shell line run from
#    the project root with the built programs first on PATH and standard
#    input from /dev/null; its standard output, standard error and exit
#    status must equal the files `stdout`, `stderr` and `status`.
#    UPDATE=1 rewrites those files instead (review the diff).
# 3. The EXAMPLES of every man/*.1 page: each literal display whose first
#    line starts with "$ " is run, and its other lines are the expected
#    standard output.
build=${1:-build}
root=$(pwd)
export PATH="$root/$build:$PATH" LC_ALL=C.UTF-8 TZ=UTC
passed=0
failed=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for t in "$build"/tests/test_*; do
	[ -x "$t" ] || continue
	out=$("$t" 2>"$tmp/err")
	st=$?
	p=$(printf '%s\n' "$out" | sed -n 's/.*: \([0-9]*\) checks passed, \([0-9]*\) failed$/\1/p')
	f=$(printf '%s\n' "$out" | sed -n 's/.*: \([0-9]*\) checks passed, \([0-9]*\) failed$/\2/p')
	if [ -z "$p" ]; then
		p=0
		f=1
		echo "FAIL $t: crashed or printed no tally (status $st)"
	fi
	[ "$f" -gt 0 ] && sed 's/^/  /' "$tmp/err"
	echo "$out"
	passed=$((passed + p))
	failed=$((failed + f))
done

for dir in tests/cli/*/*/; do
	[ -f "$dir/cmd" ] || continue
	name=${dir#tests/cli/}
	name=${name%/}
	(sh -c "$(cat "$dir/cmd")" >"$tmp/out" 2>"$tmp/err" </dev/null)
	echo $? >"$tmp/status"
	if [ -n "$UPDATE" ]; then
		cp "$tmp/out" "$dir/stdout"
		cp "$tmp/err" "$dir/stderr"
		cp "$tmp/status" "$dir/status"
	fi
	ok=1
	for f in stdout stderr status; do
		src=out
		[ $f = stderr ] && src=err
		[ $f = status ] && src=status
		if ! cmp -s "$tmp/$src" "$dir/$f"; then
			ok=0
			echo "FAIL cli $name: $f differs"
			diff "$dir/$f" "$tmp/$src" | head -n 20 | sed 's/^/  /'
		fi
	done
	if [ $ok = 1 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
done
echo "cli: golden cases done"

for page in man/*.1; do
	awk -v dir="$tmp/ex" -v page="$page" '
		/^\.Sh / { ex = ($2 == "EXAMPLES") }
		ex && /^\.Bd -literal/ { inb = 1; n++; f = dir "." n; next }
		inb && /^\.Ed/ { inb = 0; close(f); next }
		inb {
			line = $0
			gsub(/\\e/, "\\", line)
			gsub(/\\&/, "", line)
			print line > f
		}
	' "$page"
	for ex in "$tmp"/ex.*; do
		[ -f "$ex" ] || continue
		first=$(head -n 1 "$ex")
		case $first in
		'$ '*) ;;
		*) rm -f "$ex"; continue ;;
		esac
		tail -n +2 "$ex" >"$tmp/want"
		(sh -c "${first#\$ }" >"$tmp/got" 2>"$tmp/err" </dev/null)
		if cmp -s "$tmp/want" "$tmp/got"; then
			passed=$((passed + 1))
		else
			failed=$((failed + 1))
			echo "FAIL $page example: ${first#\$ }"
			diff "$tmp/want" "$tmp/got" | head -n 20 | sed 's/^/  /'
		fi
		rm -f "$ex"
	done
done
echo "man: examples done"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
