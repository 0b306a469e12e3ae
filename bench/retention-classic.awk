# The classic monthly cohort table of an event log (customer,time,...
# with ISO 8601 UTC times), as a peer for bench/retention.sh: per
# cohort (month of the first event) and offset, the customers active in
# that month.  Rows with an empty id or a time that does not start with a
# date are skipped.  Prints cohort,offset,active,retention_pct, unsorted.
BEGIN { FS = "," }
NR == 1 { next }
$1 == "" || $2 !~ /^[0-9][0-9][0-9][0-9]-[0-9][0-9]-/ { next }
{
	m = substr($2, 1, 4) * 12 + substr($2, 6, 2) - 1
	if (!($1 in first) || m < first[$1])
		first[$1] = m
	act[$1 SUBSEP m] = 1
}
END {
	for (id in first)
		size[first[id]]++
	for (k in act) {
		split(k, p, SUBSEP)
		c = first[p[1]]
		n[c SUBSEP (p[2] - c)]++
	}
	for (k in n) {
		split(k, p, SUBSEP)
		printf "%04d-%02d,%d,%d,%.6f\n", int(p[1] / 12), p[1] % 12 + 1, \
		    p[2], n[k], 100 * n[k] / size[p[1]]
	}
}
