# The front desk's part of scripts/install.sh (sourced by it for --desk; not run on its own).
#
#   packages   apt-get install mosquitto mosquitto-clients python3-venv (on the live system only)
#   broker     /etc/mosquitto/conf.d/clinic.conf, /etc/mosquitto/kiosk/{acl,passwords} from
#              deploy/mosquitto (passwords only when missing; it gets the user "desk")
#   user       kiosk-desk: system user, home /var/lib/kiosk-desk, no login shell
#   program    /opt/kiosk/src and /opt/kiosk/venv, shared with a room kiosk on the same machine
#   config     /etc/kiosk-desk/desk.yaml (only when missing), mqtt-password (the desk's broker login)
#   systemd    /etc/systemd/system/kiosk-desk.service enabled; started once a login is set
# Everything it changed is listed in /etc/kiosk-desk/installed, which --desk --uninstall reads.

DESK_USER=kiosk-desk
DESK_ETC=/etc/kiosk-desk
DESK_STATE=/var/lib/kiosk-desk
DESK_MANIFEST=$DESK_ETC/installed
BROKER_ETC=/etc/mosquitto/kiosk
DESK_PACKAGES=(mosquitto mosquitto-clients python3-venv)

desk_record() {
    mkdir -p "$R$DESK_ETC"
    touch "$R$DESK_MANIFEST"
    grep -qxF "$1" "$R$DESK_MANIFEST" || printf '%s\n' "$1" >> "$R$DESK_MANIFEST"
}
desk_recorded() { [[ -f "$R$DESK_MANIFEST" ]] && grep -qxF "$1" "$R$DESK_MANIFEST"; }

desk_user() {
    if ! have_user "$DESK_USER"; then
        local own_group=(--user-group)
        have_group "$DESK_USER" && own_group=(--gid "$DESK_USER")
        useradd --system "${own_group[@]}" --home-dir "$DESK_STATE" --no-create-home \
            --shell /usr/sbin/nologin --comment "Session kiosk front desk" "${shadow_args[@]}" "$DESK_USER"
        desk_record "user $DESK_USER"
        say "user: created $DESK_USER"
    fi
}

# The clinic's broker: the shipped config and ACL; a password file with the desk's user, made once.
desk_broker() {
    local mgid=0 dgid password
    have_group mosquitto && mgid="$(gid_of mosquitto)"
    dgid="$(gid_of "$DESK_USER")"
    put 0644 0:0 "$R/etc/mosquitto/conf.d/clinic.conf" < "$SOURCE/deploy/mosquitto/clinic.conf"
    mkdir -p "$R$BROKER_ETC"
    chown "0:$mgid" "$R$BROKER_ETC"
    chmod 0750 "$R$BROKER_ETC"
    put 0640 "0:$mgid" "$R$BROKER_ETC/acl" < "$SOURCE/deploy/mosquitto/acl"
    mkdir -p "$R$DESK_ETC"
    chown "0:$dgid" "$R$DESK_ETC"
    chmod 0750 "$R$DESK_ETC"
    if [[ ! -f "$R$BROKER_ETC/passwords" || ! -f "$R$DESK_ETC/mqtt-password" ]]; then
        password="$(head -c 24 /dev/urandom | base64 | tr -d '/+=')"
        local scratch
        scratch="$(mktemp -d)"
        printf 'desk:%s\n' "$password" > "$scratch/one"
        chmod 0600 "$scratch/one"
        mosquitto_passwd -U "$scratch/one" || die "mosquitto_passwd failed (is mosquitto installed?)"
        touch "$R$BROKER_ETC/passwords"
        grep -v '^desk:' "$R$BROKER_ETC/passwords" > "$scratch/all" || true
        cat "$scratch/one" >> "$scratch/all"
        install -m 0640 -o 0 -g "$mgid" "$scratch/all" "$R$BROKER_ETC/passwords"
        printf '%s\n' "$password" > "$scratch/secret"
        install -m 0640 -o 0 -g "$dgid" "$scratch/secret" "$R$DESK_ETC/mqtt-password"
        rm -rf "$scratch"
        desk_record "broker passwords"
        say "broker: user desk created in $BROKER_ETC/passwords"
    fi
    desk_record "broker config"
}

desk_config() {
    local dgid
    dgid="$(gid_of "$DESK_USER")"
    if [[ ! -f "$R$DESK_ETC/desk.yaml" ]]; then
        put 0640 "0:$dgid" "$R$DESK_ETC/desk.yaml" <<DESKYAML
# The front-desk board (kiosk desk). Every key: README.md, "Front desk". Check with: kiosk doctor --desk
broker: 127.0.0.1:1883
username: desk
password_file: $DESK_ETC/mqtt-password
listen: 127.0.0.1:8080          # 0.0.0.0:8080 to serve the clinic's LAN (then set https: too)
data_dir: $DESK_STATE
password_hash_file: $DESK_ETC/login
# rooms:                        # names for room ids, as kiosk desk add-room prints them
#   treatment-room-3: Treatment room 3
DESKYAML
        say "config: $DESK_ETC/desk.yaml"
    fi
    mkdir -p "$R$DESK_STATE"
    chown "$(uid_of "$DESK_USER"):$dgid" "$R$DESK_STATE"
    chmod 0750 "$R$DESK_STATE"
}

desk_unit() {
    put 0644 0:0 "$R/etc/systemd/system/kiosk-desk.service" < "$SOURCE/systemd/kiosk-desk.service"
    systemctl "${systemctl_args[@]}" enable kiosk-desk.service >/dev/null 2>&1 \
        || { mkdir -p "$R/etc/systemd/system/multi-user.target.wants"
             ln -sfn /etc/systemd/system/kiosk-desk.service "$R/etc/systemd/system/multi-user.target.wants/kiosk-desk.service"; }
    say "systemd: kiosk-desk.service enabled"
}

desk_start() {
    [[ $LIVE -eq 1 && -d /run/systemd/system ]] || return 0
    systemctl daemon-reload
    systemctl reload-or-restart mosquitto.service || say "mosquitto did not start: see journalctl -u mosquitto"
    if [[ ! -f "$DESK_ETC/login" ]]; then
        say "next: set the desk's password: sudo $PREFIX_DIR/venv/bin/kiosk desk --config $DESK_ETC/desk.yaml set-password"
        say "      then: sudo systemctl start kiosk-desk"
    elif [[ $START -eq 1 ]]; then
        systemctl restart kiosk-desk.service || say "kiosk-desk did not start: see journalctl -u kiosk-desk"
    fi
}

desk_uninstall() {
    if [[ $LIVE -eq 1 && -d /run/systemd/system ]]; then
        systemctl disable --now kiosk-desk.service >/dev/null 2>&1 || true
    else
        systemctl "${systemctl_args[@]}" disable kiosk-desk.service >/dev/null 2>&1 || true
    fi
    rm -f "$R/etc/systemd/system/multi-user.target.wants/kiosk-desk.service" "$R/etc/systemd/system/kiosk-desk.service"
    rmdir "$R/etc/systemd/system/multi-user.target.wants" 2>/dev/null || true
    if desk_recorded "broker config"; then
        rm -f "$R/etc/mosquitto/conf.d/clinic.conf"
        say "removed: the clinic's broker config (its passwords and ACL stay in $BROKER_ETC; --purge removes them)"
    fi
    # The program stays while a room kiosk on this machine still uses it.
    if [[ ! -f "$R/etc/systemd/system/kiosk.service" ]]; then
        rm -rf "$R$PREFIX_DIR"
    fi
    say "removed: the board's unit"
    if [[ $PURGE -eq 1 ]]; then
        if desk_recorded "user $DESK_USER" && have_user "$DESK_USER"; then
            userdel "${shadow_args[@]}" "$DESK_USER"
            have_group "$DESK_USER" && groupdel "${shadow_args[@]}" "$DESK_USER"
        fi
        desk_recorded "broker passwords" && rm -rf "$R$BROKER_ETC"
        rm -rf "$R$DESK_ETC" "$R$DESK_STATE"
        say "purged: $DESK_ETC, $DESK_STATE, $BROKER_ETC and the user $DESK_USER"
    else
        [[ -f "$R$DESK_MANIFEST" ]] && sed -i -e '/^broker config$/d' "$R$DESK_MANIFEST"
        say "kept: $DESK_ETC (desk config, login) and $DESK_STATE (history); --purge removes them"
    fi
    if [[ $LIVE -eq 1 && -d /run/systemd/system ]]; then
        systemctl daemon-reload
        systemctl try-restart mosquitto.service || true
    fi
}

desk_main() {
    if [[ $UNINSTALL -eq 1 ]]; then
        desk_uninstall
        return
    fi
    APT_PACKAGES=("${DESK_PACKAGES[@]}")
    install_packages
    desk_user
    install_program
    desk_broker
    desk_config
    desk_unit
    desk_start
    say "done. Check the desk with: sudo $PREFIX_DIR/venv/bin/kiosk doctor --desk"
}
