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

# Microsoft.Testing.Platform (xunit.v3). Two runs: every test project but the fault matrix in parallel, then the fault
# matrix (tests/MedicalExaminer.Reliability.Tests: broker outages, kills, restarts, all timing-sensitive) on its own,
# so that its faults are the only ones on a 2-core machine. The filter is generated from the solution, so a new test
# project always runs.
reliability="tests/MedicalExaminer.Reliability.Tests/MedicalExaminer.Reliability.Tests.csproj"
filter="$results_dir/without-fault-matrix.slnf"
{
  printf '{"solution": {"path": "../../MedicalExaminer.sln", "projects": ['
  dotnet sln MedicalExaminer.sln list | grep -E '\.csproj$' | grep -vF "$reliability" | sed 's/.*/"&"/' | paste -sd, -
  printf ']}}\n'
} > "$filter"

: > "$log"
dotnet test --solution "$filter" -c Release --no-build --results-directory "$results_dir" 2>&1 | tee -a "$log"
status=${PIPESTATUS[0]}
dotnet test --project "$reliability" -c Release --no-build --results-directory "$results_dir" 2>&1 | tee -a "$log"
reliability_status=${PIPESTATUS[0]}
[ "$status" -eq 0 ] && status=$reliability_status

# Each run ends with "Test run summary: ..." then "total: N", "failed: N", "succeeded: N", "skipped: N": add them up.
field() { awk -v name="$1" '/Test run summary/ { on = 1 } on && $1 == name ":" { sum += $2 } END { print sum + 0 }' "$log"; }
passed=$(field succeeded); failed=$(field failed); skipped=$(field skipped)
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi   # a crashed test host or no tests still fails the run

# The CI shows only the end of the output: name each failed test (and the first lines of its message) last.
if [ "$failed" -gt 0 ]; then
  echo "Failed tests:"
  grep -E -A4 "^\s*failed [A-Za-z_]" "$log" | cut -c1-300 | head -60
fi

if [ "$skipped" -gt 0 ]; then echo "$passed passed, $failed failed, $skipped skipped"; else echo "$passed passed, $failed failed"; fi
[ "$failed" -eq 0 ] && [ "$status" -eq 0 ]
