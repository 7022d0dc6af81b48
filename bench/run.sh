#!/usr/bin/env bash
# Measures replaytui's performance figures (the README quotes them):
#   1. replaytui state on a generated 1,000,000-event log, against jq;
#   2. opening a 1 GB log: first screen, full index, peak memory;
#   3. the replay library's benchmarks (Replay against a plain loop,
#      Timeline seeks).
# Medians of several runs; this machine is shared, so expect noise.
# Usage: bench/run.sh [--quick | --10g]
#   --quick skips the 1 GB log; --10g measures only opening a 10 GB log
#   (70,000,000 events, 1,000 streams: 8.8 GB, generated in the bench
#   directory and deleted afterwards; minutes to run).
set -euo pipefail
case "${1:-}" in
"" | --quick | --10g) ;;
*) echo "usage: bench/run.sh [--quick | --10g]" >&2; exit 2 ;;
esac
cd "$(dirname "$0")/.."
dir=${REPLAYTUI_BENCH_DIR:-/tmp/replaytui-bench}
mkdir -p "$dir"
go build -o "$dir/replaytui" .
go build -o "$dir/openbench" ./tools/openbench

if [ "${1:-}" = "--10g" ]; then
	log10g=$dir/10g.jsonl
	[ -f "$log10g" ] || go run ./tools/genlog -events 70000000 -streams 1000 -o "$log10g"
	echo "== opening a $(du -m "$log10g" | cut -f1) MB log"
	for _ in 1 2 3; do "$dir/openbench" "$log10g"; done
	rm -f "$log10g"
	exit 0
fi

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
seconds() { # run a command N times, print the median wall time
	local n=$1; shift
	for _ in $(seq "$n"); do
		/usr/bin/time -f "%e" "$@" 2>&1 >/dev/null | tail -1
	done | median
}

log1m=$dir/1m.jsonl
[ -f "$log1m" ] || go run ./tools/genlog -events 1000000 -o "$log1m"
echo "== final state of a 1,000,000-event log ($(du -m "$log1m" | cut -f1) MB), merge reducer"
ours=$(seconds 5 "$dir/replaytui" state "$log1m" --json)
echo "replaytui state: ${ours}s (median of 5)"
if command -v jq >/dev/null; then
	theirs=$(seconds 3 jq -n 'reduce inputs as $e ({}; . * $e.payload)' "$log1m")
	echo "jq -n 'reduce inputs as \$e ({}; . * \$e.payload)': ${theirs}s (median of 3)"
	awk -v a="$theirs" -v b="$ours" 'BEGIN { printf "replaytui is %.1fx faster than jq\n", a / b }'
	"$dir/replaytui" state "$log1m" --json | jq -S . >"$dir/ours.json"
	jq -n 'reduce inputs as $e ({}; . * $e.payload)' "$log1m" | jq -S . >"$dir/theirs.json"
	cmp -s "$dir/ours.json" "$dir/theirs.json" && echo "(same final state as jq)" || { echo "STATES DIFFER"; exit 1; }
else
	echo "jq is not installed: no baseline"
fi

if [ "${1:-}" != "--quick" ]; then
	log1g=$dir/1g.jsonl
	[ -f "$log1g" ] || go run ./tools/genlog -events 7000000 -streams 1000 -o "$log1g"
	echo "== opening a $(du -m "$log1g" | cut -f1) MB log"
	for _ in 1 2 3; do "$dir/openbench" "$log1g"; done
fi

echo "== replay library"
go test -run '^$' -bench . -count 3 ./replay/ | grep -E '^Benchmark'
