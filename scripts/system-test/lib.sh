# Shared by the system-test scripts: the cache, this machine's pip settings, a clean copy of the checkout.
CACHE="${KIOSK_SYSTEM_TEST_CACHE:-/var/cache/kiosk-system-test}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CHECKOUT="$(cd "$HERE/../.." && pwd)"

# pip inside a root needs this machine's CA bundle and pip settings (a proxy's CA, an index mirror).
# apt in the root regenerates /etc/ssl/certs, so the bundle goes where apt never writes.
seed_pip_config() {  # seed_pip_config ROOT
    local root="$1" bundle
    bundle="$(python3 -m pip config get global.cert 2>/dev/null || true)"
    [[ -n "$bundle" && -f "$bundle" ]] || bundle="${PIP_CERT:-${REQUESTS_CA_BUNDLE:-/etc/ssl/certs/ca-certificates.crt}}"
    mkdir -p "$root/usr/local/share/kiosk-system-test"
    cp "$bundle" "$root/usr/local/share/kiosk-system-test/ca-bundle.crt"
    {
        echo "[global]"
        echo "cert = /usr/local/share/kiosk-system-test/ca-bundle.crt"
        echo "disable-pip-version-check = true"
        echo "default-timeout = 180"
        local index="${PIP_INDEX_URL:-}"
        [[ -n "$index" ]] || index="$(python3 -m pip config get global.index-url 2>/dev/null || true)"
        if [[ -n "$index" ]]; then
            echo "index-url = $index"
        fi
    } > "$root/etc/pip.conf"
}

# The checkout as a fresh clone would have it: tracked and new files, nothing ignored (.venv, caches).
copy_checkout() {  # copy_checkout DEST
    mkdir -p "$1"
    (cd "$CHECKOUT" && git ls-files -z --cached --others --exclude-standard \
        | xargs -0 -I{} sh -c 'test -e "{}" && printf "%s\0" "{}"' \
        | tar --null -T - -cf -) | tar -C "$1" -xf -
}
