"""The one safe writer (autograd_mini.files): whole files or nothing, never through a symbolic link, never onto a
device or into a folder's place, and folders made inside an output folder refuse links too (issue 19).

The attacks are the ones a shared folder allows: a link planted at the output's name (pointing at a file to
overwrite, or nowhere), planted between the check and the write, a FIFO that would block a writer, a folder or a
link where a sub-folder is made; and the careless ones: read-only files, names with newlines and unicode, threads.
"""

import os
import stat
import threading

import pytest

from autograd_mini import files


def test_a_new_file_and_a_replaced_file_hold_exactly_the_bytes(tmp_path):
    path = tmp_path / "a.bin"
    assert files.write_bytes(path, b"\x00first") == path
    assert path.read_bytes() == b"\x00first"
    files.write_text(path, "zweite Fassung: \u00e4\u2207K\n")
    assert path.read_bytes() == "zweite Fassung: \u00e4\u2207K\n".encode()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.bin"]  # no temporary file left


def test_a_replaced_file_keeps_its_mode_and_a_new_one_gets_the_umask(tmp_path):
    old = tmp_path / "old.txt"
    old.write_text("x")
    os.chmod(old, 0o640)
    files.write_text(old, "y")
    assert stat.S_IMODE(os.stat(old).st_mode) == 0o640
    reference = tmp_path / "reference.txt"
    reference.write_text("made by open()")  # 0o666 minus the umask
    new = tmp_path / "new.txt"
    files.write_text(new, "z")
    assert stat.S_IMODE(os.stat(new).st_mode) == stat.S_IMODE(os.stat(reference).st_mode)


@pytest.mark.parametrize("dangling", [False, True], ids=["to a file", "to nowhere"])
def test_a_symbolic_link_at_the_name_is_refused_and_its_target_untouched(tmp_path, dangling):
    victim = tmp_path / "victim.txt"
    if not dangling:
        victim.write_text("precious")
    link = tmp_path / "out.svg"
    link.symlink_to(victim)
    with pytest.raises(files.UnsafeOutputError) as caught:
        files.write_text(link, "<svg/>")
    message = str(caught.value)
    assert message.startswith(f"{str(link)!r}: the path is a symbolic link, not a regular file;")
    assert "\n" not in message
    assert link.is_symlink() and os.readlink(link) == str(victim)
    assert victim.read_text() == "precious" if not dangling else not victim.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["out.svg"] + ([] if dangling else ["victim.txt"]))


def test_a_link_planted_after_the_check_is_replaced_not_followed(tmp_path, monkeypatch):
    # the race a check alone cannot close: the link appears between the look at the name and the write. The
    # rename swaps the folder entry, so the link goes and the file it pointed at keeps its bytes.
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    path = tmp_path / "out.txt"
    real_replace = os.replace

    def plant_then_replace(src, dst):
        os.symlink(victim, dst)
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", plant_then_replace)
    files.write_text(path, "new")
    assert victim.read_text() == "precious"
    assert not path.is_symlink() and path.read_text() == "new"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_a_fifo_and_a_folder_are_refused_without_blocking(tmp_path):
    fifo = tmp_path / "pipe.png"
    os.mkfifo(fifo)  # opening it for writing would wait for a reader forever
    with pytest.raises(files.UnsafeOutputError, match=r"pipe.png': the path is a FIFO \(named pipe\), not a regular"):
        files.write_bytes(fifo, b"png")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    (tmp_path / "folder").mkdir()
    with pytest.raises(files.UnsafeOutputError, match="the path is a folder, not a regular file"):
        files.write_bytes(tmp_path / "folder", b"x")


def test_a_read_only_file_is_not_replaced(tmp_path):
    path = tmp_path / "ro.txt"
    path.write_text("keep")
    os.chmod(path, 0o444)
    with pytest.raises(PermissionError, match=r"ro.txt': the file is read-only \(mode 0444"):
        files.write_text(path, "new")
    assert path.read_text() == "keep"


def test_a_missing_folder_is_named_and_who_starts_the_message(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"^graph: the folder '.*nowhere' does not exist$"):
        files.write_text(tmp_path / "nowhere" / "g.svg", "x", who="graph")


@pytest.mark.parametrize("name", ["zeile\neins.txt", "\u202eevil\u0301.svg", "\U0001d431.png", "-rf", "x" * 250])
def test_hostile_and_long_names_are_written_as_they_are(tmp_path, name):
    path = tmp_path / name
    files.write_text(path, name)
    assert path.read_text() == name and [p.name for p in tmp_path.iterdir()] == [name]


def test_make_folder_refuses_a_link_or_a_file_at_its_name(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    (out / "frames").symlink_to(elsewhere)
    with pytest.raises(files.UnsafeOutputError, match=r"frames': the path is a symbolic link, not a folder"):
        files.make_folder(out / "frames")
    (out / "file").write_text("x")
    with pytest.raises(files.UnsafeOutputError, match=r"file': the path is a file, not a folder"):
        files.make_folder(out / "file")
    assert files.make_folder(out / "a" / "b").is_dir()
    assert files.make_folder(out / "a" / "b").is_dir()  # an existing real folder is fine
    assert list(elsewhere.iterdir()) == []


def test_threads_writing_one_name_leave_one_whole_version(tmp_path):
    path = tmp_path / "shared.txt"
    versions = [str(k) * 100_000 for k in range(8)]
    threads = [threading.Thread(target=files.write_text, args=(path, v)) for v in versions]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert path.read_text() in versions
    assert [p.name for p in tmp_path.iterdir()] == ["shared.txt"]
