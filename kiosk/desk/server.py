"""The desk's web server (aiohttp): login, the board page, its live stream, commands, history.

Nothing but the login page and its style sheet is served without a login. Every request that
changes something carries the login's CSRF token in a header or form field, and the session
cookie is HttpOnly, SameSite=Strict (and Secure when the desk serves HTTPS). A command from the
browser is checked with the room's own command parser before it is sent to the broker.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import ssl
import time
from importlib import resources

from aiohttp import web

from kiosk.clinic.config import SLUG
from kiosk.clinic.protocol import MAX_COMMAND_BYTES, CommandError, dumps, parse_command
from kiosk.desk import auth, history
from kiosk.desk.board import Board
from kiosk.desk.config import DeskConfig
from kiosk.desk.link import DeskLink
from kiosk.desk.store import Store
from kiosk.errors import KioskError

log = logging.getLogger(__name__)

COOKIE = "desk_session"
LOGIN_S = 12 * 3600.0
#: The stream sends a comment this often, so a dead browser is noticed and a live one stays live.
PING_S = 15.0
PUBLIC = ("/login", "/static/")
STATIC_TYPES = {".css": "text/css", ".js": "text/javascript", ".svg": "image/svg+xml"}
CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
       "connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")

BOARD, STORE, LINK, CONFIG, LIMIT, CONSUMER = (web.AppKey(n, t) for n, t in (
    ("board", Board), ("store", Store), ("link", DeskLink), ("config", DeskConfig), ("limit", auth.RateLimit),
    ("consumer", asyncio.Task)))


def asset(name: str) -> str:
    return (resources.files("kiosk.desk") / "static" / name).read_text(encoding="utf-8")


# --- middleware ---------------------------------------------------------------------------------


@web.middleware
async def security(request: web.Request, handler):
    """Headers on every answer, and the login check on everything but the login page."""
    path = request.path
    if not path.startswith(PUBLIC):
        token = request.cookies.get(COOKIE, "")
        csrf = request.app[STORE].login(token) if token else None
        if csrf is None:
            if path.startswith(("/api/", "/events")) or request.method != "GET":
                response = web.json_response({"error": "log in first"}, status=401)
            else:
                response = web.HTTPSeeOther("/login")
            return _headers(response)
        request["csrf"] = csrf
        request["token"] = token
        if request.method not in ("GET", "HEAD"):
            sent = request.headers.get("X-CSRF-Token")
            if sent is None and request.content_type == "application/x-www-form-urlencoded":
                sent = (await request.post()).get("csrf")
            if not sent or not secrets.compare_digest(str(sent), csrf):
                return _headers(web.json_response({"error": "missing or wrong CSRF token; reload the page"},
                                                  status=403))
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        response = exc
    return _headers(response)


def _headers(response):
    h = response.headers
    h.setdefault("Content-Security-Policy", CSP)
    h["X-Content-Type-Options"] = "nosniff"
    h["Referrer-Policy"] = "no-referrer"
    h["X-Frame-Options"] = "DENY"
    h.setdefault("Cache-Control", "no-store")
    return response


# --- login ---------------------------------------------------------------------------------------


async def login_page(request: web.Request) -> web.Response:
    return _login_form()


def _login_form(message: str = "", status: int = 200, retry_s: float = 0) -> web.Response:
    import html

    text = asset("login.html").replace("__MESSAGE__", html.escape(message))
    response = web.Response(text=text, content_type="text/html", status=status)
    if retry_s:
        response.headers["Retry-After"] = str(int(retry_s) + 1)
    return response


async def login(request: web.Request) -> web.Response:
    limit, who = request.app[LIMIT], request.remote or "?"
    wait = limit.wait_s(who)
    if wait:
        return _login_form(f"Too many wrong passwords. Try again in {int(wait // 60) + 1} min.", 429, wait)
    form = await request.post()
    password = str(form.get("password", ""))[:1024]
    try:
        stored = auth.read_hash_file(request.app[CONFIG].password_hash_file)
    except auth.PasswordError as exc:
        log.error("login impossible: %s", exc)
        return _login_form("The desk has no password yet. Run: kiosk desk set-password", 503)
    ok = await asyncio.get_running_loop().run_in_executor(None, auth.verify_password, password, stored)
    if not ok:
        limit.failed(who)
        log.warning("wrong desk password from %s", who)
        return _login_form("Wrong password.", 401)
    limit.succeeded(who)
    token = auth.new_token()
    request.app[STORE].add_login(token, auth.new_token(), time.time() + LOGIN_S)
    response = web.HTTPSeeOther("/")
    response.set_cookie(COOKIE, token, max_age=int(LOGIN_S), path="/", httponly=True, samesite="Strict",
                        secure=request.app[CONFIG].https_cert is not None)
    return response


async def logout(request: web.Request) -> web.Response:
    request.app[STORE].drop_login(request["token"])
    response = web.HTTPSeeOther("/login")
    response.del_cookie(COOKIE, path="/")
    return response


# --- the board -------------------------------------------------------------------------------


async def board_page(request: web.Request) -> web.Response:
    return web.Response(text=asset("board.html").replace("__CSRF__", request["csrf"]), content_type="text/html")


async def static(request: web.Request) -> web.Response:
    name = request.match_info["name"]
    kind = STATIC_TYPES.get(name[name.rfind("."):]) if "." in name else None
    if kind is None or "/" in name or name.startswith("."):
        raise web.HTTPNotFound()
    try:
        text = asset(name)
    except (FileNotFoundError, IsADirectoryError):
        raise web.HTTPNotFound() from None
    response = web.Response(text=text, content_type=kind)
    response.headers["Cache-Control"] = "no-cache"
    return response


async def board_json(request: web.Request) -> web.Response:
    return web.json_response(request.app[BOARD].snapshot())


async def events(request: web.Request) -> web.StreamResponse:
    """Server-sent events: a ``snapshot`` first, then ``room``, ``gone``, ``broker``, ``session``."""
    board, store, token = request.app[BOARD], request.app[STORE], request["token"]
    response = web.StreamResponse(headers={"Content-Type": "text/event-stream", "Cache-Control": "no-store",
                                           "X-Accel-Buffering": "no"})
    await response.prepare(request)
    queue = board.watch()
    try:
        await response.write(b"retry: 1000\n\n" + _event("snapshot", json.dumps(board.snapshot())))
        while True:
            try:
                kind, text = await asyncio.wait_for(queue.get(), PING_S)
            except asyncio.TimeoutError:
                if store.login(token) is None:
                    await response.write(_event("logout", "{}"))
                    break
                await response.write(f": {time.time():.0f}\n\n".encode())
                continue
            if kind == "bye":
                break
            await response.write(_event(kind, text))
    except (ConnectionResetError, asyncio.CancelledError):
        pass
    finally:
        board.unwatch(queue)
    return response


def _event(kind: str, text: str) -> bytes:
    return f"event: {kind}\ndata: {text}\n\n".encode()


async def command(request: web.Request) -> web.Response:
    """Check a command exactly as the room will, then send it; ``{"id"}`` to match the room's answer."""
    room = request.match_info["room"]
    if not SLUG.fullmatch(room) or room not in request.app[BOARD].rooms:
        return web.json_response({"error": f"no room {room[:48]!r} on the board"}, status=404)
    if (request.content_length or 0) > MAX_COMMAND_BYTES:
        return web.json_response({"error": "the command is too long"}, status=413)
    try:
        body = json.loads(await request.text())
    except ValueError:
        return web.json_response({"error": "the command is not JSON"}, status=400)
    if not isinstance(body, dict):
        return web.json_response({"error": "the command must be a JSON object"}, status=400)
    request_id = "desk-" + secrets.token_hex(6)
    payload = dumps({**body, "id": request_id})
    try:
        parse_command(payload, time.time())
    except CommandError as exc:
        return web.json_response({"error": exc.reason}, status=422)
    if not request.app[LINK].publish_command(room, payload):
        return web.json_response({"error": "the desk is not connected to the broker; try again in a moment"},
                                 status=503)
    log.info("sent %s to %s", next(k for k in body if k != "id"), room)
    return web.json_response({"id": request_id})


# --- the app -----------------------------------------------------------------------------------


def make_app(config: DeskConfig, *, store: Store | None = None) -> web.Application:
    """The desk's application; connects to the broker when it starts, lets go when it stops."""
    app = web.Application(middlewares=[security], client_max_size=64 * 1024)
    app[CONFIG] = config
    app[STORE] = store or Store(config.data_dir)
    app[BOARD] = Board(app[STORE], config.mqtt.prefix, config.rooms)
    app[LIMIT] = auth.RateLimit()
    app.router.add_get("/login", login_page)
    app.router.add_post("/login", login)
    app.router.add_post("/logout", logout)
    app.router.add_get("/", board_page)
    app.router.add_get("/static/{name}", static)
    app.router.add_get("/api/board", board_json)
    app.router.add_get("/events", events)
    app.router.add_post("/api/rooms/{room}/command", command)
    history.add_routes(app, STORE, BOARD)
    app.on_startup.append(_start)
    app.on_shutdown.append(_shutdown)
    return app


async def _start(app: web.Application) -> None:
    queue: asyncio.Queue = asyncio.Queue()
    link = DeskLink(app[CONFIG].mqtt, asyncio.get_running_loop(), queue, app[CONFIG].client_id)
    app[LINK] = link
    board = app[BOARD]

    async def consume() -> None:
        while True:
            board.handle(await queue.get())

    app[CONSUMER] = asyncio.create_task(consume())
    link.start()


async def _shutdown(app: web.Application) -> None:
    app[BOARD].close_watchers()
    app[CONSUMER].cancel()
    await asyncio.get_running_loop().run_in_executor(None, app[LINK].close)
    app[STORE].close()


def ssl_context(config: DeskConfig) -> ssl.SSLContext | None:
    if config.https_cert is None:
        return None
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(str(config.https_cert), str(config.https_key))
    return context


def serve(config: DeskConfig) -> None:
    """Run the desk until SIGTERM / Ctrl-C."""
    auth.read_hash_file(config.password_hash_file)  # no login yet: say so now, not at the first visit
    app = make_app(config)
    log.info("the board is on %s", config.url)
    print(f"kiosk desk: the board is on {config.url}", flush=True)
    try:
        web.run_app(app, host=config.listen_host, port=config.listen_port, ssl_context=ssl_context(config),
                    print=None, access_log=None, shutdown_timeout=3)
    except OSError as exc:  # the port is taken, or the address is not this machine's
        raise KioskError(f"cannot listen on {config.listen_host}:{config.listen_port} ({exc.strerror or exc}); "
                         "stop what uses that port or change listen: in desk.yaml") from None
