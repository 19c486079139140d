#!/usr/bin/env bash
# Create the virtual environment, installing Debian's python3-venv first when it is missing and we are root.
set -euo pipefail
python="${1:-python3}"
venv="${2:-.venv}"
if [[ -x "$venv/bin/python" ]]; then
    exit 0
fi
if ! "$python" -m venv "$venv" 2>/dev/null; then
    rm -rf "$venv"
    if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
        echo "Installing python3-venv with apt-get ..."
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
        "$python" -m venv "$venv"
    else
        echo "error: '$python -m venv' failed; install it with: sudo apt-get install python3-venv" >&2
        exit 1
    fi
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
