#!/usr/bin/env bash
# Build (once) a minimal Debian Trixie root that boots under systemd-nspawn, and cache it.
#
#   scripts/system-test/build-root.sh ARCH    -> prints the cached root's path (amd64 or arm64)
#
# The root is keyed by its architecture and package list: change either and a new root is built,
# an unchanged one is reused (a rerun takes seconds). Only Debian's own mirror is contacted.
set -euo pipefail
ARCH="${1:-amd64}"
CACHE="${KIOSK_SYSTEM_TEST_CACHE:-/var/cache/kiosk-system-test}"
MIRROR="${KIOSK_SYSTEM_TEST_MIRROR:-http://deb.debian.org/debian}"
SUITE=trixie
# What a Raspberry Pi OS Lite image has that the kiosk relies on (systemd as PID 1, logind for the
# PAM session, dbus, udev), plus what the test itself drives: Xvfb stands in for the Pi's screen, xdotool
# presses keys on it, sqlite3 reads the journal, procps/util-linux find and signal processes.
PACKAGES=(systemd systemd-sysv dbus libpam-systemd udev ca-certificates python3 python3-venv
          xvfb xdotool sqlite3 procps util-linux iproute2)
if [[ "$ARCH" == arm64 ]]; then
    PACKAGES=(ca-certificates python3 python3-venv procps)
fi
KEY="$(printf '%s\n' "$SUITE" "$ARCH" "${PACKAGES[@]}" | sha256sum | cut -c1-12)"
ROOT="$CACHE/$SUITE-$ARCH-$KEY"

if [[ -f "$ROOT/.complete" ]]; then
    printf '%s\n' "$ROOT"
    exit 0
fi
command -v debootstrap >/dev/null || { echo "build-root: debootstrap is missing (make test-deps installs it)" >&2; exit 1; }
mkdir -p "$CACHE"
tmp="$ROOT.partial"
rm -rf "$tmp"
start=$SECONDS
echo "build-root: debootstrap $SUITE $ARCH into $ROOT (once; a few minutes)" >&2
include="$(IFS=,; echo "${PACKAGES[*]}")"
if ! debootstrap --arch="$ARCH" --variant=minbase --include="$include" "$SUITE" "$tmp" "$MIRROR" \
        > "$CACHE/debootstrap-$ARCH.log" 2>&1; then
    echo "build-root: debootstrap failed; the last lines of $CACHE/debootstrap-$ARCH.log:" >&2
    tail -n 20 "$CACHE/debootstrap-$ARCH.log" >&2
    exit 1
fi
# Like a Pi image: a hostname, a machine-id made at first boot, apt pointed at the same mirror.
echo kiosk-test > "$tmp/etc/hostname"
: > "$tmp/etc/machine-id"
printf 'deb %s %s main\n' "$MIRROR" "$SUITE" > "$tmp/etc/apt/sources.list"
rm -f "$tmp/var/cache/apt/archives/"*.deb
touch "$tmp/.complete"
mv "$tmp" "$ROOT"
# Roots built for an older package list (and half-built ones) are not needed any more.
for old in "$CACHE/$SUITE-$ARCH-"*; do
    [[ "$old" == "$ROOT" ]] || rm -rf "$old"
done
echo "build-root: $SUITE $ARCH built in $((SECONDS - start)) s" >&2
printf '%s\n' "$ROOT"
