"""Model files, strictly (issue 14, item 4): hand-written malformed files, FIFOs and devices, read-only targets,
and saves killed with SIGKILL.

Before issue 14: ``"activation": ["relu"]`` gave ``TypeError: unhashable type: 'list'``; a 5000-digit integer gave
Python's digit-limit error without the file; 100,000-deep nesting gave ``RecursionError``; ``"version": true`` and
``1.0`` were accepted; a FIFO blocked forever; ``/dev/zero`` was read until ``MemoryError``; ``save`` replaced a
device node and a read-only file; a killed save left its ``.tmp`` file behind for good.

Every file here is written by hand (the oracle is the text itself: what it says and what is wrong with it), and
FIFOs and device nodes are made in a temporary folder: no real device is touched.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from nn import MLP, io

ROOT = Path(__file__).resolve().parents[1]

# A one-neuron model written by hand: z = 0.5 x + 0.25, relu hidden (none here), linear output.
GOOD = (
    '{"format": "autograd-mini-mlp", "version": 1, "sizes": [1, 1], "activation": "relu", '
    '"output_activation": "linear", "layers": [{"W": [[0.5]], "b": [0.25]}]}'
)


def test_the_hand_written_file_loads():
    # the oracle for the cases below: the unbroken file gives z = 0.5 * 2 + 0.25 = 1.25 at x = 2
    path = Path(os.environ.get("TMPDIR", "/tmp")) / f"good-{os.getpid()}.json"
    path.write_text(GOOD)
    try:
        assert io.load(path)([2.0]).data == 1.25
    finally:
        path.unlink()


MALFORMED = [
    # (name, the text with one thing wrong, the field the message must name, what it must say)
    (
        "activation-list",
        GOOD.replace('"activation": "relu"', '"activation": ["relu"]'),
        "'activation' is ['relu']",
        "known activations are",
    ),
    (
        "output-activation-object",
        GOOD.replace('"output_activation": "linear"', '"output_activation": {"a": 1}'),
        "'output_activation' is {'a': 1}",
        "known activations",
    ),
    ("activations-number", GOOD.replace('"layers"', '"activations": 7, "layers"'), "'activations' 7", "disagrees"),
    ("version-true", GOOD.replace('"version": 1', '"version": true'), "format version True", "the integer 1"),
    ("version-float", GOOD.replace('"version": 1', '"version": 1.0'), "format version 1.0", "the integer 1"),
    ("version-string", GOOD.replace('"version": 1', '"version": "1"'), "format version '1'", "the integer 1"),
    (
        "version-5000-digits",
        GOOD.replace('"version": 1', '"version": 1' + "0" * 4999),
        "format version <an integer of 5000 digits>",
        "the integer 1",
    ),
    (
        "size-5000-digits",
        GOOD.replace('"sizes": [1, 1]', '"sizes": [1' + "0" * 4999 + ", 1]"),
        "'sizes' must be a list of at least two whole numbers >= 1, got [<an integer of 5000 digits>, 1]",
        "",
    ),
    (
        "weight-5000-digits",
        GOOD.replace("[[0.5]]", "[[-" + "9" * 5000 + "]]"),
        "parameter L1.N0.w0 is <an integer of 5000 digits>",
        "not a finite number",
    ),
    ("weight-1e400", GOOD.replace("[[0.5]]", "[[1e400]]"), "parameter L1.N0.w0 is inf", "not a finite number"),
    ("bias-NaN", GOOD.replace("[0.25]", "[NaN]"), "parameter L1.N0.b is nan", "not a finite number"),
    ("bias-true", GOOD.replace("[0.25]", "[true]"), "parameter L1.N0.b is True", "not a finite number"),
    (
        "bias-long-string",
        GOOD.replace("[0.25]", '["' + "x" * 100_000 + '"]'),
        "parameter L1.N0.b is 'xxxxx",
        "..., not a finite number",
    ),  # the message is cut short, not 100 kB
    ("sizes-bool", GOOD.replace('"sizes": [1, 1]', '"sizes": [true, 1]'), "'sizes' must be", "got [True, 1]"),
    (
        "layers-object",
        GOOD.replace('[{"W": [[0.5]], "b": [0.25]}]', '{"W": [[0.5]], "b": [0.25]}'),
        "'sizes' [1, 1] needs 1 layers of weights",
        "the file has dict",
    ),
    ("W-flat", GOOD.replace("[[0.5]]", "[0.5]"), "layer 1: W must be 1 rows of 1 numbers", ""),
    (
        "nested-100000",
        GOOD.replace("[[0.5]]", "[" * 100_000 + "]" * 100_000),
        'the field "layers" is nested more than 16 levels deep',
        "a model file nests 5 levels",
    ),
    ("nested-at-the-top", "[" * 100_000 + "]" * 100_000, "the file is nested more than 16 levels deep", ""),
]


@pytest.mark.parametrize("name, text, field, says", MALFORMED, ids=[m[0] for m in MALFORMED])
def test_each_malformed_file_is_a_value_error_naming_file_and_field(tmp_path, name, text, field, says):
    path = tmp_path / f"{name}.json"
    path.write_text(text)
    target = MLP(1, [1], seed=3)
    before = target.state_dict()
    with pytest.raises(ValueError) as info:
        io.load(path, into=target)
    message = str(info.value)
    assert message.startswith(f"nn.io.load({str(path)!r}): "), message[:300]
    assert field in message and says in message, message[:300]
    assert len(message) < 400  # one readable line, whatever the file holds
    assert target.state_dict() == before


def test_a_fifo_is_refused_at_once_never_waited_on(tmp_path):
    fifo = tmp_path / "model.json"
    os.mkfifo(fifo)
    outcome = []

    def load():
        try:
            io.load(fifo)
        except ValueError as err:
            outcome.append(str(err))

    reader = threading.Thread(target=load, daemon=True)
    reader.start()
    reader.join(timeout=5)
    if reader.is_alive():  # blocked in open(): let it go by opening the other end, then fail
        with open(fifo, "w"):
            pass
        reader.join(timeout=5)
        pytest.fail("io.load waited on a FIFO")
    assert outcome == [f"nn.io.load({str(fifo)!r}): the path is a FIFO (named pipe), not a regular file; a model "
                       f"is read from a file"]  # fmt: skip
    with pytest.raises(ValueError, match=r"the path is a FIFO \(named pipe\), not a regular file"):
        io.save(MLP(1, [1], seed=0), fifo)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)  # still the FIFO


def test_a_folder_and_a_symbolic_link_are_not_model_files(tmp_path):
    with pytest.raises(ValueError, match=r"the path is a folder, not a regular file"):
        io.load(tmp_path)
    with pytest.raises(ValueError, match=r"the path is a folder, not a regular file"):
        io.save(MLP(1, [1], seed=0), tmp_path)
    (tmp_path / "real.json").write_text(GOOD)
    link = tmp_path / "link.json"
    link.symlink_to(tmp_path / "real.json")
    assert io.load(link)([2.0]).data == 1.25  # reading follows the link to the regular file
    with pytest.raises(ValueError, match=r"the path is a symbolic link, not a regular file"):
        io.save(MLP(1, [1], seed=0), link)  # writing would replace the link itself (or write where it points)
    assert link.is_symlink() and (tmp_path / "real.json").read_text() == GOOD


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="making a device node needs root")
def test_device_nodes_made_in_a_temporary_folder_are_refused(tmp_path):
    # character devices with the numbers of /dev/zero (1, 5: endless zeros) and /dev/full (1, 7: every write
    # fails), made in tmp_path; the real /dev is never opened
    zero, full = tmp_path / "zero", tmp_path / "full"
    os.mknod(zero, 0o666 | stat.S_IFCHR, os.makedev(1, 5))
    os.mknod(full, 0o666 | stat.S_IFCHR, os.makedev(1, 7))
    start = time.perf_counter()
    with pytest.raises(ValueError, match=r"zero'\): the path is a character device, not a regular file"):
        io.load(zero)
    assert time.perf_counter() - start < 1.0  # refused, not read until memory runs out
    with pytest.raises(ValueError, match=r"full'\): the path is a character device, not a regular file"):
        io.save(MLP(1, [1], seed=0), full)
    assert stat.S_ISCHR(os.lstat(full).st_mode) and os.lstat(full).st_rdev == os.makedev(1, 7)  # not replaced


def test_a_file_larger_than_the_limit_is_refused_before_reading(tmp_path):
    big = tmp_path / "big.json"
    with open(big, "wb") as f:
        f.truncate(io.MAX_FILE_BYTES + 1)  # sparse: no disk used
    with pytest.raises(ValueError, match=rf"big.json'\): the file has {io.MAX_FILE_BYTES + 1:,} bytes, more than"):
        io.load(big)


def test_a_read_only_file_is_not_replaced(tmp_path):
    path = tmp_path / "model.json"
    path.write_text(GOOD)
    os.chmod(path, 0o444)  # read-only for everyone; root could replace it, and must not either
    with pytest.raises(PermissionError, match=r"model.json'\): the file is read-only \(mode 0444"):
        io.save(MLP(1, [1], seed=0), path)
    assert path.read_text() == GOOD and list(tmp_path.iterdir()) == [path]  # unchanged, no temporary file


def test_a_missing_folder_is_named(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"the folder '.*nowhere' does not exist"):
        io.save(MLP(1, [1], seed=0), tmp_path / "nowhere" / "model.json")


def _dead_pid():
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_leftovers_of_dead_saves_are_removed_and_live_ones_kept(tmp_path):
    dead, live = _dead_pid(), 1  # pid 1 (init) is alive as long as the machine is
    leftovers = [tmp_path / f".model.json.{dead}.abc_1234.tmp", tmp_path / f".model.json.{live}.abc_1234.tmp"]
    others = [tmp_path / f".other.json.{dead}.abc_1234.tmp", tmp_path / f".model.json.{dead}.notes"]
    for p in leftovers + others:
        p.write_text("{")
    io.save(MLP(1, [1], seed=0), tmp_path / "model.json")
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == sorted(["model.json", leftovers[1].name] + [p.name for p in others])


_SAVER = """
import os, random, shutil, signal, sys, time
from nn import MLP, io
path, copies, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
models = [MLP(2, [48, 48, 1], seed=1), MLP(2, [48, 48, 1], seed=2)]
rng = random.Random(14)
for run in range(runs):
    pid = os.fork()
    if pid == 0:  # the child saves the two models in turn, over and over, until it is killed
        k = 0
        while True:
            io.save(models[k % 2], path)
            k += 1
    time.sleep(rng.uniform(0.005, 0.05))
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    shutil.copyfile(path, os.path.join(copies, f"after-kill-{run}.json"))
    print(sum(name.endswith(".tmp") for name in os.listdir(os.path.dirname(path))), flush=True)
"""


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the saver is killed from a forked process (POSIX)")
def test_a_save_killed_at_any_moment_leaves_the_old_or_the_new_model(tmp_path):
    # one process imports nn once and forks 25 savers in turn, each killed with SIGKILL 5-50 ms after it started
    # (a save of this model takes about 15 ms); after each kill the file is copied aside and the .tmp files counted
    folder, copies = tmp_path / "models", tmp_path / "copies"
    folder.mkdir()
    copies.mkdir()
    path = folder / "model.json"
    models = [io.to_dict(MLP(2, [48, 48, 1], seed=s)) for s in (1, 2)]
    io.save(MLP(2, [48, 48, 1], seed=1), path)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    runs = 25
    done = subprocess.run([sys.executable, "-c", _SAVER, str(path), str(copies), str(runs)], env=env,
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    leftovers = [int(n) for n in done.stdout.split()]
    assert len(leftovers) == runs
    for run in range(runs):
        assert json.loads((copies / f"after-kill-{run}.json").read_text()) in models, run  # complete, old or new
    assert max(leftovers) >= 1, "no kill landed inside a save; the test did not test anything"
    assert max(leftovers) <= 1, "a save did not remove what the killed one before it left"
    io.save(MLP(2, [48, 48, 1], seed=2), path)  # a later save clears what the last killed one left
    assert [p.name for p in folder.iterdir()] == ["model.json"]
