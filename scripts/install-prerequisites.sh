#!/usr/bin/env bash
# Installs what the system and its tests need on a fresh Debian 12 machine that has the .NET SDK:
# PostgreSQL 15 server binaries (the dev host and the tests start throwaway clusters from them) and
# Debian's Chromium (the browser tests drive it through Playwright; a browser is never downloaded),
# and kubectl (the deployment tests render k8s/ with `kubectl kustomize`): any kubectl already on PATH,
# else Debian's kubernetes-client (kubectl 1.20, whose built-in kustomize reads the syntax k8s/ uses).
# Idempotent: it installs only what is missing.
set -euo pipefail

have_postgres() {
  compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null && id postgres >/dev/null 2>&1
}

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "Need root (or sudo) to install: $*" >&2; exit 1; fi
}

missing=()
have_postgres || missing+=(postgresql)
command -v psql >/dev/null || missing+=(postgresql-client)
[ -x /usr/bin/chromium ] || missing+=(chromium fonts-liberation)
# The family notifier's SMS quiet hours and message dates are UK time (Europe/London): the zone database must be there.
[ -e /usr/share/zoneinfo/Europe/London ] || missing+=(tzdata)
command -v kubectl >/dev/null || missing+=(kubernetes-client)

if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get update -qq
  # policy-rc.d keeps the package from starting its own cluster on 5432: we start our own.
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | as_root tee /usr/sbin/policy-rc.d >/dev/null
    as_root chmod +x /usr/sbin/policy-rc.d
    trap 'as_root rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
