#!/usr/bin/env bash
# Installs everything the tests need on a fresh Debian 12 clone, then runs lint, types and every
# test on SQLite and PostgreSQL. This is the README's second command, and what .ci/run runs.
set -euo pipefail
cd "$(dirname "$0")/.."

# Real components the tests start on loopback (DESIGN.md §4).
APT_PACKAGES=(postgresql openssl softhsm2 opensc openjdk-17-jre-headless unzip curl python3-requests)

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "missing Debian packages: ${missing[*]} (run this script as root, or apt-get install them)" >&2
    exit 1
  fi
  echo "==> apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # The package starts a system cluster we don't use; tests start their own.
  if command -v pg_ctlcluster >/dev/null; then
    for cluster in /etc/postgresql/*/main; do
      [[ -d $cluster ]] && pg_ctlcluster "$(basename "$(dirname "$cluster")")" main stop 2>/dev/null || true
    done
  fi
fi

# `npm install` against the committed lockfile: npm 11's `npm ci` refuses lockfiles that omit
# other platforms' optional binaries (npm/cli#4828).
echo "==> npm install"
npm install --no-audit --no-fund --loglevel=error

echo "==> lint"
npm run --silent lint
echo "==> typecheck"
npm run --silent typecheck
echo "==> build"
npm run --silent build
echo "==> smoke test of the built server (what npm start runs)"
node scripts/smoke-dist.mjs
echo "==> tests (SQLite and PostgreSQL)"
npm test
