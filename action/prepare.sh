#!/usr/bin/env bash
# Decide where keepalign is installed and the cache key for that directory:
# one install per version, Cargo.lock and runner platform.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=action/lib.sh
source "$here/lib.sh"

version=${INPUT_VERSION:-}
if [[ -n "$version" ]]; then
  if [[ ! "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.-]+)?$ ]]; then
    echo "::error::version must be a release number such as 0.1.0" >&2
    exit 2
  fi
else
  # The action's own source: the version in its Cargo.toml.
  version=$(sed -n 's/^version = "\([^"]*\)"$/\1/p' "$GITHUB_ACTION_PATH/Cargo.toml" | head -n 1)
  if [[ -z "$version" ]]; then
    echo "::error::cannot read the version from the action's Cargo.toml" >&2
    exit 2
  fi
fi
lock=$(sha256sum "$GITHUB_ACTION_PATH/Cargo.lock" | cut -c1-16)
source_kind=source
[[ -n "${INPUT_VERSION:-}" ]] && source_kind=crates
base=${RUNNER_TOOL_CACHE:-${RUNNER_TEMP:-${TMPDIR:-/tmp}}}
root="$base/keepalign/$version-$source_kind-$lock"
set_output version "$version"
set_output root "$root"
set_output key "keepalign-${RUNNER_OS:-unknown}-${RUNNER_ARCH:-unknown}-$version-$source_kind-$lock"
