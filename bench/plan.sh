#!/usr/bin/env bash
# Benchmark: `keepalign plan` on a generated plan of a new stack with SERVICES
# module instances (release build); then check the report against the truth.
# usage: bench/plan.sh [SERVICES]
set -euo pipefail
cd "$(dirname "$0")/.."
services=${1:-2000}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
python3 bench/large_plan.py write "$out/plan.json" --services "$services"
wc -c < "$out/plan.json" | awk '{printf "plan: %.1f MB\n", $1 / 1e6}'
cargo build --release --locked --quiet
bin=target/release/keepalign
run=("$bin" plan "$out/plan.json" --format json --output "$out/report.json" --fail-on never)
if command -v hyperfine > /dev/null; then
  hyperfine --warmup 1 --runs 5 "${run[*]}"
fi
/usr/bin/time -f "single run: wall %e s, peak RSS %M KiB" "${run[@]}"
python3 bench/large_plan.py verify "$out/report.json" --services "$services"
# The plan gate's default output: the human report must stay within 1.2x
# of the JSON one (it once rebuilt each file's source for every finding).
human=("$bin" plan "$out/plan.json" --output "$out/report.txt" --fail-on never)
# CPU seconds (user + sys), the median of three runs.
cpu() {
  for _ in 1 2 3; do
    /usr/bin/time -f "%U %S" "$@" 2>&1 >/dev/null | tail -1 | awk '{print $1 + $2}'
  done | sort -n | sed -n 2p
}
"${human[@]}" > /dev/null 2>&1  # warm-up
json_cpu=$(cpu "${run[@]}")
human_cpu=$(cpu "${human[@]}")
awk -v j="$json_cpu" -v h="$human_cpu" 'BEGIN {
  printf "CPU: json %.2f s, human %.2f s, human/json %.2f (budget 1.2)\n", j, h, h / j
  exit (h / j > 1.2)
}'
