"""``autograd-mini play``: the backpropagation playground in the browser, on the real engine (``nn.app.play``).

    autograd-mini play                  a free port on 127.0.0.1, opens the browser
    autograd-mini play --port 8765 --no-browser

Starts the playground's server (Starlette on uvicorn) on the loopback address only, prints its address, opens the
browser (unless --no-browser) and runs until Ctrl-C, which stops it cleanly (exit status 0). In a notebook,
``nn.app.play_command.serve_in_background()`` starts the same server in a thread and shows the page inline.
"""

from __future__ import annotations

import socket
import sys
import threading
import webbrowser
from typing import Any

from nn.app.options import OptionError, whole

HOST = "127.0.0.1"  # loopback only: nothing on the network can reach the playground

EPILOG = """\
examples:
  autograd-mini play                          a free port, opens the browser
  autograd-mini play --port 8765 --no-browser then open the address it prints

Pages: the formula (type one, move the sliders, click a node, step through the backward pass, practise, the four
ways), the network (train on moons, circles, xor, spiral or blobs; click a neuron for its delta), the documents (each
printed formula's verdict). A link to the formula page keeps the formula and the values:
  /?formula=tanh(x1*w1%2Bx2*w2%2Bb)&x1=2&x2=0&w1=-3&w2=1&b=6.8813735870195432
Everything is served from the package; no network is used. Ctrl-C stops the server.
"""

MISSING = "the playground needs its extra: pip install 'autograd-mini[play]' (make tour installs it)"


def add_parser(sub, formatter):
    """Register ``play`` with the command line's subparsers."""
    parser = sub.add_parser(
        "play",
        help="the backpropagation playground in your browser (a local server on 127.0.0.1)",
        description="Start the playground: a local web page where you change a number and watch every gradient "
        "follow, train a network, and check the documents' formulas. Listens on 127.0.0.1 only.",
        epilog=EPILOG,
        formatter_class=formatter,
    )
    parser.add_argument(
        "--port",
        type=whole(0, 65535),
        default=0,
        help="the port on 127.0.0.1 (default: 0, a free port chosen by the system)",
    )
    parser.add_argument("--no-browser", action="store_true", help="do not open a browser (default: open one)")
    parser.set_defaults(run=run)
    return parser


def _bind(port: int) -> socket.socket:
    """A listening socket on 127.0.0.1:port, or an OptionError naming the port."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((HOST, port))
    except OSError as err:
        sock.close()
        raise OptionError(
            f"--port {port}: cannot listen there ({err.strerror or err}); choose another port, or 0"
        ) from None
    sock.listen(128)
    return sock


def _server(sock: socket.socket) -> Any:
    try:
        import uvicorn

        from nn.app.play.server import create_app
    except ImportError as err:
        raise OptionError(f"{MISSING} ({err})") from None
    config = uvicorn.Config(create_app(), log_level="warning", access_log=False, lifespan="off")
    return uvicorn.Server(config)


def run(args):
    """Serve until Ctrl-C; 0 when stopped, 2 for a port that cannot be used."""
    sock = _bind(args.port)
    server = _server(sock)
    url = f"http://{HOST}:{sock.getsockname()[1]}/"
    print(f"autograd-mini play: serving the playground at {url}  (Ctrl-C stops it)", flush=True)
    if not args.no_browser:
        threading.Timer(0.5, webbrowser.open, args=(url,)).start()
    try:
        # uvicorn answers Ctrl-C (and SIGTERM) by finishing the requests under way, then raises it again
        server.run(sockets=[sock])
    except KeyboardInterrupt:
        pass  # for a server, Ctrl-C is the way to stop: status 0, as python -m http.server
    finally:
        sock.close()
    print("autograd-mini play: stopped", file=sys.stderr)
    return 0


class Playground:
    """A server running in a background thread: ``.url``, ``.stop()``; in a notebook it shows the page inline."""

    def __init__(self, port: int = 0, height: int = 760) -> None:
        self.sock = _bind(port)
        self.server = _server(self.sock)
        self.url = f"http://{HOST}:{self.sock.getsockname()[1]}/"
        self.height = height
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.sock.close()

    def _repr_html_(self) -> str:
        return f'<iframe src="{self.url}" width="100%" height="{self.height}" style="border:1px solid #ccc"></iframe>'

    def __repr__(self) -> str:
        return f"<autograd-mini playground at {self.url}>"


def serve_in_background(port: int = 0) -> Playground:
    """Start the playground in a thread; the last expression of a notebook cell shows it inline (an IFrame)."""
    return Playground(port)
