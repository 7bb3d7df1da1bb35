#!/usr/bin/env bash
# Install keepalign into KEEPALIGN_ROOT once per runner: a binary restored
# from the cache, or left by an earlier use of the action in the same job,
# is reused when it reports the expected version.
set -euo pipefail
bin="$KEEPALIGN_ROOT/bin/keepalign"
have=""
if [[ -x "$bin" ]]; then
  have=$("$bin" --version 2>/dev/null || true)
fi
if [[ "$have" == "keepalign $KEEPALIGN_VERSION" ]]; then
  echo "keepalign $KEEPALIGN_VERSION already installed"
else
  if ! command -v cargo > /dev/null; then
    echo "::error::cargo is needed to install keepalign (Rust 1.85 or later; dtolnay/rust-toolchain or rustup)" >&2
    exit 2
  fi
  if [[ -n "${INPUT_VERSION:-}" ]]; then
    cargo install --locked --root "$KEEPALIGN_ROOT" --version "$INPUT_VERSION" keepalign
  else
    cargo install --locked --root "$KEEPALIGN_ROOT" --path "$GITHUB_ACTION_PATH"
  fi
fi
echo "$KEEPALIGN_ROOT/bin" >> "$GITHUB_PATH"
