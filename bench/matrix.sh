#!/usr/bin/env bash
# replaytui state against jq over log shapes and every built-in reducer.
# Each row: the same final state computed by `replaytui state` and by the
# jq program that does what the reducer does, alternating (ours, jq) for
# 3 rounds; the ratio is jq's wall time over ours in each round, and the
# table gives its median (and range), the median of the same ratio in CPU
# time (user + system: what a loaded machine's wall time hides), the
# median times, the median peak RSS and system time of ours, and whether
# the final states are the same (jq -S). The floor is tools/scanfloor's
# CPU time on the log: every line read and validated, nothing more.
#
# Usage: bench/matrix.sh [--quick] [ROW...]
#   --quick   100,000 events per log instead of 1,000,000
#   ROW       only the rows whose name contains one of these words
# Logs are generated once into $REPLAYTUI_BENCH_DIR (default
# /tmp/replaytui-bench); delete them when done (about 1.5 GB at 1M).
set -euo pipefail
cd "$(dirname "$0")/.."
events=1000000
if [ "${1:-}" = "--quick" ]; then
	events=100000
	shift
fi
filter=("$@")
rounds=${ROUNDS:-3}
dir=${REPLAYTUI_BENCH_DIR:-/tmp/replaytui-bench}
mkdir -p "$dir"
go build -o "$dir/replaytui" .
go build -o "$dir/genlog" ./tools/genlog
go build -o "$dir/scanfloor" ./tools/scanfloor
command -v jq >/dev/null || { echo "matrix.sh: jq is not installed" >&2; exit 1; }

# jq programs: what each reducer does, over events bound to $e.
merge='. * $e.payload'
set_='$e.payload'
# patch: RFC 6902 as reduce/patch.go applies it to objects (add and
# replace set a member, remove deletes it; a pointer's ~1 and ~0 unescaped).
patch='reduce ($e.payload | if type == "array" then .[] else . end) as $op (.; ($op.path | ltrimstr("/") | split("/") | map(if index("~") then gsub("~1"; "/") | gsub("~0"; "~") else . end)) as $p | if $op.op == "remove" then delpaths([$p]) else setpath($p; $op.value) end)'
program='.count += 1 | .last = $e.payload.n'

# name, genlog flags, stream (empty: the only one), reducer, jq update
rows=()
row() { rows+=("$(printf '%s\x1f' "$@")"); } # fields may be empty or hold | and tabs
row "flat, ms times" "-payload flat -keys 1000 -times ms" "" merge "$merge"
row "nested (bench/run.sh's log)" "" "" merge "$merge"
row "wide: 12 of 400 keys, no times" "-payload wide -times none" "" merge "$merge"
row "1,000 streams, one chosen, µs times" "-streams 1000 -times us" s500 merge "$merge"
row "nested, fractional-second times" "-times frac" "" merge "$merge"
row "nested, no times" "-times none" "" merge "$merge"
row "long string values" "-payload long" "" merge "$merge"
row "nested" "" "" set "$set_"
row "JSON Patch" "-payload patch" "" patch "$patch"
row "nested" "" "" "jq:${program//\$e/\$event}" "$program"

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
range() { sort -g | awk 'NR==1{lo=$1} {hi=$1} END {printf "%s–%s", lo, hi}'; }

echo "$(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $events events per log, $rounds rounds"
echo
echo "| log | MB | reducer | ours (s) | jq (s) | ours vs jq | in CPU time | ours' CPU / floor's | ours: RSS, system time | same state |"
echo "| --- | ---: | --- | ---: | ---: | --- | --- | --- | --- | --- |"
for row in "${rows[@]}"; do
	IFS=$'\x1f' read -r name flags stream reducer update <<<"$row"
	if [ ${#filter[@]} -gt 0 ]; then
		keep=
		for f in "${filter[@]}"; do [[ "$name $reducer" == *"$f"* ]] && keep=1; done
		[ -n "$keep" ] || continue
	fi
	log="$dir/m-$events-$(echo "$flags" | tr -dc 'a-z0-9').jsonl"
	# shellcheck disable=SC2086
	[ -s "$log" ] || "$dir/genlog" -events "$events" $flags -o "$log"
	ours=("$dir/replaytui" state "$log" -r "$reducer" --json)
	inputs=inputs
	if [ -n "$stream" ]; then
		ours+=(-s "$stream")
		inputs="inputs | select(.stream == \"$stream\")"
	fi
	theirs=(jq -n "reduce ($inputs) as \$e ({}; $update)" "$log")
	: >"$dir/times"
	for _ in $(seq "$rounds"); do
		/usr/bin/time -f "%e %M %S %U" -o "$dir/t.ours" "${ours[@]}" >"$dir/ours.json"
		/usr/bin/time -f "%e %S %U" -o "$dir/t.jq" "${theirs[@]}" >"$dir/theirs.json"
		echo "$(cat "$dir/t.ours") $(cat "$dir/t.jq")" >>"$dir/times"
	done
	# The floor: every line read and validated, on one core (CPU seconds).
	floor=$( { /usr/bin/time -f "%U %S" "$dir/scanfloor" "$log" >/dev/null; } 2>&1 | awk '{printf "%.2f", $1 + $2}')
	same=yes
	cmp -s <(jq -S . "$dir/ours.json") <(jq -S . "$dir/theirs.json") || same="**NO**"
	o=$(awk '{print $1}' "$dir/times" | median)
	j=$(awk '{print $5}' "$dir/times" | median)
	rss=$(awk '{print $2}' "$dir/times" | median)
	sys=$(awk '{print $3}' "$dir/times" | median)
	ratio=$(awk '{printf "%.1f\n", $5 / ($1 > 0 ? $1 : 0.005)}' "$dir/times" | median)
	spread=$(awk '{printf "%.1f\n", $5 / ($1 > 0 ? $1 : 0.005)}' "$dir/times" | range)
	cpu=$(awk '{printf "%.1f\n", ($6 + $7) / ($3 + $4 > 0 ? $3 + $4 : 0.005)}' "$dir/times" | median)
	ocpu=$(awk '{printf "%.2f\n", $3 + $4}' "$dir/times" | median)
	printf '| %s | %s | `%s` | %s | %s | **%sx** (%s) | %sx | %s s / %s s | %s MB, %s s | %s |\n' \
		"$name" "$(du -m "$log" | cut -f1)" "${reducer//|/\\|}" "$o" "$j" "$ratio" "$spread" "$cpu" "$ocpu" "$floor" "$((rss / 1024))" "$sys" "$same"
done
