#!/usr/bin/env bash
# keepalign against the parse-only floor (examples/parse_floor.rs: the same
# parsers on the same files, nothing else) on generated monorepos of each
# size and on a generated plan; the ground truth is checked on every run.
# usage: bench/scale.sh [SERVICES ...]   (default: 200 2000 20000)
# Prints, per input: keepalign CPU (user + sys) and wall, peak RSS, the
# floor's CPU, and keepalign's CPU over the floor's.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(200 2000 20000)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cargo build --release --locked --quiet
cargo build --release --locked --quiet --example parse_floor
bin=target/release/keepalign
floor=target/release/examples/parse_floor
# "user sys wall rss" of a command, the run with the median CPU of three.
measure() {
  for _ in 1 2 3; do
    /usr/bin/time -f "%U %S %e %M" "$@" 2>&1 >/dev/null | tail -1
  done | awk '{print $1 + $2, $3, $4}' | sort -n | sed -n 2p
}
row() {  # name, keepalign measure, floor measure
  read -r cpu wall rss <<< "$2"
  read -r fcpu _ _ <<< "$3"
  awk -v n="$1" -v c="$cpu" -v w="$wall" -v r="$rss" -v f="$fcpu" 'BEGIN {
    printf "| %s | %.2f s | %.2f s | %.0f MB | %.3f s | %.1fx |\n", n, c, w, r / 1024, f, c / f }'
}
failed=0
printf "| input | keepalign CPU | wall | peak RSS | floor CPU | ratio |\n|---|---|---|---|---|---|\n"
for n in "${sizes[@]}"; do
  python3 bench/gen_repo.py "$out/repo$n" --services "$n" --truth "$out/truth$n.json" > /dev/null
  "$bin" check "$out/repo$n" --format json --output "$out/report$n.json" --fail-on never 2> /dev/null
  name="$n services"
  if ! python3 bench/check_monorepo.py "$out/truth$n.json" "$out/report$n.json" > "$out/check$n.txt"; then
    name="$n services (ground truth MISMATCH: $(tail -2 "$out/check$n.txt" | head -1 | cut -c1-120))"
    failed=1
  fi
  k=$(measure "$bin" check "$out/repo$n" --format json --output "$out/report$n.json" --fail-on never)
  f=$(measure "$floor" "$out/repo$n")
  row "$name" "$k" "$f"
  rm -rf "$out/repo$n"
done
python3 bench/large_plan.py write "$out/plan.json" --services 2000
k=$(measure "$bin" plan "$out/plan.json" --format json --output "$out/plan-report.json" --fail-on never)
python3 bench/large_plan.py verify "$out/plan-report.json" --services 2000 > /dev/null
f=$(measure "$floor" "$out/plan.json")
row "plan, 2,000 instances (JSON report)" "$k" "$f"
k=$(measure "$bin" plan "$out/plan.json" --output "$out/plan-report.txt" --fail-on never)
row "plan, 2,000 instances (human report)" "$k" "$f"
if [ "$failed" = 0 ]; then
  echo "ground truth: OK on every size"
else
  echo "ground truth: MISMATCH (see the rows)"
  exit 1
fi
