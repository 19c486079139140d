#!/usr/bin/env bash
# make system-test: the live system test on Debian Trixie (amd64: boot, install, recover), or with
# ARCH=arm64 the Raspberry Pi architecture's install path under emulation. Needs root.
#   scripts/system-test/run.sh [amd64|arm64] [pytest options]
# The Trixie roots are built once and cached in /var/cache/kiosk-system-test (with pip's and apt's
# downloads), so a rerun takes minutes; every container, mount and process made is removed at the end.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
ARCH="${1:-amd64}"
shift || true
[[ $(id -u) -eq 0 ]] || { echo "system-test: run as root (it builds and boots a Debian root)" >&2; exit 2; }
start=$SECONDS
if [[ "$ARCH" == arm64 ]]; then
    exec "$HERE/arm64.sh"
fi
for tool in debootstrap systemd-nspawn nsenter; do
    command -v "$tool" >/dev/null || { echo "system-test: $tool is missing (make test-deps installs it)" >&2; exit 2; }
done
t0=$SECONDS
KIOSK_SYSTEM_TEST_ROOT="$("$HERE/build-root.sh" amd64)"
echo "system-test: Trixie root ready in $((SECONDS - t0)) s: $KIOSK_SYSTEM_TEST_ROOT"
mkdir -p "$CHECKOUT/artifacts"
rm -f "$CHECKOUT/artifacts/system-test-figures.txt"
cd "$CHECKOUT"
set +e
KIOSK_SYSTEM_TEST=1 KIOSK_SYSTEM_TEST_ROOT="$KIOSK_SYSTEM_TEST_ROOT" \
    "$CHECKOUT/.venv/bin/python" -m pytest tests/system -p no:cacheprovider -v -s -rA "$@"
rc=$?
set -e
echo "system-test: figures (also in artifacts/system-test-figures.txt):"
sed 's/^/    /' "$CHECKOUT/artifacts/system-test-figures.txt" 2>/dev/null || true
echo "system-test: whole run $((SECONDS - start)) s"
exit $rc
