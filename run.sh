#!/usr/bin/env bash
# Runs the whole system on embedded defaults: a throwaway local PostgreSQL, librdkafka's mock
# Kafka cluster, the intake worker and a demo publisher; prints the connection details and URLs.
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/install-prerequisites.sh
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
exec dotnet run --project services/MedicalExaminer.DevHost -c Release -- "$@"
