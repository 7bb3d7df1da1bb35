# shellcheck shell=bash
# Helpers for the action's scripts (sourced, not run). Bash 3.2 compatible
# (macOS runners).

# set_output NAME VALUE: one step output. The heredoc form with a random
# delimiter, so a value holding a newline (a path input) cannot add outputs.
set_output() {
  local delim
  delim="keepalign_$(random_token)"
  printf '%s<<%s\n%s\n%s\n' "$1" "$delim" "$2" "$delim" >> "$GITHUB_OUTPUT"
}

# is_true INPUT-NAME VALUE: the action's boolean inputs.
is_true() {
  case "$2" in
    true | True | TRUE) return 0 ;;
    false | False | FALSE | "") return 1 ;;
    *)
      echo "::error::input $1 must be true or false" >&2
      exit 2
      ;;
  esac
}

# random_token: a token for ::stop-commands:: and heredoc delimiters.
random_token() {
  od -An -N16 -tx1 /dev/urandom | tr -d ' \n'
}
