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
