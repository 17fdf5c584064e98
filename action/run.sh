#!/usr/bin/env bash
# Runs `shipcheck check --github` with the action's inputs. shipcheck itself
# publishes the check run, appends the job summary and writes the passed /
# errors / warnings outputs; this script adds the report path, the SARIF path
# and the new-only decision. The exit status is shipcheck's: 0 ready,
# 1 blocked, 2 shipcheck could not run.
set -uo pipefail

usage_error() {
  if [ "${GITHUB_ACTIONS:-}" = true ]; then echo "::error title=shipcheck::$*" >&2; fi
  echo "shipcheck: $*" >&2
  exit 2
}

path=${INPUT_PATH:-.}

# new-only: auto judges a pull request or a merge-queue entry on the lines it
# adds (years of existing debt do not block the first PR), and a push to a
# release branch on everything (the deploy gate).
new_only=${INPUT_NEW_ONLY:-auto}
case "$new_only" in
  auto)
    case "${GITHUB_EVENT_NAME:-}" in
      pull_request | pull_request_target | merge_group) new_only=true ;;
      *) new_only=false ;;
    esac
    echo "shipcheck: new-only: $new_only (auto, on a ${GITHUB_EVENT_NAME:-local} event)"
    ;;
  true | false) ;;
  *) usage_error "new-only is '$new_only'; use auto, true or false" ;;
esac

# Code scanning resolves SARIF paths from the repository root, and shipcheck
# writes them relative to the path it checks.
sarif=""
if [ "${INPUT_UPLOAD_SARIF:-false}" = true ]; then
  root=${GITHUB_WORKSPACE:-$PWD}
  if [ "$(cd "$path" 2> /dev/null && pwd -P)" != "$(cd "$root" && pwd -P)" ]; then
    usage_error "upload-sarif needs path to be the repository root (code scanning reads SARIF paths from there), not '$path'"
  fi
  sarif="${RUNNER_TEMP:-/tmp}/shipcheck.sarif"
fi

report="${RUNNER_TEMP:-/tmp}/shipcheck-report.json"
# What both runs share (see the SARIF run below).
common=(check "$path")
[ -n "${INPUT_CONFIG:-}" ] && common+=(--config "$INPUT_CONFIG")
while IFS= read -r env_file; do
  [ -n "$env_file" ] && common+=(--env-file "$env_file")
done <<< "${INPUT_ENV_FILE:-}"
[ -n "${INPUT_DATABASE_URL:-}" ] && common+=(--database-url "$INPUT_DATABASE_URL")
[ -n "${INPUT_FAIL_ON:-}" ] && common+=(--fail-on "$INPUT_FAIL_ON")
[ "${INPUT_ONLINE:-false}" = "true" ] && common+=(--online)
if [ -n "${INPUT_ARGS:-}" ]; then
  # Extra arguments are split like a shell would, without evaluating them.
  read -r -a extra <<< "$INPUT_ARGS"
  # (bash 3.2 on macOS calls an empty array unbound under set -u)
  common+=(${extra[@]+"${extra[@]}"})
fi

args=("${common[@]}" --github --output "json=$report")
[ -n "${INPUT_CHECK_NAME:-}" ] && args+=(--check-name "$INPUT_CHECK_NAME")
[ "$new_only" = true ] && args+=(--new-only)
[ "${INPUT_COMMENT:-false}" = "true" ] && args+=(--comment)
# Code scanning takes each upload as the whole state of the branch: a SARIF
# file of new lines only would close every older alert as fixed. So with
# new-only the SARIF comes from a second, quiet run over everything (cheap:
# the check is fast), and the gate keeps judging new lines only.
[ -n "$sarif" ] && [ "$new_only" = false ] && args+=(--output "sarif=$sarif")

shipcheck "${args[@]}"
status=$?

if [ -n "$sarif" ] && [ "$new_only" = true ]; then
  shipcheck "${common[@]}" --format sarif > "$sarif"
  if [ $? -gt 1 ]; then
    echo "shipcheck: the SARIF run for code scanning failed; nothing is uploaded" >&2
    rm -f "$sarif"
  fi
fi

if [ -n "${GITHUB_OUTPUT:-}" ]; then
  {
    echo "report=$report"
    echo "new-only=$new_only"
    if [ -n "$sarif" ] && [ -s "$sarif" ]; then echo "sarif=$sarif"; fi
  } >> "$GITHUB_OUTPUT"
fi
exit $status
