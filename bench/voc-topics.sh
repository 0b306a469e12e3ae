#!/bin/sh
# Speed of voc-topics: a seeded generator of synthetic survey comments,
# then the sampler's tokens per second per core and the end-to-end time.
#
#   bench/voc-topics.sh BUILD_DIR
#
# Environment: ROWS (default 100000), K (default 20), ITER (default 1000),
# METHOD (default lda).  The generator (awk, srand(42), so every run reads
# the same bytes) writes id,score,comment: each comment mixes words of one
# or two of 20 themes of 12 words each with words common to all, 4 to 24
# words long; themes 0-4 lean to low scores.  No peer is timed: gensim's
# LdaModel and the Python GSDMM are not installed here; their published
# speeds are in other units (documents per second with variational Bayes).
set -e
build=${1:-build}
rows=${ROWS:-100000}
k=${K:-20}
iter=${ITER:-1000}
method=${METHOD:-lda}
data=bench/data
mkdir -p "$data"
csv=$data/comments-$rows.csv
[ -s "$csv" ] || awk -v rows="$rows" 'BEGIN {
	srand(42)
	split("staff wait queue rude slow manager refund broken late " \
	    "delivery parcel driver", w0, " ")
	common = "good bad really very service product experience time " \
	    "thing overall quite bit"
	nc = split(common, cw, " ")
	for (t = 0; t < 20; t++)
		for (j = 1; j <= 12; j++)
			word[t, j] = sprintf("w%02d%s", t, substr("abcdefghijkl", j, 1))
	print "id,score,comment"
	for (i = 1; i <= rows; i++) {
		t1 = int(rand() * 20); t2 = int(rand() * 20)
		n = 4 + int(rand() * 21)
		s = ""
		for (j = 0; j < n; j++) {
			r = rand()
			if (r < 0.25) w = cw[1 + int(rand() * nc)]
			else if (r < 0.8) w = word[t1, 1 + int(rand() * 12)]
			else w = word[t2, 1 + int(rand() * 12)]
			s = s (j ? " " : "") w
		}
		score = t1 < 5 ? int(rand() * 7) : 5 + int(rand() * 6)
		printf "%d,%d,%s\n", i, score, s
	}
}' >"$csv"
tokens=$(awk -F, 'NR > 1 { n += split($3, a, " ") } END { print n }' "$csv")
echo "$rows comments, $tokens tokens, K=$k, $iter sweeps, $method"
start=$(date +%s.%N)
"$build/voc-topics" -c comment --id id -s score --no-phrases -j 1 \
    --topics "$k" --method "$method" --iterations "$iter" "$csv" \
    >"$data/topics.out"
end=$(date +%s.%N)
# A run with no sweeps measures everything but the sampler.
"$build/voc-topics" -c comment --id id -s score --no-phrases -j 1 \
    --topics "$k" --method "$method" --iterations 0 "$csv" >/dev/null
end0=$(date +%s.%N)
awk -v s="$start" -v e="$end" -v e0="$end0" -v tok="$tokens" -v it="$iter" \
    'BEGIN {
	total = e - s; base = e0 - e; samp = total - base
	printf "end to end %.2f s (reading, tokenising, coherence: %.2f s)\n",
	    total, base
	printf "sampler %.2f s: %.2f million tokens/s on one core\n", samp,
	    tok * it / samp / 1e6
}'
head -4 "$data/topics.out" | cut -c1-160
