"""``autograd-mini play`` as a learner runs it: it prints its address on 127.0.0.1, serves the page, and Ctrl-C stops
it cleanly; a port that cannot be used is one line and status 2."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

pytest.importorskip("uvicorn")

COMMAND = [sys.executable, "-m", "nn.app", "play", "--no-browser"]


def _start(*args):
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([*COMMAND, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    line = proc.stdout.readline()
    match = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
    assert match, (line, proc.stderr.read() if proc.poll() is not None else "")
    return proc, match.group(0)


def test_serves_on_loopback_and_stops_cleanly_on_ctrl_c():
    proc, url = _start()
    try:
        with urllib.request.urlopen(url + "api/formula?formula=x*y&x=2&y=3", timeout=10) as reply:
            assert b'"grads":{"x":3.0,"y":2.0}' in reply.read()
        port = int(url.rsplit(":", 1)[1].strip("/"))
        # loopback only: the port is not open on this machine's other addresses
        other = socket.gethostbyname(socket.gethostname())
        if not other.startswith("127."):
            with pytest.raises(OSError):
                socket.create_connection((other, port), timeout=2).close()
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=20)
    assert proc.returncode == 0
    assert "Traceback" not in err and "stopped" in err


def test_a_busy_port_is_one_line_and_status_2():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        result = subprocess.run([*COMMAND, "--port", str(port)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and f"--port {port}: cannot listen there" in result.stderr


@pytest.mark.parametrize("port", ["-1", "65536", "http"])
def test_a_bad_port_is_one_line_and_status_2(port):
    result = subprocess.run([*COMMAND, "--port", port], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "--port" in result.stderr and result.stderr.count("\n") == 1


def test_in_a_notebook_the_page_is_an_iframe_to_the_running_server():
    from nn.app.play_command import serve_in_background

    playground = serve_in_background()
    try:
        deadline = time.time() + 10
        while True:
            try:
                with urllib.request.urlopen(playground.url, timeout=2) as reply:
                    assert b"autograd-mini play" in reply.read()
                break
            except OSError:
                if time.time() > deadline:
                    raise
                time.sleep(0.1)
        assert f'<iframe src="{playground.url}"' in playground._repr_html_()
    finally:
        playground.stop()
