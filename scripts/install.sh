#!/usr/bin/env bash
# Install the session kiosk on a fresh Raspberry Pi OS (Bookworm or Trixie, 64-bit), or remove it.
#
#   sudo scripts/install.sh                      install (or update) from this checkout; safe to re-run
#   sudo scripts/install.sh --uninstall          remove the program, unit and boot changes; keep the
#                                                room config and the session journal
#   sudo scripts/install.sh --uninstall --purge  also remove /etc/kiosk, /var/lib/kiosk and the user
#   sudo scripts/install.sh --desk               the front desk instead: Mosquitto with the clinic's
#                                                config, the board (kiosk-desk.service); --desk --uninstall
#
# What it changes (docs/deploy.md says the same, with the reasons):
#   packages   apt-get install python3-venv python3-lgpio libmtdev1 libgl1 libegl1 libgles2 alsa-utils
#              espeak-ng fontconfig fonts-noto-core fonts-noto-cjk fonts-symbola (on the live system
#              only); one apt cannot find is named with what it costs, and the rest is installed
#              (plain Debian has no python3-lgpio: no GPIO foot switch)
#   groups     render video input audio gpio (created as system groups when missing)
#   user       kiosk: system user, home /var/lib/kiosk, no login shell, in the groups above
#   program    /opt/kiosk/src (this checkout, without .git/.venv) and /opt/kiosk/venv (on the live system)
#   config     /etc/kiosk/room.yaml (only when missing; never overwritten), /etc/kiosk/routines/
#   data       /var/lib/kiosk (the journal and resume snapshots; see --data-device for overlay roots)
#   systemd    /etc/systemd/system/kiosk.service enabled, getty@tty1 masked (the kiosk owns tty1);
#              kiosk.service.d/mqtt.conf (LAN access) only while the room config has an mqtt: block
#   PAM        /etc/pam.d/kiosk (the kiosk's login session, for its seat's devices)
#   udev       /etc/udev/rules.d/90-kiosk-backlight.rules (group video may set the backlight's brightness)
#   boot       consoleblank=0 added to cmdline.txt (the screen never blanks)
#   fstab      with --data-device only: that partition mounted on /var/lib/kiosk
# Everything it changed is listed in /etc/kiosk/installed, which --uninstall reads.
#
# --root DIR installs into DIR instead of / (a mounted SD card image, or a scratch folder in tests):
# files, users and groups are written there; packages, the venv and starting the service are left to
# the first boot (deploy/cloud-init/user-data.yaml runs this script again on the Pi itself).
set -euo pipefail

usage() {
    sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'
    cat <<'EOF'
Options:
  --root DIR           install into DIR instead of / (DESTDIR-style)
  --source DIR         the project checkout to install (default: the one holding this script)
  --config FILE        install FILE as /etc/kiosk/room.yaml (replaces the one there)
  --data-device SPEC   mount SPEC (e.g. LABEL=KIOSKDATA) on /var/lib/kiosk via /etc/fstab
  --no-packages        do not run apt-get
  --no-venv            do not create the venv or install the project into it
  --no-start           enable the service but do not start it now
  --uninstall          remove what the installer added
  --purge              with --uninstall: also the room config, the journal and the user
  --desk               install (or with --uninstall remove) the front-desk board and the clinic's broker
  -h, --help           this text
EOF
}

ROOT=/
SOURCE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CONFIG=""
DATA_DEVICE=""
PACKAGES=1
VENV=1
START=1
UNINSTALL=0
PURGE=0
DESK=0

while [[ $# -gt 0 ]]; do
    case "$1" in
        --root) ROOT="${2:?--root needs a folder}"; shift 2 ;;
        --root=*) ROOT="${1#*=}"; shift ;;
        --source) SOURCE="${2:?--source needs a folder}"; shift 2 ;;
        --config) CONFIG="${2:?--config needs a file}"; shift 2 ;;
        --data-device) DATA_DEVICE="${2:?--data-device needs a device, e.g. LABEL=KIOSKDATA}"; shift 2 ;;
        --no-packages) PACKAGES=0; shift ;;
        --no-venv) VENV=0; shift ;;
        --no-start) START=0; shift ;;
        --uninstall) UNINSTALL=1; shift ;;
        --purge) PURGE=1; shift ;;
        --desk) DESK=1; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "install.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
    esac
done

KIOSK_USER=kiosk
GROUPS_NEEDED=(render video input audio gpio)
# A|B: the first that apt offers (Trixie renamed libmtdev1 to libmtdev1t64).
# The fonts draw routines written in other scripts (Noto: Hebrew, Arabic, Devanagari, Thai ...; Noto
# CJK: Chinese, Japanese, Korean; Symbola: emoji); fontconfig finds a clinic's own fonts.
APT_PACKAGES=(python3-venv python3-lgpio 'libmtdev1t64|libmtdev1' libgl1 libegl1 libgles2 alsa-utils espeak-ng
              fontconfig fonts-noto-core fonts-noto-cjk fonts-symbola)
PREFIX_DIR=/opt/kiosk
STATE_DIR=/var/lib/kiosk
ETC_DIR=/etc/kiosk
MANIFEST=$ETC_DIR/installed
FSTAB_MARK="# session kiosk data (scripts/install.sh)"
UDEV_RULE=/etc/udev/rules.d/90-kiosk-backlight.rules

ROOT="$(cd "$ROOT" 2>/dev/null && pwd)" || { echo "install.sh: --root folder does not exist" >&2; exit 2; }
LIVE=0
[[ "$ROOT" == / ]] && LIVE=1
R="${ROOT%/}"   # prefix for paths: "" on the live system

say() { printf '%s\n' "$*"; }
die() { printf 'install.sh: %s\n' "$*" >&2; exit 1; }

if [[ $(id -u) -ne 0 ]]; then
    die "run it as root: sudo $0 $*"
fi

shadow_args=()
systemctl_args=()
if [[ $LIVE -eq 0 ]]; then
    shadow_args=(--prefix "$ROOT")
    systemctl_args=(--root="$ROOT")
    [[ -f "$R/etc/passwd" && -f "$R/etc/group" ]] || die "$ROOT has no etc/passwd and etc/group: is it a root file system?"
fi

# The boot command line: /boot/firmware on Bookworm and later, /boot before.
cmdline_file() {
    local f
    for f in "$R/boot/firmware/cmdline.txt" "$R/boot/cmdline.txt"; do
        [[ -f "$f" ]] && { printf '%s\n' "$f"; return 0; }
    done
    return 1
}

have_group() { grep -q "^$1:" "$R/etc/group"; }
have_user() { grep -q "^$1:" "$R/etc/passwd"; }
in_group() { awk -F: -v g="$1" -v u="$2" '$1 == g { n = split($4, m, ","); for (i = 1; i <= n; i++) if (m[i] == u) found = 1 } END { exit !found }' "$R/etc/group"; }
gid_of() { awk -F: -v g="$1" '$1 == g { print $3 }' "$R/etc/group"; }
uid_of() { awk -F: -v u="$1" '$1 == u { print $3 }' "$R/etc/passwd"; }

# A line in the manifest records one change to undo; adding the same line twice is a no-op.
record() {
    mkdir -p "$R$ETC_DIR"
    touch "$R$MANIFEST"
    grep -qxF "$1" "$R$MANIFEST" || printf '%s\n' "$1" >> "$R$MANIFEST"
    chmod 0644 "$R$MANIFEST"
}
recorded() { [[ -f "$R$MANIFEST" ]] && grep -qxF "$1" "$R$MANIFEST"; }

# Write a file only when its content or mode differs, so a second run leaves everything as it was.
put() {  # put MODE OWNER:GROUP(numeric) DEST < content
    local mode="$1" owner="$2" dest="$3" tmp
    tmp="$(mktemp)"
    cat > "$tmp"
    mkdir -p "$(dirname "$dest")"
    if [[ ! -f "$dest" ]] || ! cmp -s "$tmp" "$dest"; then
        cp "$tmp" "$dest"
        CHANGED=1
    fi
    rm -f "$tmp"
    chmod "$mode" "$dest"
    chown "$owner" "$dest"
}

# Packages apt cannot find here. python3-lgpio is in the Raspberry Pi archive only: on plain Debian
# (or an image without that archive) the GPIO foot switch cannot work, everything else does.
MISSING_PACKAGES=()
# Set when this run changed the program, the venv or a unit file: only then is a running kiosk
# restarted (a re-run on an unchanged room must not interrupt a session).
CHANGED=0

install_packages() {
    if [[ $LIVE -eq 0 || $PACKAGES -eq 0 ]]; then
        say "packages: skipped; the kiosk needs: ${APT_PACKAGES[*]}"
        return
    fi
    command -v apt-get >/dev/null || die "apt-get not found: this installer is for Raspberry Pi OS / Debian"
    apt-get update -qq || say "packages: apt-get update failed; installing from the package lists already here"
    local want pkg candidate found available=()
    for want in "${APT_PACKAGES[@]}"; do
        found=""
        for pkg in ${want//|/ }; do
            candidate="$(apt-cache policy "$pkg" 2>/dev/null | awk '/Candidate:/ { print $2 }')"
            if [[ -n "$candidate" && "$candidate" != "(none)" ]]; then
                found="$pkg"
                break
            fi
        done
        if [[ -n "$found" ]]; then
            available+=("$found")
        else
            MISSING_PACKAGES+=("${want%%|*}")
        fi
    done
    say "packages: ${available[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${available[@]}" >/dev/null \
        || die "apt-get install ${available[*]} failed (see the lines above); fix apt, then run this again"
    for pkg in "${MISSING_PACKAGES[@]}"; do
        say "packages: MISSING $pkg: no apt source here offers it. $(package_cost "$pkg")"
    done
}

# What a package that cannot be installed costs the room, in the words doctor uses too.
package_cost() {
    case "$1" in
        python3-lgpio) echo "Without it there is no GPIO foot switch; a USB or Bluetooth pedal and the" \
            "touch screen still work. It comes from the Raspberry Pi archive (archive.raspberrypi.com)," \
            "which Raspberry Pi OS has enabled." ;;
        espeak-ng) echo "Without it there are no spoken prompts; the bells still sound." ;;
        alsa-utils) echo "Without it doctor cannot list sound devices; sound itself still works." ;;
        fonts-noto-core|fonts-noto-cjk|fonts-symbola) echo "Without it routines written in the scripts" \
            "it covers show empty boxes (the kiosk says which on screen); Latin, Greek and Cyrillic still show." ;;
        fontconfig) echo "Without it the kiosk finds only the Noto fonts, not a font the clinic added." ;;
        *) echo "The kiosk may not start without it: enable the apt source that has it and run this again." ;;
    esac
}

install_user() {
    local g missing=()
    for g in "${GROUPS_NEEDED[@]}"; do
        if ! have_group "$g"; then
            groupadd --system "${shadow_args[@]}" "$g"
            record "group $g"
            say "group: created $g"
        fi
    done
    if ! have_user "$KIOSK_USER"; then
        local own_group=(--user-group)
        have_group "$KIOSK_USER" && own_group=(--gid "$KIOSK_USER")  # left by an earlier install
        useradd --system "${own_group[@]}" --home-dir "$STATE_DIR" --no-create-home \
            --shell /usr/sbin/nologin --comment "Session kiosk" "${shadow_args[@]}" "$KIOSK_USER"
        record "user $KIOSK_USER"
        say "user: created $KIOSK_USER"
    fi
    for g in "${GROUPS_NEEDED[@]}"; do
        in_group "$g" "$KIOSK_USER" || missing+=("$g")
    done
    if [[ ${#missing[@]} -gt 0 ]]; then
        usermod "${shadow_args[@]}" -a -G "$(IFS=,; echo "${missing[*]}")" "$KIOSK_USER"
        say "user: $KIOSK_USER added to ${missing[*]}"
    fi
}

install_program() {
    local dest="$R$PREFIX_DIR/src"
    [[ -f "$SOURCE/pyproject.toml" && -d "$SOURCE/kiosk" ]] || die "$SOURCE is not a session-kiosk checkout (no pyproject.toml)"
    if [[ "$(cd "$SOURCE" && pwd)" != "$(cd "$dest" 2>/dev/null && pwd)" ]]; then
        mkdir -p "$R$PREFIX_DIR"
        rm -rf "$dest.new"
        mkdir -p "$dest.new"
        tar -C "$SOURCE" -cf - --exclude=.git --exclude=.venv --exclude=__pycache__ --exclude='*.pyc' \
            --exclude=.pytest_cache --exclude=.hypothesis --exclude=artifacts --exclude=bench/results \
            --exclude='*.egg-info' --exclude=build --exclude=dist . | tar -C "$dest.new" -xf - --no-same-owner
        chown -R 0:0 "$dest.new"
        chmod -R u=rwX,go=rX "$dest.new"
        # pip install -e leaves its egg-info (and build/) in the source: not a change of the program.
        if [[ -d "$dest" ]] && diff -rq -x '*.egg-info' -x build -x __pycache__ "$dest.new" "$dest" >/dev/null 2>&1; then
            rm -rf "$dest.new"
        else
            rm -rf "$dest"
            mv "$dest.new" "$dest"
            CHANGED=1
            say "program: $PREFIX_DIR/src"
        fi
    fi
    chmod 0755 "$R$PREFIX_DIR"
    if [[ $LIVE -eq 0 || $VENV -eq 0 ]]; then
        say "venv: skipped; on the Pi: python3 -m venv --system-site-packages $PREFIX_DIR/venv && $PREFIX_DIR/venv/bin/pip install -e $PREFIX_DIR/src"
        return
    fi
    # --system-site-packages: lgpio comes from Debian's python3-lgpio, built for this kernel's GPIO.
    local stamp="$PREFIX_DIR/venv/.installed-from"
    if [[ $CHANGED -eq 0 && -x "$PREFIX_DIR/venv/bin/kiosk" && -f "$stamp" ]] \
            && cmp -s "$stamp" "$PREFIX_DIR/src/pyproject.toml"; then
        say "venv: $PREFIX_DIR/venv is up to date"
        return
    fi
    [[ -x "$PREFIX_DIR/venv/bin/python" ]] || python3 -m venv --system-site-packages "$PREFIX_DIR/venv"
    "$PREFIX_DIR/venv/bin/python" -m pip install --quiet --disable-pip-version-check -e "$PREFIX_DIR/src"
    cp "$PREFIX_DIR/src/pyproject.toml" "$stamp"
    CHANGED=1
    say "venv: $PREFIX_DIR/venv"
}

install_config() {
    local kgid
    kgid="$(gid_of "$KIOSK_USER")"
    mkdir -p "$R$ETC_DIR/routines"
    chmod 0755 "$R$ETC_DIR" "$R$ETC_DIR/routines"
    if [[ -n "$CONFIG" ]]; then
        [[ -f "$CONFIG" ]] || die "--config $CONFIG: no such file"
        put 0640 "0:$kgid" "$R$ETC_DIR/room.yaml" < "$CONFIG"
        say "config: $ETC_DIR/room.yaml from $CONFIG"
    elif [[ ! -f "$R$ETC_DIR/room.yaml" ]]; then
        put 0640 "0:$kgid" "$R$ETC_DIR/room.yaml" < "$SOURCE/deploy/room.example.yaml"
        say "config: $ETC_DIR/room.yaml (example; edit the room name and PIN)"
    fi
    # The room config holds the settings PIN: readable by the kiosk, not by everyone (also when
    # cloud-init or a person wrote it).
    chown "0:$kgid" "$R$ETC_DIR/room.yaml"
    chmod 0640 "$R$ETC_DIR/room.yaml"
    mkdir -p "$R$STATE_DIR"
    chown "$(uid_of "$KIOSK_USER"):$kgid" "$R$STATE_DIR"
    chmod 0750 "$R$STATE_DIR"
}

install_data_device() {
    [[ -n "$DATA_DEVICE" ]] || return 0
    local line="$DATA_DEVICE $STATE_DIR ext4 defaults,noatime,nofail,x-systemd.device-timeout=10s 0 2"
    touch "$R/etc/fstab"
    if ! grep -qxF "$FSTAB_MARK" "$R/etc/fstab"; then
        printf '%s\n%s\n' "$FSTAB_MARK" "$line" >> "$R/etc/fstab"
        record "fstab"
        say "fstab: $DATA_DEVICE on $STATE_DIR"
    fi
}

install_unit() {
    put 0644 0:0 "$R/etc/pam.d/kiosk" <<'EOF'
# The session kiosk's login session (systemd/kiosk.service, PAMName=kiosk): no password is asked;
# pam_systemd registers the session with logind so the seat's devices are the kiosk's.
account  required  pam_unix.so
session  required  pam_unix.so
session  optional  pam_systemd.so
EOF
    put 0644 0:0 "$R/etc/systemd/system/kiosk.service" < "$SOURCE/systemd/kiosk.service"
    local changed_before=$CHANGED
    CHANGED=0
    put 0644 0:0 "$R$UDEV_RULE" < "$SOURCE/deploy/udev/90-kiosk-backlight.rules"
    if [[ $CHANGED -eq 1 && $LIVE -eq 1 && -S /run/udev/control ]]; then
        udevadm control --reload && udevadm trigger --subsystem-match=backlight --action=add || true
    fi
    CHANGED=$((CHANGED | changed_before))
    if [[ ! -L "$R/etc/systemd/system/getty@tty1.service" ]]; then
        systemctl "${systemctl_args[@]}" mask getty@tty1.service >/dev/null 2>&1 \
            || ln -sfn /dev/null "$R/etc/systemd/system/getty@tty1.service"
        record "mask getty@tty1.service"
    fi
    systemctl "${systemctl_args[@]}" enable kiosk.service >/dev/null 2>&1 \
        || { mkdir -p "$R/etc/systemd/system/multi-user.target.wants"
             ln -sfn /etc/systemd/system/kiosk.service "$R/etc/systemd/system/multi-user.target.wants/kiosk.service"; }
    say "systemd: kiosk.service enabled, getty@tty1 masked"
}

# A room on the clinic network (an mqtt: block in its config) may reach this machine and the LAN,
# nothing else; every other room keeps the unit's no-network sandbox. Re-run after editing the block.
install_network() {
    local dropin="$R/etc/systemd/system/kiosk.service.d/mqtt.conf"
    if grep -qE '^mqtt:' "$R$ETC_DIR/room.yaml" 2>/dev/null; then
        put 0644 0:0 "$dropin" < "$SOURCE/systemd/kiosk-mqtt.conf"
        say "systemd: on the clinic network: LAN addresses allowed (kiosk.service.d/mqtt.conf)"
    elif [[ -f "$dropin" ]]; then
        rm -f "$dropin"
        rmdir "$(dirname "$dropin")" 2>/dev/null || true
        say "systemd: no mqtt: block any more; the kiosk is back to no network"
    fi
}

install_cmdline() {
    local f
    if ! f="$(cmdline_file)"; then
        say "boot: no cmdline.txt under $ROOT/boot; add consoleblank=0 to the kernel command line yourself"
        return
    fi
    if ! grep -qE '(^| )consoleblank=' "$f"; then
        sed -i -e '1s/[[:space:]]*$/ consoleblank=0/' "$f"
        record "cmdline consoleblank=0"
        say "boot: consoleblank=0 added to ${f#"$R"}"
    fi
}

start_service() {
    if [[ $LIVE -eq 1 && -d /run/systemd/system ]]; then
        systemctl daemon-reload
        if [[ $START -eq 0 ]]; then
            return
        fi
        if [[ $CHANGED -eq 1 ]]; then
            systemctl restart kiosk.service || say "kiosk.service did not start: see journalctl -u kiosk -b"
        elif systemctl is-active --quiet kiosk.service; then
            say "systemd: nothing changed; kiosk.service left running"
        else
            systemctl start kiosk.service || say "kiosk.service did not start: see journalctl -u kiosk -b"
        fi
    fi
}

uninstall() {
    local f
    if [[ $LIVE -eq 1 && -d /run/systemd/system ]]; then
        systemctl disable --now kiosk.service >/dev/null 2>&1 || true
    else
        systemctl "${systemctl_args[@]}" disable kiosk.service >/dev/null 2>&1 || true
    fi
    rm -f "$R/etc/systemd/system/multi-user.target.wants/kiosk.service"
    rm -f "$R/etc/systemd/system/kiosk.service" "$R/etc/pam.d/kiosk" "$R$UDEV_RULE" \
        "$R/etc/systemd/system/kiosk.service.d/mqtt.conf"
    rmdir "$R/etc/systemd/system/kiosk.service.d" 2>/dev/null || true
    rmdir "$R/etc/systemd/system/multi-user.target.wants" 2>/dev/null || true
    if recorded "mask getty@tty1.service"; then
        systemctl "${systemctl_args[@]}" unmask getty@tty1.service >/dev/null 2>&1 || true
        [[ -L "$R/etc/systemd/system/getty@tty1.service" ]] && rm -f "$R/etc/systemd/system/getty@tty1.service"
    fi
    if recorded "cmdline consoleblank=0" && f="$(cmdline_file)"; then
        sed -i -e '1s/ consoleblank=0//' "$f"
    fi
    if recorded "fstab" && [[ -f "$R/etc/fstab" ]]; then
        sed -i -e "\\|^$FSTAB_MARK\$|{N;d}" "$R/etc/fstab"
    fi
    rm -rf "$R$PREFIX_DIR"
    say "removed: the program, the unit, the PAM file and the boot changes"
    if [[ $PURGE -eq 1 ]]; then
        local groups=()
        if [[ -f "$R$MANIFEST" ]]; then
            mapfile -t groups < <(sed -n 's/^group //p' "$R$MANIFEST")
        fi
        if recorded "user $KIOSK_USER" && have_user "$KIOSK_USER"; then
            userdel "${shadow_args[@]}" "$KIOSK_USER"
            # userdel removes the user's own group only where login.defs says USERGROUPS_ENAB.
            have_group "$KIOSK_USER" && groupdel "${shadow_args[@]}" "$KIOSK_USER"
        fi
        for f in "${groups[@]}"; do
            have_group "$f" && groupdel "${shadow_args[@]}" "$f"
        done
        rm -rf "$R$ETC_DIR" "$R$STATE_DIR"
        say "purged: $ETC_DIR, $STATE_DIR, the user and the groups the installer created"
    else
        # What was undone leaves the list; the user and groups stay listed for a later --purge.
        [[ -f "$R$MANIFEST" ]] && sed -i -e '/^mask /d' -e '/^cmdline /d' -e '/^fstab$/d' "$R$MANIFEST"
        say "kept: $ETC_DIR (room config) and $STATE_DIR (session journal); --purge removes them"
    fi
    [[ $LIVE -eq 1 && -d /run/systemd/system ]] && systemctl daemon-reload || true
}

if [[ $DESK -eq 1 ]]; then
    # shellcheck source=scripts/install-desk.sh
    source "$(dirname "${BASH_SOURCE[0]}")/install-desk.sh"
    desk_main
    exit 0
fi

if [[ $UNINSTALL -eq 1 ]]; then
    uninstall
    exit 0
fi

install_packages
install_user
install_program
install_config
install_data_device
install_unit
install_network
install_cmdline
start_service
if [[ ${#MISSING_PACKAGES[@]} -gt 0 ]]; then
    say "done, without: ${MISSING_PACKAGES[*]} (see above). Check the setup with: sudo $PREFIX_DIR/venv/bin/kiosk doctor"
else
    say "done. Check the setup with: sudo $PREFIX_DIR/venv/bin/kiosk doctor"
fi
