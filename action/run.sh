#!/usr/bin/env bash
# Runs `shipcheck check --github` with the action's inputs. shipcheck itself
# publishes the check run, appends the job summary and writes the passed /
# errors / warnings outputs; this script adds the report path. The exit
# status is shipcheck's: 0 ready, 1 blocked, 2 shipcheck could not run.
set -uo pipefail

report="${RUNNER_TEMP:-/tmp}/shipcheck-report.json"
args=(check "${INPUT_PATH:-.}" --github --output "json=$report")
[ -n "${INPUT_CHECK_NAME:-}" ] && args+=(--check-name "$INPUT_CHECK_NAME")
[ -n "${INPUT_CONFIG:-}" ] && args+=(--config "$INPUT_CONFIG")
while IFS= read -r env_file; do
  [ -n "$env_file" ] && args+=(--env-file "$env_file")
done <<< "${INPUT_ENV_FILE:-}"
[ -n "${INPUT_DATABASE_URL:-}" ] && args+=(--database-url "$INPUT_DATABASE_URL")
[ -n "${INPUT_FAIL_ON:-}" ] && args+=(--fail-on "$INPUT_FAIL_ON")
[ "${INPUT_NEW_ONLY:-false}" = "true" ] && args+=(--new-only)
[ "${INPUT_COMMENT:-false}" = "true" ] && args+=(--comment)
[ "${INPUT_ONLINE:-false}" = "true" ] && args+=(--online)
if [ -n "${INPUT_ARGS:-}" ]; then
  # Extra arguments are split like a shell would, without evaluating them.
  read -r -a extra <<< "$INPUT_ARGS"
  args+=("${extra[@]}")
fi

shipcheck "${args[@]}"
status=$?
if [ -n "${GITHUB_OUTPUT:-}" ]; then
  echo "report=$report" >> "$GITHUB_OUTPUT"
fi
exit $status
