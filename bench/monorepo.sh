#!/usr/bin/env bash
# Benchmark: keepalign on a generated monorepo (bench/gen_repo.py: one
# Terraform root per service, a CloudFormation template for every fifth),
# release build, warm file cache, whole process; then every finding is
# checked against the generator's ground truth.
# usage: bench/monorepo.sh [SERVICES] [GENERATOR] [GENERATOR OPTIONS...]
#   KEEPALIGN_ARGS="--policy builtin:margin" adds arguments to every run
#   (the policy packs' overhead); the ground truth then ignores policy rules.
#   GENERATOR takes `OUT --services N --truth TRUTH.json` (default bench/gen_repo.py);
#   `bench/monorepo.sh 2000 bench/gen_repo.py --images` builds every image
#   from a Dockerfile in the repository; `... --variants` puts some services
#   behind an NLB and some ALBs behind CloudFront.
set -euo pipefail
cd "$(dirname "$0")/.."
services=${1:-2000}
gen=${2:-bench/gen_repo.py}
shift $(( $# > 2 ? 2 : $# ))
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
python3 "$gen" "$out/repo" --services "$services" --truth "$out/truth.json" "$@"
find "$out/repo" -type f | wc -l | awk '{printf "input: %d files, ", $1}'
du -sk --apparent-size "$out/repo" | awk '{printf "%.1f MB on disk\n", $1 / 1024}'
cargo build --release --locked --quiet
bin=target/release/keepalign
read -ra extra <<< "${KEEPALIGN_ARGS:-}"
run=("$bin" check "$out/repo" --format json --output "$out/report.json" --fail-on never "${extra[@]}")
# shellcheck disable=SC2016 # $1 is expanded by the inner sh
/usr/bin/time -f "reading every file once (find | xargs cat): wall %e s" \
  sh -c 'find "$1" -type f -print0 | xargs -0 cat > /dev/null' sh "$out/repo"
if command -v hyperfine > /dev/null; then
  hyperfine --warmup 1 --runs 5 "${run[*]}"
else
  "${run[@]}"  # warm-up
fi
for i in 1 2 3; do
  /usr/bin/time -f "keepalign run $i: wall %e s (user %U s, sys %S s), peak RSS %M KiB" "${run[@]}"
done
python3 bench/check_monorepo.py "$out/truth.json" "$out/report.json"
