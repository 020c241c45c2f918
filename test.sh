#!/usr/bin/env bash
# Runs the whole test suite (unit, integration against a throwaway Postgres and librdkafka's mock
# Kafka cluster over TCP) and ends with one line: "N passed, N failed[, N skipped]".
set -uo pipefail
cd "$(dirname "$0")"

bash scripts/install-prerequisites.sh || exit 1

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
results_dir="$(pwd)/artifacts/test-results"
rm -rf "$results_dir" && mkdir -p "$results_dir"
log="$results_dir/test.log"

dotnet build MedicalExaminer.sln -c Release -nologo -v q > "$results_dir/build.log" 2>&1
build_status=$?
if [ "$build_status" -ne 0 ]; then
  grep -E "error" "$results_dir/build.log" | sort -u | head -50
  echo "0 passed, 1 failed"
  exit 1
fi

dotnet test MedicalExaminer.sln -c Release --no-build -nologo \
  --logger "console;verbosity=normal" --results-directory "$results_dir" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# One VSTest summary line per test project: "Passed!  - Failed: 0, Passed: 12, Skipped: 0, Total: 12, ..."
sum() { grep -E "^\s*(Passed|Failed)!\s+-" "$log" | grep -oE "$1:\s+[0-9]+" | awk '{s+=$2} END {print s+0}'; }
passed=$(sum Passed); failed=$(sum Failed); skipped=$(sum Skipped)
projects=$(find tests -name '*.Tests.csproj' | wc -l)
summaries=$(grep -cE "^\s*(Passed|Failed)!\s+-" "$log" || true)
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi       # a crashed test host still fails the run
if [ "$summaries" -lt "$projects" ]; then
  echo "Only $summaries of $projects test projects reported a summary." >&2
  [ "$failed" -eq 0 ] && failed=1
fi

if [ "$skipped" -gt 0 ]; then echo "$passed passed, $failed failed, $skipped skipped"; else echo "$passed passed, $failed failed"; fi
[ "$failed" -eq 0 ] && [ "$status" -eq 0 ]
