"""The history page of one room: today's and past sessions, a chart of their lengths, CSV export.

Rendered on the server as plain HTML with an inline SVG chart (no script needed to read it).
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from html import escape

from aiohttp import web

from kiosk.clinic.config import SLUG
from kiosk.desk.store import SessionRow

#: How far back the page and the chart look.
PAGE_DAYS, CHART_DAYS = 90, 28
CHART_W, CHART_H, PAD = 640, 180, 34


def add_routes(app: web.Application, store_key, board_key) -> None:
    async def page(request: web.Request) -> web.Response:
        room = _room(request)
        rows = request.app[store_key].sessions(room, since=time.time() - PAGE_DAYS * 86400)
        name = request.app[board_key].room(room)["name"] if room in request.app[board_key].rooms else room
        return web.Response(text=render(room, name, rows, datetime.now().astimezone()),
                            content_type="text/html")

    async def csv(request: web.Request) -> web.Response:
        room = _room(request)
        response = web.Response(text=request.app[store_key].csv(room), content_type="text/csv")
        response.headers["Content-Disposition"] = f'attachment; filename="{room}-sessions.csv"'
        return response

    app.router.add_get("/rooms/{room}/history", page)
    app.router.add_get("/rooms/{room}/history.csv", csv)


def _room(request: web.Request) -> str:
    room = request.match_info["room"]
    if not SLUG.fullmatch(room):
        raise web.HTTPNotFound()
    return room


def _mins(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    return f"{int(round(seconds / 60))} min"


def _late(row: SessionRow) -> str:
    over = row.over_s
    if over is None:
        return "<td>–</td>"
    if row.on_time:
        return '<td class="on-time">✓ on time</td>'
    m, s = divmod(int(round(over)), 60)
    return f'<td class="is-late">⚠ {m}:{s:02d} late</td>'


def _table(rows: list[SessionRow], caption: str) -> str:
    if not rows:
        return f"<h2>{escape(caption)}</h2><p class=\"none\">No sessions.</p>"
    lines = [f"<h2>{escape(caption)}</h2><table><thead><tr><th scope=col>Date</th><th scope=col>Routine</th>"
             "<th scope=col>Start</th><th scope=col>End</th><th scope=col>Planned</th><th scope=col>Actual</th>"
             "<th scope=col>On time</th><th scope=col>How it ended</th></tr></thead><tbody>"]
    for r in rows:
        start = r.started_at.astimezone()
        end = r.ended_at.astimezone().strftime("%H:%M") if r.ended_at else "–"
        lines.append(f"<tr><td>{start:%a %d %b}</td><td>{escape(r.routine)}</td><td>{start:%H:%M}</td>"
                     f"<td>{end}</td><td>{_mins(r.planned_s)}</td><td>{_mins(r.actual_s)}</td>{_late(r)}"
                     f"<td>{escape(r.status)}</td></tr>")
    lines.append("</tbody></table>")
    return "".join(lines)


def chart(rows: list[SessionRow], today: datetime) -> str:
    """An SVG of each session's length (a bar) over the last :data:`CHART_DAYS` days; late bars hatched."""
    first = (today - timedelta(days=CHART_DAYS - 1)).date()
    recent = [r for r in rows if r.actual_s is not None and r.started_at.astimezone().date() >= first]
    if not recent:
        return '<p class="none">No finished sessions in the last four weeks to chart.</p>'
    top = max(max(r.actual_s for r in recent), max((r.planned_s or 0) for r in recent)) / 60
    top = max(30, int(top // 15 + 1) * 15)
    day_w = (CHART_W - PAD - 8) / CHART_DAYS
    y = lambda minutes: CHART_H - PAD + 4 - (CHART_H - PAD) * minutes / top  # noqa: E731
    parts = [f'<svg class="chart" viewBox="0 0 {CHART_W} {CHART_H + 10}" role="img" '
             f'aria-labelledby="chart-title"><title id="chart-title">Session lengths, last {CHART_DAYS} days '
             f"(minutes)</title>"]
    for minutes in range(0, top + 1, 15 if top <= 90 else 30):
        parts.append(f'<line class="grid" x1="{PAD}" x2="{CHART_W}" y1="{y(minutes):.1f}" y2="{y(minutes):.1f}"/>'
                     f'<text class="axis" x="{PAD - 4}" y="{y(minutes) + 4:.1f}" text-anchor="end">{minutes}</text>')
    by_day: dict = {}
    for r in sorted(recent, key=lambda r: r.started_at):
        by_day.setdefault(r.started_at.astimezone().date(), []).append(r)
    for day, sessions in by_day.items():
        x0 = PAD + (day - first).days * day_w
        w = max(2.0, (day_w - 2) / len(sessions))
        for i, r in enumerate(sessions):
            m = r.actual_s / 60
            cls = "bar late" if r.on_time is False else "bar"
            parts.append(f'<rect class="{cls}" x="{x0 + 1 + i * w:.1f}" y="{y(m):.1f}" width="{w - 0.5:.1f}" '
                         f'height="{y(0) - y(m):.1f}"><title>{day:%d %b} {escape(r.routine)}: '
                         f'{m:.0f} min{" (late)" if r.on_time is False else ""}</title></rect>')
    for d in range(0, CHART_DAYS, 7):
        day = first + timedelta(days=d)
        parts.append(f'<text class="axis" x="{PAD + d * day_w:.1f}" y="{CHART_H + 6}">{day:%d %b}</text>')
    parts.append('</svg><p class="legend"><span class="key"></span> on time <span class="key late"></span> '
                 "more than a minute late (pale, dashed)</p>")
    return "".join(parts)


def render(room: str, name: str, rows: list[SessionRow], now: datetime) -> str:
    today = [r for r in rows if r.started_at.astimezone().date() == now.date()]
    past = [r for r in rows if r.started_at.astimezone().date() != now.date()]
    late = sum(1 for r in today if r.on_time is False)
    summary = (f"{len(today)} session{'s' * (len(today) != 1)} today" +
               (f", {late} late" if late else "")) if today else "No sessions today yet"
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(name)}: history</title><link rel="stylesheet" href="/static/desk.css">
<script src="/static/theme.js"></script></head>
<body class="history-page"><header class="bar"><a class="back" href="/">← Board</a>
<h1>{escape(name)}: history</h1>
<a class="button" href="/rooms/{room}/history.csv" download>Download CSV</a></header>
<main><p class="summary">{summary}</p>
<h2>Session lengths, last {CHART_DAYS} days</h2>{chart(rows, now)}
{_table(today, "Today")}{_table(past, f"Earlier (last {PAGE_DAYS} days)")}</main></body></html>"""
