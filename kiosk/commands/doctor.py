"""``kiosk doctor``: check this machine for what breaks kiosks, and say how to fix each thing found."""

from __future__ import annotations

import argparse
import json
import sys

from kiosk.commands import add_command
from kiosk.doctor import FAIL, SKIP, WARN, Finding, all_checks, make_context, run_checks
from kiosk.doctor.system import System

_LABEL = {"ok": "ok  ", WARN: "warn", FAIL: "FAIL", SKIP: "skip"}


def register(subparsers) -> None:
    names = [name for name, _ in all_checks()]
    parser = add_command(
        subparsers, "doctor", doctor,
        help="check the machine (GPU, touch, sound, GPIO, data folder, service) and say how to fix problems",
        description="Check what breaks kiosks in practice and say how to fix each problem found. Run it with "
                    "sudo on the kiosk itself to check on behalf of the kiosk user and read its log. "
                    "Exit 0 when nothing failed (warnings allowed), 1 otherwise.",
    )
    parser.add_argument("--config", metavar="FILE", help="room config (default: the unit's, or /etc/kiosk/room.yaml)")
    parser.add_argument("--data-dir", metavar="DIR", help="data folder to check (default: as the kiosk resolves it)")
    parser.add_argument("--user", help='user the kiosk runs as (default: "kiosk" when it exists, else you)')
    parser.add_argument("--unit", default="kiosk.service", help="systemd unit of the kiosk (default: %(default)s)")
    parser.add_argument("--only", metavar="CHECK", action="append", choices=names,
                        help=f"run only this check (repeatable): {', '.join(names)}")
    parser.add_argument("--json", action="store_true", help="print the findings as JSON")
    parser.add_argument("--desk", action="store_true",
                        help="check the front desk instead: its config (--config, default "
                             "/etc/kiosk-desk/desk.yaml), broker, login, board and certificate")


def doctor(args: argparse.Namespace, system: System | None = None, out=None) -> int:
    out = out or sys.stdout
    if getattr(args, "desk", False):
        import getpass

        from kiosk.desk.doctor import check_desk

        findings = check_desk(args.config or "/etc/kiosk-desk/desk.yaml")
        failed = any(f.status == FAIL for f in findings)
        if args.json:
            json.dump({"ok": not failed, "findings": [f.as_dict() for f in findings]}, out, indent=2)
            out.write("\n")
        else:
            out.write(render(findings, getpass.getuser()))
        return 1 if failed else 0
    system = system or System()
    ctx = make_context(system, user=args.user, config_path=args.config, data_dir=args.data_dir, unit=args.unit)
    findings = run_checks(ctx, args.only)
    failed = [f for f in findings if f.status == FAIL]
    if args.json:
        json.dump({"user": ctx.user, "ok": not failed, "findings": [f.as_dict() for f in findings]}, out, indent=2)
        out.write("\n")
    else:
        out.write(render(findings, ctx.user))
    return 1 if failed else 0


def render(findings: list[Finding], user: str) -> str:
    """The report for a person: one line per finding, the fix indented under each problem."""
    lines = []
    for f in findings:
        lines.append(f"{_LABEL.get(f.status, f.status):4}  {f.check:8}  {f.message}")
        if f.fix and f.status in (FAIL, WARN):
            lines.append(f"{'':14}fix: {f.fix}")
    failed = sum(f.status == FAIL for f in findings)
    warned = sum(f.status == WARN for f in findings)
    if failed:
        lines.append(f"\n{failed} problem(s) to fix, {warned} warning(s) (checked as user {user}).")
    elif warned:
        lines.append(f"\nAll is well, with {warned} warning(s) (checked as user {user}).")
    else:
        lines.append(f"\nAll is well (checked as user {user}).")
    return "\n".join(lines) + "\n"
