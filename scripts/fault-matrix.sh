#!/usr/bin/env bash
# Nightly-style run of the fault matrix (issue 9): the same scenario tests as the suite, with more seeds
# (ME_FAULT_SEEDS, default here 20; the suite runs 5), then the table of runs, messages, lost and duplicated.
#   scripts/fault-matrix.sh            # 20 seeds per scenario
#   ME_FAULT_SEEDS=50 scripts/fault-matrix.sh
set -uo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-prerequisites.sh || exit 1
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export ME_FAULT_SEEDS="${ME_FAULT_SEEDS:-20}"
results_dir="$(pwd)/artifacts/fault-matrix"
rm -rf "$results_dir" && mkdir -p "$results_dir"
export ME_FAULT_REPORT="$results_dir/runs.tsv"
: > "$ME_FAULT_REPORT"

project=tests/MedicalExaminer.Reliability.Tests
dotnet build "$project" -c Release -nologo -v q > "$results_dir/build.log" 2>&1 || { grep -E "error" "$results_dir/build.log" | sort -u | head -50; exit 1; }
dotnet test --project "$project" -c Release --no-build --results-directory "$results_dir" > "$results_dir/test.log" 2>&1
status=$?
sed -n '/Test run summary/,$p' "$results_dir/test.log"

# One line per run: scenario, seed, messages, lost, duplicated, details.
echo
awk -F'\t' '
  { runs[$1]++; messages[$1] += $3; lost[$1] += $4; duplicated[$1] += $5; if (!($1 in order)) { order[$1] = ++n; names[n] = $1 } }
  END {
    printf "| %-28s | %5s | %9s | %5s | %10s |\n", "scenario", "runs", "messages", "lost", "duplicated"
    printf "|%s|%s|%s|%s|%s|\n", "------------------------------", "-------", "-----------", "-------", "------------"
    for (i = 1; i <= n; i++) { s = names[i]; printf "| %-28s | %5d | %9d | %5d | %10d |\n", s, runs[s], messages[s], lost[s], duplicated[s] }
  }' "$ME_FAULT_REPORT" | tee "$results_dir/table.md"
echo "per-run details: $ME_FAULT_REPORT"
exit "$status"
