"""Writing a file safely: the whole file or nothing, never through a symbolic link, never onto a device.

Every file the project writes (drawings, the step-by-step page and its frames, plots, model files, the tour's
texts) goes through ``write_bytes`` or ``write_text``:

1. The target is looked at without following links (``os.lstat``). A symbolic link, a folder, a device, a FIFO or
   a socket standing there is refused with ``UnsafeOutputError`` (one line naming the file), a read-only file with
   ``PermissionError``: only a new file or an earlier regular file is ever replaced.
2. The bytes go to a new temporary file in the same folder, opened with ``O_CREAT | O_EXCL | O_NOFOLLOW`` (it never
   opens a name that exists, so never a planted link), and are flushed (and with ``sync=True`` also ``fsync``\\ ed).
3. ``os.replace`` moves it over the target in one step. A rename swaps the folder entry; it never writes through
   what stood there, so a link planted between steps 1 and 3 is replaced, not followed.

The target is therefore either the old file or the complete new one, even when the process is killed. The
temporary file's name holds the process id (``.NAME.<pid>.<random>.tmp``), so a later write of the same name removes
what a killed one left behind. ``make_folder`` creates a folder a program makes inside the folder it was given (the
tour's frames), refusing a link or a file there as well: nothing a command writes lands outside that folder.
"""

from __future__ import annotations

import os
import re
import secrets
import stat
from pathlib import Path

__all__ = ["UnsafeOutputError", "check_target", "describe", "make_folder", "write_bytes", "write_text"]

_ADVICE = "only a new file or an earlier regular file is replaced (never written through a link): choose another path"


class UnsafeOutputError(ValueError):
    """An output path that is not written because something other than a regular file stands there."""


def describe(mode: int) -> str:
    """What a file of ``mode`` (from ``os.lstat``) is, in words: "a symbolic link", "a FIFO (named pipe)" ..."""
    for test, name in (
        (stat.S_ISREG, "a file"),
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISLNK, "a symbolic link"),
        (stat.S_ISFIFO, "a FIFO (named pipe)"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return name
    return "of an unknown kind"


def _who(path: str, who: str | None) -> str:
    return who if who is not None else repr(path)


def check_target(path: str | os.PathLike[str], who: str | None = None) -> os.stat_result | None:
    """Refuse ``path`` unless it is missing or a regular file that may be written; returns its ``lstat`` (or None).

    ``who`` starts the message (default: the path, quoted), e.g. ``nn.io.save('m.json')``."""
    path = os.fspath(path)
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return None
    if not stat.S_ISREG(st.st_mode):
        raise UnsafeOutputError(f"{_who(path, who)}: the path is {describe(st.st_mode)}, not a regular file; {_ADVICE}")
    if not st.st_mode & 0o222 or not os.access(path, os.W_OK):
        raise PermissionError(
            f"{_who(path, who)}: the file is read-only (mode {st.st_mode & 0o777:04o}, owner uid {st.st_uid}); "
            f"make it writable (chmod u+w) or write to another path"
        )
    return st


def make_folder(path: str | os.PathLike[str], who: str | None = None) -> Path:
    """Create the folder ``path`` (and its missing parents) unless it exists as a real folder; a symbolic link, a
    file or anything else at ``path`` itself is refused (``UnsafeOutputError``). Returns the path."""
    path = Path(path)
    try:
        os.makedirs(path.parent, exist_ok=True)
        os.mkdir(path)
    except FileExistsError:
        pass
    mode = os.lstat(path).st_mode
    if not stat.S_ISDIR(mode):
        raise UnsafeOutputError(
            f"{_who(str(path), who)}: the path is {describe(mode)}, not a folder; files are written only into a real "
            f"folder (never through a link): remove it or choose another folder"
        )
    return path


def write_text(path: str | os.PathLike[str], text: str, *, who: str | None = None, sync: bool = False) -> Path:
    """Write ``text`` (UTF-8) to ``path`` as ``write_bytes`` does; returns the path."""
    return write_bytes(path, text.encode("utf-8"), who=who, sync=sync)


def write_bytes(path: str | os.PathLike[str], data: bytes, *, who: str | None = None, sync: bool = False) -> Path:
    """Write ``data`` to ``path``: whole or not at all, never through a link (see the module docstring).

    The folder must exist (``FileNotFoundError`` names it). ``sync``: also ``fsync`` the file before it replaces the
    old one, so that the new content survives a power cut (model files). Returns ``path`` as a ``Path``."""
    name = os.fspath(path)
    old = check_target(name, who)
    folder = os.path.dirname(name) or "."
    base = os.path.basename(name)
    if base in ("", ".", ".."):
        raise UnsafeOutputError(f"{_who(name, who)}: names a folder, not a file; give a file name")
    _remove_leftovers(folder, base)
    tmp, fd = _create_temporary(name, folder, base, who)
    try:
        with os.fdopen(fd, "wb") as f:
            if old is not None:  # the replaced file's mode; a new file has what O_CREAT and the umask gave it
                _chmod(f.fileno(), tmp, old.st_mode & 0o777)
            f.write(data)
            f.flush()
            if sync:
                os.fsync(f.fileno())
        os.replace(tmp, name)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return Path(name)


def _temporary_prefix(base: str) -> str:
    return f".{base[:200]}."  # a long name stays within the file system's 255 bytes


def _create_temporary(name: str, folder: str, base: str, who: str | None) -> tuple[str, int]:
    """A new file ``.BASE.<pid>.<random>.tmp`` beside the target, opened for writing; (its path, descriptor)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    for _ in range(100):
        tmp = os.path.join(folder, f"{_temporary_prefix(base)}{os.getpid()}.{secrets.token_hex(4)}.tmp")
        try:
            return tmp, os.open(tmp, flags, 0o666)  # the umask applies, as to any new file
        except FileExistsError:
            continue
        except FileNotFoundError:
            raise FileNotFoundError(f"{_who(name, who)}: the folder {folder!r} does not exist") from None
        except PermissionError:
            raise PermissionError(f"{_who(name, who)}: no permission to create a file in {folder!r}") from None
    raise FileExistsError(f"{_who(name, who)}: no free temporary name in {folder!r}")


def _chmod(fd: int, path: str, mode: int) -> None:
    if hasattr(os, "fchmod"):
        os.fchmod(fd, mode)
    else:  # pragma: no cover - Windows before Python 3.13
        os.chmod(path, mode)


def _remove_leftovers(folder: str, base: str) -> None:
    """Remove ``.BASE.<pid>.<random>.tmp`` files whose process is gone: what a write killed midway left behind."""
    if os.name != "posix":  # os.kill(pid, 0) asks whether a process exists only on POSIX
        return
    pattern = re.compile(rf"{re.escape(_temporary_prefix(base))}(\d+)\.[a-z0-9_]+\.tmp\Z")
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for entry in names:
        match = pattern.match(entry)
        if match and not _process_alive(int(match.group(1))):
            leftover = os.path.join(folder, entry)
            try:
                if stat.S_ISREG(os.lstat(leftover).st_mode):
                    os.unlink(leftover)
            except OSError:
                pass  # gone already, or not ours to remove


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True  # another thread of this process may be writing right now
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True  # someone else's process (or no pid at all): leave its file alone
    return True
