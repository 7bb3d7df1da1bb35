#!/usr/bin/env bash
# The action's scan: one `keepalign check` that writes every report the
# inputs ask for (--report), then the step outputs, the job summary and the
# annotations. With only-new on a pull request, the base commit is scanned
# first, in a git worktree, into a baseline.
#
# Inputs arrive as INPUT_* environment variables and are only ever expanded
# in double quotes or split into arrays with `read -a`: nothing is evaluated.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=action/lib.sh
source "$here/lib.sh"

annotations=false summary=false only_new=false allow_empty=false
if is_true annotations "${INPUT_ANNOTATIONS-true}"; then annotations=true; fi
if is_true summary "${INPUT_SUMMARY-true}"; then summary=true; fi
if is_true only-new "${INPUT_ONLY_NEW-false}"; then only_new=true; fi
if is_true allow-empty "${INPUT_ALLOW_EMPTY-false}"; then allow_empty=true; fi

work=$(mktemp -d "${RUNNER_TEMP:-${TMPDIR:-/tmp}}/keepalign.XXXXXX")
base_tree=""
# shellcheck disable=SC2329 # run by the EXIT trap
cleanup() {
  if [[ -n "$base_tree" ]]; then
    git worktree remove --force "$base_tree" > /dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# What to scan: one path per line. A path that starts with '-' becomes
# ./-... so it can never be taken for an option.
paths=()
while IFS= read -r line || [[ -n "$line" ]]; do
  line="${line#"${line%%[![:space:]]*}"}"
  line="${line%"${line##*[![:space:]]}"}"
  [[ -z "$line" ]] && continue
  [[ "$line" == -* ]] && line="./$line"
  paths+=("$line")
done <<< "${INPUT_PATH:-.}"
[[ ${#paths[@]} -eq 0 ]] && paths=(.)

# Extra arguments: split on blanks and newlines into an array. `read -a`
# does no quote removal, globbing or expansion of any kind.
extra=()
if [[ -n "${INPUT_ARGS:-}" ]]; then
  read -r -d '' -a extra <<< "$INPUT_ARGS" || true
fi

# Options both scans share (the base scan of only-new uses the same ones, so
# fingerprints are computed the same way).
opts=()
if [[ -n "${INPUT_FAIL_ON:-}" ]]; then opts+=(--fail-on "$INPUT_FAIL_ON"); fi
if [[ -n "${INPUT_CONFIG:-}" ]]; then
  config=$INPUT_CONFIG
  [[ "$config" == -* ]] && config="./$config"
  # Absolute, so the base scan reads the same configuration as the head.
  if [[ -f "$config" && "$config" != /* ]]; then
    config="$(cd "$(dirname "$config")" && pwd)/$(basename "$config")"
  fi
  opts+=(--config "$config")
fi
if $allow_empty; then opts+=(--allow-empty); fi
opts+=(${extra[@]+"${extra[@]}"})

# run_keepalign ARGS...: keepalign with workflow commands switched off for
# everything it prints (it quotes file contents, which a pull request
# controls); returns its exit status.
run_keepalign() {
  local token status=0
  token=$(random_token)
  echo "::stop-commands::$token"
  keepalign "$@" 2>&1 || status=$?
  echo "::$token::"
  return "$status"
}

# quote_file FILE: print FILE with workflow commands switched off.
quote_file() {
  local token
  token=$(random_token)
  echo "::stop-commands::$token"
  cat "$1"
  echo "::$token::"
}

# The commit a pull request is compared with: the merge base of HEAD and the
# base branch, or the base branch's tip when the history is too shallow
# (the default pull_request checkout is the merge commit, whose first parent
# is that tip).
find_base() {
  local ref=$GITHUB_BASE_REF tip=""
  if ! git check-ref-format --branch "$ref" > /dev/null 2>&1; then
    echo "::warning::only-new: the base branch name is not a valid branch name" >&2
    return 1
  fi
  tip=$(git rev-parse --verify -q "refs/remotes/origin/$ref^{commit}" \
    || git rev-parse --verify -q "refs/heads/$ref^{commit}" || true)
  if [[ -z "$tip" ]]; then
    git fetch --no-tags --quiet --depth=1 origin "+refs/heads/$ref:refs/remotes/origin/$ref" >&2 || true
    tip=$(git rev-parse --verify -q "refs/remotes/origin/$ref^{commit}" || true)
  fi
  if [[ -z "$tip" ]]; then
    echo "::warning::only-new: cannot find the base branch $ref (fetch it, or check out with fetch-depth: 0)" >&2
    return 1
  fi
  git merge-base HEAD "$tip" 2> /dev/null || echo "$tip"
}

# only-new: scan the base commit into a baseline, from the same directory
# of its own tree with the same relative paths, so fingerprints match.
baseline_args=()
base_note=""
if $only_new; then
  case "${GITHUB_EVENT_NAME:-}" in
    pull_request | pull_request_target) pr=true ;;
    *) pr=false ;;
  esac
  for a in ${extra[@]+"${extra[@]}"}; do
    case "$a" in
      --baseline | --baseline=* | --create-baseline | --create-baseline=*)
        echo "::error::only-new makes its own baseline: remove $a from args, or set only-new: false" >&2
        exit 2
        ;;
    esac
  done
  for p in "${paths[@]}"; do
    if [[ "$p" == /* ]]; then
      echo "::error::only-new needs paths relative to the workspace, so the base commit is scanned at the same paths" >&2
      exit 2
    fi
  done
  if ! $pr || [[ -z "${GITHUB_BASE_REF:-}" ]]; then
    echo "only-new: not a pull request (${GITHUB_EVENT_NAME:-no event}); reporting every finding"
  elif ! git rev-parse --is-inside-work-tree > /dev/null 2>&1; then
    echo "::warning::only-new: the workspace is not a git checkout; reporting every finding" >&2
  elif base=$(find_base); then
    prefix=$(git rev-parse --show-prefix)
    base_tree="$work/base"
    git worktree add --quiet --detach "$base_tree" "$base" >&2
    # Paths the pull request adds do not exist in the base: skip them there.
    base_paths=()
    for p in "${paths[@]}"; do
      if [[ -e "$base_tree/$prefix$p" ]]; then base_paths+=("$p"); fi
    done
    short=$(git rev-parse --short "$base")
    if [[ ${#base_paths[@]} -eq 0 ]]; then
      echo "only-new: the base commit $short has none of the paths; every finding is new"
      base_note="Only findings that are not in the base commit \`$short\` are reported (it has none of the scanned paths)."
    else
      echo "only-new: scanning the base commit $short for the baseline"
      status=0
      (cd "$base_tree/$prefix" && keepalign check ${opts[@]+"${opts[@]}"} \
        --create-baseline "$work/baseline.json" -- "${base_paths[@]}") \
        > /dev/null 2> "$work/base.log" || status=$?
      quote_file "$work/base.log"
      if [[ -s "$work/baseline.json" ]] && [[ $status -le 1 ]]; then
        baseline_args=(--baseline "$work/baseline.json")
        base_note="Only findings that are not in the base commit \`$short\` are reported."
      else
        echo "::warning::only-new: scanning the base commit failed (exit $status); reporting every finding" >&2
      fi
    fi
  fi
fi

# The one scan: human report in the log, every other output a --report.
json="$work/report.json"
reports=(--report "json=$json")
sarif=""
if [[ -n "${INPUT_FORMAT_SARIF:-}" ]]; then
  sarif=$INPUT_FORMAT_SARIF
  mkdir -p -- "$(dirname -- "$sarif")"
  reports+=(--report "sarif=$sarif")
fi
if $annotations; then reports+=(--report "github=$work/annotations.txt"); fi
if $summary; then reports+=(--report "markdown=$work/summary.md"); fi

status=0
run_keepalign check ${opts[@]+"${opts[@]}"} ${baseline_args[@]+"${baseline_args[@]}"} \
  "${reports[@]}" -- "${paths[@]}" || status=$?

# Annotations: the github report's workflow commands, outside stop-commands.
if $annotations && [[ -f "$work/annotations.txt" ]]; then
  cat "$work/annotations.txt"
fi

# Counts from the JSON report's summary (pretty-printed, two-space indent).
summary_count() {
  [[ -f "$json" ]] || return 0
  awk -v key="\"$1\":" '
    /^  "summary": \{/ { inside = 1; next }
    inside && /^  \}/ { exit }
    inside && $1 == key { gsub(/[^0-9]/, "", $2); print $2; exit }
  ' "$json"
}
errors=$(summary_count errors)
warnings=$(summary_count warnings)
notes=$(summary_count notes)
findings=""
if [[ -n "$errors" && -n "$warnings" && -n "$notes" ]]; then
  findings=$((errors + warnings + notes))
elif [[ -f "$json" ]]; then
  echo "::warning::cannot read the summary of keepalign's JSON report" >&2
fi

set_output findings "$findings"
set_output errors "$errors"
set_output exit-code "$status"
if [[ -n "$sarif" && -f "$sarif" ]]; then
  set_output sarif-file "$sarif"
else
  set_output sarif-file ""
fi

if $summary && [[ -n "${GITHUB_STEP_SUMMARY:-}" ]]; then
  {
    if [[ -f "$work/summary.md" ]]; then
      if [[ -n "$base_note" ]]; then printf '%s\n\n' "$base_note"; fi
      cat "$work/summary.md"
    else
      printf '### keepalign\n\nkeepalign stopped with exit status %s before writing its summary: see the step log.\n' "$status"
    fi
  } >> "$GITHUB_STEP_SUMMARY"
fi

exit "$status"
