"""``kiosk desk``: the front-desk board, and the commands a clinic runs to set it up.

    kiosk desk [--config desk.yaml]                 run the board
    kiosk desk set-password [--password-stdin]      set the desk's login
    kiosk desk add-room "Treatment room 3"          broker credentials and mqtt: block for a room
"""

from __future__ import annotations

import argparse
import getpass
import logging
import sys

DEFAULT_CONFIG = "/etc/kiosk-desk/desk.yaml"


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "desk", help="run the front-desk board (a web page of every room), or set it up",
        description="Run the front-desk board: a web page showing every room live, messaging a room and "
                    "keeping the clinic's history. Without an action it serves the board.")
    config_help = f"the desk config (default: {DEFAULT_CONFIG})"
    parser.add_argument("--config", metavar="FILE", default=DEFAULT_CONFIG, help=config_help)
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    pw = actions.add_parser("set-password", help="set the password the front desk logs in with",
                            description="Set the desk's login password (stored as a scrypt hash in "
                                        "password_hash_file); every browser logged in is logged out.")
    pw.add_argument("--config", metavar="FILE", default=argparse.SUPPRESS, help=config_help)
    pw.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    room = actions.add_parser("add-room", help="make a room's broker login and print its mqtt: block",
                              description="Create a room's user in the clinic's Mosquitto password file and "
                                          "print (or write) the room's mqtt: block and password file.")
    room.add_argument("--config", metavar="FILE", default=argparse.SUPPRESS, help=config_help)
    room.add_argument("name", help='the room\'s name, e.g. "Treatment room 3"')
    room.add_argument("--room-id", help="its id in topics and its broker user (default: the name as a slug)")
    room.add_argument("--passwords", default="/etc/mosquitto/kiosk/passwords", metavar="FILE",
                      help="the broker's password file (default: %(default)s)")
    room.add_argument("--acl", default="/etc/mosquitto/kiosk/acl", metavar="FILE",
                      help="the broker's ACL, checked to cover the room (default: %(default)s)")
    room.add_argument("--broker", metavar="HOST[:PORT]",
                      help="the broker as the room reaches it (default: the desk config's, or this machine's name)")
    room.add_argument("--out", metavar="DIR", help="also write room-mqtt.yaml and mqtt-password into DIR")
    room.add_argument("--replace", action="store_true", help="give an existing room a new password")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    action = getattr(args, "action", None)
    if action == "set-password":
        return set_password(args)
    if action == "add-room":
        from kiosk.desk.provision import add_room

        return add_room(args)
    from kiosk.desk.config import load_desk_config
    from kiosk.desk.server import serve

    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    serve(load_desk_config(args.config))
    return 0


def set_password(args: argparse.Namespace, stdin=None) -> int:
    from kiosk.desk.auth import PasswordError, write_hash_file
    from kiosk.desk.config import load_desk_config
    from kiosk.desk.store import Store

    config = load_desk_config(args.config)
    if args.password_stdin:
        password = (stdin or sys.stdin).readline().rstrip("\r\n")
    else:
        password = getpass.getpass("New desk password: ")
        if getpass.getpass("Again: ") != password:
            raise PasswordError("the two passwords differ; nothing changed")
    write_hash_file(config.password_hash_file, password)
    if (config.data_dir / "desk.sqlite3").exists():
        store = Store(config.data_dir)
        store.drop_all_logins()
        store.close()
    print(f"The desk password is set ({config.password_hash_file}); browsers logged in must log in again.")
    return 0

