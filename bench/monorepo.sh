#!/usr/bin/env bash
# Benchmark: keepalign on a generated monorepo (Terraform part), release build,
# warm file cache; then check every finding against the generator's ground truth.
# usage: bench/monorepo.sh [SERVICES] [GENERATOR]
set -euo pipefail
cd "$(dirname "$0")/.."
services=${1:-2000}
gen=${2:-../shared/bench/gen_monorepo.py}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
python3 "$gen" "$out/repo" --services "$services"
cargo build --release --locked --quiet
bin=target/release/keepalign
cat $(find "$out/repo" -type f) > /dev/null  # warm the cache
if command -v hyperfine > /dev/null; then
  hyperfine --warmup 1 --runs 5 "$bin check $out/repo --format json --output $out/report.json --fail-on never"
else
  /usr/bin/time -f "wall %e s, peak RSS %M KiB" "$bin" check "$out/repo" --format json --output "$out/report.json" --fail-on never
fi
/usr/bin/time -f "single run: wall %e s, peak RSS %M KiB" "$bin" check "$out/repo" --format json --output "$out/report.json" --fail-on never
python3 bench/check_monorepo.py "$gen" "$out/report.json" --services "$services"
