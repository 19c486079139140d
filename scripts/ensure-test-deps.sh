#!/usr/bin/env bash
# Headless UI tests need an X server (Xvfb), Mesa's software GL, libmtdev (Kivy's input probe),
# xdotool (key presses into the window), espeak-ng (spoken prompts), faketime (wall-clock jumps), a real
# MQTT broker with its clients (mosquitto, mosquitto-clients) for the clinic-network tests, and a
# headless Chromium with its WebDriver (chromium, chromium-driver) for the front-desk board's browser
# tests. The live system test (make system-test) builds Debian roots with debootstrap, boots them with
# systemd-nspawn, runs the arm64 root under qemu-user-static, and checks udev rules with udevadm.
# Routines in other scripts need the fonts the kiosk draws them with (Noto for Hebrew, Arabic,
# Devanagari, Thai ...; Noto CJK; Symbola for emoji) and the OCR test reads them back with
# Tesseract and its language packs.
# Install what is missing
# with apt-get when running as root; otherwise say what to install.
set -euo pipefail
missing=()
command -v Xvfb >/dev/null || missing+=(xvfb)
command -v xdotool >/dev/null || missing+=(xdotool)
command -v espeak-ng >/dev/null || missing+=(espeak-ng)
command -v faketime >/dev/null || missing+=(faketime)   # wall-clock jumps under the real kiosk
command -v mosquitto >/dev/null || [[ -x /usr/sbin/mosquitto ]] || missing+=(mosquitto)
command -v mosquitto_sub >/dev/null || missing+=(mosquitto-clients)
command -v chromium >/dev/null || missing+=(chromium)
command -v chromedriver >/dev/null || missing+=(chromium-driver)
ldconfig -p 2>/dev/null | grep -q 'libmtdev.so.1' || missing+=(libmtdev1)
compgen -G '/usr/lib/*/dri/swrast_dri.so' >/dev/null || compgen -G '/usr/lib/*/dri/kms_swrast_dri.so' >/dev/null \
    || missing+=(libgl1-mesa-dri)
ldconfig -p 2>/dev/null | grep -q 'libGL.so.1' || missing+=(libgl1)
command -v debootstrap >/dev/null || missing+=(debootstrap)
command -v systemd-nspawn >/dev/null || missing+=(systemd-container)
command -v qemu-aarch64-static >/dev/null || missing+=(qemu-user-static)
command -v udevadm >/dev/null || missing+=(udev)
command -v fc-list >/dev/null || missing+=(fontconfig)
[[ -f /usr/share/fonts/truetype/noto/NotoSansHebrew-Regular.ttf ]] || missing+=(fonts-noto-core)
[[ -f /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ]] || missing+=(fonts-noto-cjk)
compgen -G '/usr/share/fonts/truetype/ancient-scripts/Symbola*' >/dev/null || missing+=(fonts-symbola)
command -v tesseract >/dev/null || missing+=(tesseract-ocr)
for lang in eng:eng heb:heb ara:ara chi_sim:chi-sim jpn:jpn kor:kor hin:hin tha:tha ell:ell rus:rus; do
    compgen -G "/usr/share/tesseract-ocr/*/tessdata/${lang%%:*}.traineddata" >/dev/null \
        || missing+=("tesseract-ocr-${lang##*:}")
done
if [[ ${#missing[@]} -eq 0 ]]; then
    exit 0
fi
if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    echo "Installing test dependencies: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
    echo "warning: missing ${missing[*]}; install them with: sudo apt-get install ${missing[*]}" >&2
fi
