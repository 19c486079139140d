#!/usr/bin/env bash
# The arm64 install path (a Raspberry Pi's architecture) under qemu-user emulation, in a chroot:
# scripts/install.sh for real (apt-get, venv, pip resolving the aarch64 wheels of Kivy, PyYAML and
# gpiozero), then the kiosk's commands on Trixie's own Python. No boot: systemd under qemu-user runs
# degraded, so the boot checks are amd64 only. Prints one line per check and "N passed, N failed".
set -euo pipefail
source "$(dirname "$0")/lib.sh"
passed=0 failed=0 n=0
check() {  # check NAME CMD...: one line per check; the output of a failed one follows it
    local name="$1" t0=$SECONDS log
    shift
    n=$((n + 1))
    log="$LOG.$n"
    if "$@" > "$log" 2>&1; then
        passed=$((passed + 1)); echo "PASSED arm64 $name ($((SECONDS - t0)) s): $(tail -n 1 "$log")"
    else
        failed=$((failed + 1)); echo "FAILED arm64 $name ($((SECONDS - t0)) s):"; tail -n 25 "$log" | sed 's/^/    /' || true
    fi
    return 0
}
start=$SECONDS
registered_here=0
mounted_binfmt=0
WORK=""
cleanup() {
    set +e
    if [[ -n "$WORK" ]]; then
        for m in "$WORK/root/.cache/pip" "$WORK/var/cache/apt/archives" "$WORK/dev/pts" "$WORK/dev" "$WORK/sys" "$WORK/proc" "$WORK"; do
            mountpoint -q "$m" && umount -l "$m"
        done
        rm -rf "$WORK" "$WORK.upper" "$WORK.work" "$WORK.log".*
    fi
    [[ $registered_here -eq 1 ]] && echo -1 > /proc/sys/fs/binfmt_misc/qemu-aarch64
    [[ $mounted_binfmt -eq 1 ]] && umount /proc/sys/fs/binfmt_misc
}
trap cleanup EXIT

# Emulation: the kernel hands aarch64 programs to qemu (F: the interpreter is opened now, so it
# works inside the chroot too). Registered only for this run when it was not already.
if [[ ! -e /proc/sys/fs/binfmt_misc/register ]]; then
    mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc && mounted_binfmt=1
fi
if [[ ! -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ]]; then
    [[ -x /usr/bin/qemu-aarch64-static ]] || { echo "arm64: qemu-user-static is missing (make test-deps)"; exit 1; }
    echo ':qemu-aarch64:M::\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xb7\x00:\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff:/usr/bin/qemu-aarch64-static:F' \
        > /proc/sys/fs/binfmt_misc/register
    registered_here=1
fi

t0=$SECONDS
BASE="$("$HERE/build-root.sh" arm64)"
echo "arm64: root ready in $((SECONDS - t0)) s ($BASE)"
mkdir -p "$CACHE/pip-arm64" "$CACHE/apt-arm64/partial"
WORK="$(mktemp -d /var/tmp/kiosk-arm64.XXXXXX)"
LOG="$WORK.log"
mkdir -p "$WORK.upper" "$WORK.work"
mount -t overlay overlay -o "lowerdir=$BASE,upperdir=$WORK.upper,workdir=$WORK.work" "$WORK"
mount -t proc proc "$WORK/proc"
mount --rbind /sys "$WORK/sys" && mount --make-rslave "$WORK/sys"
mount --bind /dev "$WORK/dev"
mount --bind /dev/pts "$WORK/dev/pts"
mkdir -p "$WORK/root/.cache/pip"
mount --bind "$CACHE/pip-arm64" "$WORK/root/.cache/pip"
mount --bind "$CACHE/apt-arm64" "$WORK/var/cache/apt/archives"
cp /etc/resolv.conf "$WORK/etc/resolv.conf"
seed_pip_config "$WORK"
copy_checkout "$WORK/root/session-kiosk"
in_root() { chroot "$WORK" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 "$@"; }

t0=$SECONDS
check "install.sh (apt-get, venv, pip)" in_root /root/session-kiosk/scripts/install.sh --no-start
install_s=$((SECONDS - t0))
grep -hE '^(packages|venv|done)' "$LOG.1" 2>/dev/null | sed 's/^/    /' || true
check "aarch64 wheels import on Trixie's Python" in_root /usr/bin/env KIVY_NO_FILELOG=1 KIVY_NO_CONFIG=1 \
    /opt/kiosk/venv/bin/python -c '
import platform, sys
from importlib.metadata import version
import kivy, yaml, gpiozero, kivy._clock
assert platform.machine() == "aarch64", platform.machine()
print("python", sys.version.split()[0], "kivy", version("Kivy"), "PyYAML", version("PyYAML"), "gpiozero", version("gpiozero"))'
run_kiosk() { in_root /usr/bin/env KIOSK_DATA_DIR=/var/lib/kiosk GPIOZERO_PIN_FACTORY=mock KIVY_NO_ARGS=1 /opt/kiosk/venv/bin/kiosk "$@"; }
check "kiosk validate routines" run_kiosk validate /opt/kiosk/src/routines
check "kiosk plan back-massage" run_kiosk plan back-massage
check "kiosk simulate back-massage" run_kiosk simulate back-massage --press 300:advance --press 600:pause --press 660:resume
# doctor exits non-zero when it finds a fault; here there is no screen, GPIO chip or service (a
# chroot): the check is that it runs through and reports instead of crashing.
check "kiosk doctor runs and reports" bash -c 'out="$(chroot "'"$WORK"'" /opt/kiosk/venv/bin/kiosk doctor 2>&1)"; rc=$?; echo "$out"; [[ $rc -le 1 ]] && ! grep -q Traceback <<<"$out" && grep -qi lgpio <<<"$out"'
echo "arm64: install took $install_s s; whole arm64 run $((SECONDS - start)) s"
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
