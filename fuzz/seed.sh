#!/usr/bin/env bash
# Seed the fuzz corpora from the repository's fixtures and saved reproducers.
# Corpora are not committed (fuzz/corpus/ is ignored): run this before
# fuzzing, from anywhere. Existing corpus files are kept; seeds are named
# by content, so running it twice adds nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=fuzz/corpus

add() { # add TARGET FILE...: copy each file in, named by its hash
  local target=$1
  shift
  mkdir -p "$corpus/$target"
  local f
  for f in "$@"; do
    [[ -f "$f" ]] || continue
    cp "$f" "$corpus/$target/$(sha1sum <"$f" | cut -c1-16)"
  done
}

add_text() { # add_text TARGET: one seed from standard input
  local tmp
  tmp=$(mktemp)
  cat >"$tmp"
  add "$1" "$tmp"
  rm -f "$tmp"
}

mapfile -t tf < <(find testdata -type f \( -name '*.tf' -o -name '*.tf.json' \) | sort)
add terraform "${tf[@]}"

# main.tf, template and tfvars of one directory, joined by NUL bytes as the
# terraform_files target splits them.
while IFS= read -r dir; do
  main=$(find "$dir" -maxdepth 1 -name '*.tf' | sort | head -n 1)
  tpl=$(find "$dir" -maxdepth 2 \( -name '*.tpl' -o -name '*.tftpl' -o -name '*.json' \) ! -name '*.tf.json' | sort | head -n 1)
  vars=$(find "$dir" -maxdepth 1 -name '*.tfvars' | sort | head -n 1)
  [[ -n "$main" ]] || continue
  {
    cat "$main"
    printf '\0'
    [[ -z "$tpl" ]] || cat "$tpl"
    printf '\0'
    [[ -z "$vars" ]] || cat "$vars"
  } | add_text terraform_files
done < <(find testdata/terraform -mindepth 1 -maxdepth 1 -type d | sort)

mapfile -t yaml < <(find testdata/cloudformation -type f \( -name '*.yaml' -o -name '*.yml' \) | sort)
add cloudformation_yaml "${yaml[@]}"
mapfile -t cfn_json < <(find testdata/cloudformation -type f -name '*.json' | sort)
add cloudformation_json "${cfn_json[@]}"
mapfile -t plans < <(find testdata/plan -type f -name '*.json' | sort)
add plan "${plans[@]}"
mapfile -t json < <(find testdata -type f -name '*.json' | sort)
add json "${json[@]}"
mapfile -t toml < <(find testdata -type f -name '*.toml' | sort)
add config "${toml[@]}"

# Server commands: one word a line (see keepalign::fuzzing::server_command).
while IFS= read -r line; do
  printf '%s' "$line" | tr ' ' '\n' | add_text server_command
done <<'COMMANDS'
gunicorn -k gevent --keep-alive 10 -b 0.0.0.0:8000 app:app
gunicorn --worker-class gthread --threads 4 --timeout 30 --keep-alive=75 app.wsgi
python -m gunicorn -c gunicorn.conf.py app:app
uvicorn app.main:app --host 0.0.0.0 --timeout-keep-alive 65
hypercorn --keep-alive 120 app:app
daphne -b 0.0.0.0 --http-timeout 60 chat.asgi:application
puma -C config/puma.rb
bundle exec puma -t 5:5 --persistent-timeout 70
node --keep-alive-timeout 61000 server.js
nginx -g daemon off;
httpd -D FOREGROUND
waitress-serve --channel-timeout=120 app:app
env KEEP_ALIVE=5 tini -- dumb-init gunicorn app:app
sh -c exec gunicorn --keep-alive "${KEEPALIVE:-5}" app:app
/usr/local/bin/gunicorn --keep-alive=2 'app:create_app()'
COMMANDS

# Saved reproducers seed their own target.
for dir in fuzz/regressions/*/; do
  target=$(basename "$dir")
  mapfile -t saved < <(find "$dir" -type f ! -name README.md | sort)
  add "$target" "${saved[@]}"
done


mapfile -t dockerfiles < <(find testdata -type f \( -name 'Dockerfile' -o -name 'Dockerfile.*' -o -name '*.Dockerfile' \) | sort)
add dockerfile "${dockerfiles[@]}"
printf '# escape=`\nFROM python:3.12 AS base\nARG PORT=8000\nENV A=1 \\\n    B="two words"\nWORKDIR app\nFROM base\nSHELL ["/bin/bash", "-c"]\nENTRYPOINT ["/docker-entrypoint.sh"]\nCMD gunicorn -k gevent --keep-alive 5 app:app\n' | add_text dockerfile

# Build definitions: a first byte that picks the kind (0 Compose, 1
# workflow, 2 CDK asset manifest), then the file.
while IFS= read -r f; do
  case "$f" in
    */.github/workflows/*) kind=1 ;;
    */cdk.out/*.assets.json) kind=2 ;;
    *) kind=0 ;;
  esac
  { printf '%b' "\\00$kind"; cat "$f"; } | add_text build_definitions
done < <(find testdata -type f \( -name 'docker-compose*.yml' -o -name 'compose*.yaml' -o -path '*/.github/workflows/*.yml' -o -name '*.assets.json' \) | sort)

# Image files: a byte naming the file (its index in keepalign::fuzzing::image),
# the Dockerfile beside it, a NUL byte, the file.
names=(gunicorn.conf.py nginx.conf server.js package.json Procfile entrypoint.sh Gemfile.lock httpd.conf .dockerignore docker-compose.yml main.py puma.rb)
for i in "${!names[@]}"; do
  while IFS= read -r f; do
    dockerfile=$(find "$(dirname "$f")" -maxdepth 2 -name Dockerfile | sort | head -n 1)
    [[ -n "$dockerfile" ]] || continue
    { printf '%b' "\\0$(printf '%03o' "$i")"; cat "$dockerfile"; printf '\0'; cat "$f"; } | add_text image
  done < <(find testdata -type f -name "${names[$i]}" | sort)
done

for dir in "$corpus"/*/; do
  printf '%-22s %5d seeds\n' "$(basename "$dir")" "$(find "$dir" -type f | wc -l)"
done
