#!/bin/sh
# Times ltv on a generated order log of CUSTOMERS customers (default
# 1,000,000; about 3 orders each), and mawk computing the per-customer
# summary alone as a floor: no peer that fits BG/NBD (Python lifetimes,
# R BTYD) is installed here, and mawk does not fit models.
#
#   bench/ltv.sh BUILD_DIR
#
# The log is made by mawk with a fixed seed into bench/data/: customers
# arrive uniformly over the first 13 weeks of 2024, buy at a rate drawn
# from an exponential distribution (mean 0.15 a week) and, after each
# purchase, drop out with a probability drawn uniformly from [0, 0.6]
# (the BG/NBD story); orders are watched for 78 weeks, and a few are
# refunds.  The calibration window is the first 39 weeks.  Printed: wall
# seconds and peak resident memory of each command.
set -e
build=${1:-build}
n=${CUSTOMERS:-1000000}
data=bench/data
mkdir -p "$data"
f=$data/orders-$n.csv
if [ ! -s "$f" ]; then
	mawk -v n="$n" 'BEGIN {
		srand(7)
		print "order_id,customer,ordered_at,amount"
		# 2024-01-01 as days since 1970
		base = 19723
		for (c = 1; c <= n; c++) {
			t = int(rand() * 91)
			lam = -log(1 - rand()) * 0.15 / 7
			p = rand() * 0.6
			spend = 10 + rand() * 60
			while (t < 546) {
				o++
				amt = spend * (0.5 + rand())
				if (rand() < 0.01)
					amt = -amt / 2
				d = base + t
				printf "%d,c%07d,%s,%.2f\n", o, c, day(d), amt
				if (rand() < p || lam <= 0)
					break
				t += int(-log(1 - rand()) / lam) + 1
			}
		}
	}
	function day(d,    z, era, doe, yoe, y, doy, mp, dd, mm) {
		z = d + 719468
		era = int(z / 146097)
		doe = z - era * 146097
		yoe = int((doe - int(doe / 1460) + int(doe / 36524) - \
		    int(doe / 146096)) / 365)
		y = yoe + era * 400
		doy = doe - (365 * yoe + int(yoe / 4) - int(yoe / 100))
		mp = int((5 * doy + 2) / 153)
		dd = doy - int((153 * mp + 2) / 5) + 1
		mm = mp < 10 ? mp + 3 : mp - 9
		if (mm <= 2)
			y++
		return sprintf("%04d-%02d-%02d", y, mm, dd)
	}' >"$f"
fi
rows=$(($(wc -l <"$f") - 1))
mb=$(($(wc -c <"$f") / 1000000))
echo "$f: $n customers, $rows orders, $mb MB"
ltv="$build/ltv -u customer -t ordered_at -a amount"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
run() {
	name=$1
	shift
	/usr/bin/time -f "%e %M" -o "$tmp/time" sh -c "$*" >"$tmp/out" ||
	    { echo "$name: failed"; cat "$tmp/out"; return; }
	read -r s kb <"$tmp/time"
	printf '%-34s %7.2f s %7d MB\n' "$name" "$s" $((kb / 1024))
}
cal="--calibration-end 2024-09-29"
run "ltv --rfm" "$ltv --rfm $cal '$f'"
run "ltv --model historical" "$ltv '$f'"
run "ltv --model simple" "$ltv --model simple '$f'"
run "ltv bgnbd --params (fit + GG)" "$ltv --model bgnbd $cal --params '$f'"
cp "$tmp/out" "$tmp/params"
run "ltv bgnbd per customer" "$ltv --model bgnbd $cal '$f'"
run "ltv bgnbd per customer, 6 dp" "$ltv --model bgnbd $cal --precision 6 '$f'"
# The Pareto/NBD fit has no analytic gradient: minutes on a million.
[ "$n" -le 100000 ] &&
    run "ltv pareto-nbd --params" "$ltv --model pareto-nbd $cal --params '$f'"
run "ltv --state-out" "$ltv --state-out '$tmp/state' '$f'"
run "ltv --merge bgnbd --params" "$ltv --model bgnbd $cal --params --merge '$tmp/state'"
run "ltv -j 1 bgnbd --params" "$ltv -j 1 --model bgnbd $cal --params '$f'"
run "mawk per-customer summary" "mawk -F, 'NR > 1 { if (!(\$2 in f)) f[\$2] = \$3; l[\$2] = \$3; s[\$2] += \$4; if (!((\$2, \$3) in seen)) { seen[\$2, \$3] = 1; k[\$2]++ } } END { for (c in f) printf \"%s,%s,%s,%d,%.2f\\n\", c, f[c], l[c], k[c], s[c] }' '$f'"
echo "BG/NBD and Gamma-Gamma fit:"
cat "$tmp/params"
