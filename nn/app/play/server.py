"""The playground's web application (Starlette): three pages, their JSON endpoints, and the guards around them.

    GET  /                 the formula page (static/formula.html); its state lives in the address:
                           /?formula=tanh(x1*w1%2Bx2*w2%2Bb)&x1=2&x2=0&w1=-3&w2=1&b=6.8813735870195432
    GET  /network          the network page;   GET /documents   the documents page (rendered here, MathML)
    GET  /api/formula      ?formula=...&NAME=VALUE...: graph, gradients, steps, frames (formula_view)
    GET  /api/ways         the same query: the four ways at this point
    POST /api/net/new      {settings}: a new run;  POST /api/net/train {run}: train one slice
    GET  /api/net/state    ?run=;  /api/net/neuron ?run=&layer=&neuron=&sample=;  /api/net/flow ?run=&sample=

Guards (issue 21, item 5): the server listens on loopback only (``nn.app.play_command``); requests whose Host is
not local are refused (DNS rebinding: a page of another site whose name resolves to 127.0.0.1 sends its own Host);
a request that changes state (POST) is refused when the browser says it comes from another site (``Sec-Fetch-Site``,
``Origin``) or is not JSON (a form of another site cannot send JSON without asking first); bodies, queries and every
size have limits, each answered with one line that the page shows; any error is one line of JSON, never a traceback,
and the server goes on.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from nn.app.play import documents_view, formula_view, network_view, neuron_view

LOCAL_HOSTS = ("127.0.0.1", "localhost")
MAX_BODY = 16_384  # bytes of a POST body (the settings are a few hundred)
MAX_QUERY = 4_096  # characters of a query string (a formula of formula_view.MAX_FORMULA and its values fit)
MAX_BUSY = 16  # computations at once (each in a thread of its own); beyond, a request is refused in one line
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")

STATIC = Path(__file__).parent / "static"  # the pages, their script and style (package data)

# Everything from this server, nothing from anywhere else; dot's SVG frames carry <style> elements (the step's
# highlight), hence 'unsafe-inline' for styles only. No script runs that is not one of the package's files.
_SECURITY_HEADERS = {
    "content-security-policy": "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cache-control": "no-store",
}


def _error(message: str, status: int = 400, caret: str = "") -> JSONResponse:
    return JSONResponse({"error": " ".join(str(message).split()), "caret": caret}, status_code=status)


class _SameSite:
    """Refuses state-changing requests that a browser marks as cross-site, and non-JSON ones; adds the security
    headers to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        refusal = _cross_site(request) if request.method not in SAFE_METHODS else _foreign_api_call(request)
        if refusal:
            await _error(refusal, 403)(scope, receive, send)
            return

        async def send_with_headers(message: Any) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [(k.encode(), v.encode()) for k, v in _SECURITY_HEADERS.items()]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _foreign_api_call(request: Request) -> str:
    """Why a read of the page's data is refused, or "": the data are for the page itself, so another site's page
    (which may not read the answer, but could keep the server busy computing it) is refused before any work. A link
    from elsewhere to a page (a teacher's shared link) is a navigation to ``/``, not to ``/api/``, and is served."""
    site = request.headers.get("sec-fetch-site")
    if request.url.path.startswith("/api/") and site is not None and site not in ("same-origin", "none"):
        return (
            f"refused: the playground's data are for its own pages, not for another site (Sec-Fetch-Site: {site[:20]})"
        )
    return ""


def _cross_site(request: Request) -> str:
    """Why a state-changing request is refused, or "" when it may go on."""
    site = request.headers.get("sec-fetch-site")
    if site is not None and site not in ("same-origin", "none"):
        return (
            f"refused: a {request.method} from another site (Sec-Fetch-Site: {site[:20]}) may not change anything here"
        )
    origin = request.headers.get("origin")
    host = request.headers.get("host", "")
    if origin is not None and origin.split("://", 1)[-1] != host:
        return f"refused: a {request.method} from the origin {origin[:60]!r} may not change anything here"
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "application/json":
        return f"refused: a {request.method} must send JSON (Content-Type: application/json), got {kind[:40]!r}"
    return ""


async def _json_body(request: Request) -> Any:
    size = request.headers.get("content-length")
    if size is not None and (not size.isdigit() or int(size) > MAX_BODY):
        raise _Refused(f"the request body is {size[:20]} bytes; the limit is {MAX_BODY}", 413)
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            raise _Refused(f"the request body is over {MAX_BODY} bytes, the limit", 413)
    try:
        return json.loads(body or b"{}")
    except (ValueError, UnicodeDecodeError):
        raise _Refused("the request body is not valid JSON") from None


class _Refused(Exception):
    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def _query(request: Request) -> dict[str, str]:
    if len(request.url.query) > MAX_QUERY:
        raise _Refused(f"the address is {len(request.url.query)} characters long; the limit is {MAX_QUERY}", 414)
    return dict(request.query_params)


def _formula_query(request: Request) -> tuple[str, dict[str, str]]:
    params = _query(request)
    formula = params.pop("formula", "")
    if not formula.strip():
        raise formula_view.PageError("type a formula, for example tanh(x*w + b)")
    return formula, params


# -- pages -------------------------------------------------------------------------------------------------------


def _static_page(name: str) -> HTMLResponse:
    return HTMLResponse((STATIC / name).read_text(encoding="utf-8"))


async def formula_page(request: Request) -> Response:
    return _static_page("formula.html")


async def network_page(request: Request) -> Response:
    return _static_page("network.html")


def documents_page(request: Request) -> Response:
    shell = (STATIC / "documents.html").read_text(encoding="utf-8")
    return HTMLResponse(shell.replace("<!-- the documents -->", documents_view.documents_body()))


# -- the formula page's data -------------------------------------------------------------------------------------


class _Busy:
    """How many computations (a formula's page, the four ways, a new run, a training slice, a neuron) run now; beyond
    ``MAX_BUSY`` a request is answered at once with one line (503) instead of waiting for a thread: a flood of
    requests then costs the server nothing but those lines, and its memory stays flat. A page sends one request at a
    time (the formula page waits for its answer before it asks again), so this is reached only by a dozen tabs
    training at once, or by a program."""

    def __init__(self) -> None:
        self.now = 0  # only the event loop's thread counts, so no lock is needed

    async def run(self, func: Any, *args: Any) -> Any:
        if self.now >= MAX_BUSY:
            raise _Refused(f"the server is busy with {self.now} computations, its limit; try again in a moment", 503)
        self.now += 1
        try:
            return _finite(await run_in_threadpool(func, *args))
        finally:
            self.now -= 1


async def formula_data(request: Request) -> Response:
    formula, given = _formula_query(request)
    return JSONResponse(await request.app.state.busy.run(formula_view.formula_page, formula, given))


async def ways_data(request: Request) -> Response:
    formula, given = _formula_query(request)
    return JSONResponse(await request.app.state.busy.run(formula_view.ways_page, formula, given))


def _finite(data: Any) -> Any:
    """JSON has no inf or NaN: such a number (a gradient at a kink of the formula's domain) becomes its text."""
    if isinstance(data, float) and not math.isfinite(data):
        return str(data)
    if isinstance(data, dict):
        return {k: _finite(v) for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        return [_finite(v) for v in data]
    return data


# -- the network page's data -------------------------------------------------------------------------------------


def _run_key(value: Any) -> str:
    return value if isinstance(value, str) else ""


async def net_new(request: Request) -> Response:
    settings = network_view.read_settings(await _json_body(request))
    data = await request.app.state.busy.run(_new_run, request.app.state.runs, settings)
    return JSONResponse(data)


def _new_run(runs: network_view.Runs, settings: network_view.Settings) -> dict[str, Any]:
    run = network_view.new_run(settings)
    key = runs.add(run)
    with run.lock:
        return {"run": key, **network_view.state(run)}


async def net_train(request: Request) -> Response:
    body = await _json_body(request)
    if not isinstance(body, dict):
        raise _Refused("the request body must be a JSON object with the run's id")
    run = request.app.state.runs.get(_run_key(body.get("run")))
    seconds = 0.0 if body.get("step") is True else network_view.SLICE_SECONDS  # Step: to the end of the epoch
    return JSONResponse(await request.app.state.busy.run(_train_slice, run, seconds))


def _train_slice(run: network_view.Run, seconds: float) -> dict[str, Any]:
    with run.lock:
        network_view.train(run, seconds)
        return network_view.state(run)


def _int_param(params: dict[str, str], key: str) -> int:
    text = params.get(key, "")
    if not (text.isdigit() and len(text) < 10):
        raise network_view.SettingsError(f"{key} {text[:20]!r}: must be a whole number >= 0")
    return int(text)


def _locked(run: network_view.Run, func: Any, *args: Any) -> Any:
    with run.lock:
        return func(run, *args)


async def net_state(request: Request) -> Response:
    run = request.app.state.runs.get(_query(request).get("run"))
    return JSONResponse(await request.app.state.busy.run(_locked, run, network_view.state))


async def net_neuron(request: Request) -> Response:
    params = _query(request)
    run = request.app.state.runs.get(params.get("run"))
    layer, neuron, sample = (_int_param(params, k) for k in ("layer", "neuron", "sample"))
    return JSONResponse(await request.app.state.busy.run(_locked, run, neuron_view.neuron, layer, neuron, sample))


async def net_flow(request: Request) -> Response:
    params = _query(request)
    run = request.app.state.runs.get(params.get("run"))
    sample = _int_param(params, "sample")
    return JSONResponse(await request.app.state.busy.run(_locked, run, neuron_view.flow, sample))


# -- errors: one line, never a traceback -------------------------------------------------------------------------


async def _known_error(request: Request, exc: Exception) -> Response:
    caret = getattr(exc, "caret", "")
    return _error(str(exc), getattr(exc, "status", 400), caret)


async def _http_error(request: Request, exc: Exception) -> Response:
    status = getattr(exc, "status_code", 400)
    return _error(f"{status}: {getattr(exc, 'detail', '')} ({request.url.path[:80]})", status)


async def _unexpected(request: Request, exc: Exception) -> Response:
    first = (str(exc).splitlines() or [""])[0][:300]
    return _error(f"internal error: {type(exc).__name__}: {first}", 500)


def create_app() -> Starlette:
    """The playground's application; ``app.state.runs`` holds the network page's runs."""
    routes = [
        Route("/", formula_page),
        Route("/network", network_page),
        Route("/documents", documents_page),
        Route("/favicon.ico", lambda request: Response(status_code=204)),  # no icon, and no 404 in the console
        Route("/api/formula", formula_data),
        Route("/api/ways", ways_data),
        Route("/api/net/new", net_new, methods=["POST"]),
        Route("/api/net/train", net_train, methods=["POST"]),
        Route("/api/net/state", net_state),
        Route("/api/net/neuron", net_neuron),
        Route("/api/net/flow", net_flow),
        Mount("/static", app=StaticFiles(directory=str(STATIC)), name="static"),
    ]
    handlers: dict[Any, Any] = {
        formula_view.PageError: _known_error,
        network_view.SettingsError: _known_error,
        _Refused: _known_error,
        HTTPException: _http_error,
        Exception: _unexpected,
    }
    middleware = [Middleware(TrustedHostMiddleware, allowed_hosts=list(LOCAL_HOSTS)), Middleware(_SameSite)]
    app = Starlette(routes=routes, middleware=middleware, exception_handlers=handlers)
    app.state.runs = network_view.Runs()
    app.state.busy = _Busy()
    return app
