"""Writing output files the user named: one writer for every report, table, plan and export.

:func:`write_output` writes bytes (or what a callback writes into a binary file) to a path
given on the command line (``--out``, ``--html``, ``--csv``, ``--xlsx``, ``--report``…):

- it accepts only a **regular file** (replaced) or a **new name** in an existing folder; a
  folder, a device (``/dev/full``, ``/dev/null``), a named pipe (FIFO) or a socket is refused
  before anything is written, and so is a symbolic link to one of them (a link to a regular
  file writes that file and keeps the link). A device node is never replaced by a file;
- it writes a temporary file in the target's folder (a short random name, so a long target
  name does not make it fail), flushes it to disk, then renames it over the target: the
  target is written whole or not at all, and the temporary is removed on every failure
  (including an interrupt);
- an operating-system error becomes an :class:`~proxisante.errors.OutputError` with one
  line naming the option, the path and the cause (no space left, file-size limit,
  permission denied, read-only file system, name too long, missing folder…), which the CLI
  shows with exit code 2.

:func:`check_output` runs the same checks without writing, so that a command refuses a bad
target before a long computation rather than after it. Where the bytes come from (CSV
layout, xlsx sheets, HTML) is the caller's business: this module only puts them on disk.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from proxisante.errors import OutputError, shorten

__all__ = ["USER_ERRNOS", "check_output", "os_error_message", "write_output"]

#: Longest file name (one path component) most file systems accept, in bytes.
NAME_MAX_BYTES = 255

_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISSOCK, "a socket"),
)

#: What an errno means for a user writing a file (one line each).
_CAUSES = {
    errno.ENOSPC: "no space left on the device",
    errno.EDQUOT: "disk quota exceeded",
    errno.EFBIG: "file too large for the file-size limit (ulimit -f) or the file system",
    errno.EACCES: "permission denied",
    errno.EPERM: "operation not permitted (read-only or immutable file or folder?)",
    errno.EROFS: "read-only file system",
    errno.ENAMETOOLONG: "file name too long",
    errno.ENOENT: "folder does not exist",
    errno.ENOTDIR: "a part of the path is not a folder",
    errno.EISDIR: "is a folder",
    errno.EIO: "input/output error of the device",
    errno.ELOOP: "too many levels of symbolic links",
    errno.EMFILE: "too many open files",
    errno.EXDEV: "cannot rename across file systems",
}

#: Errors of the system a user can act on (shown as one line, exit 2, not as a bug).
USER_ERRNOS = frozenset(_CAUSES) - {errno.EXDEV}


def os_error_message(exc: OSError) -> str:
    """A one-line cause for an :class:`OSError` (e.g. ``no space left on the device
    (ENOSPC)``), without a temporary path or the system's own wording when known."""
    code = exc.errno
    name = errno.errorcode.get(code, "") if code is not None else ""
    cause = _CAUSES.get(code) if code is not None else None
    if cause is None:
        cause = exc.strerror or type(exc).__name__
    return f"{cause} ({name})" if name else cause


def _fail(option: str, path: Path | str, msg: str) -> OutputError:
    return OutputError(f"{option} '{shorten(path, 120)}': {msg}")


def _kind(mode: int) -> str | None:
    """What a non-regular file is (None for a regular file)."""
    for test, kind in _KINDS:
        if test(mode):
            return kind
    return None if stat.S_ISREG(mode) else "not a regular file"


def check_output(path: str | Path, *, option: str = "--out") -> Path:
    """The file :func:`write_output` would write for ``path`` (a symbolic link's target), after
    checking it can be: a regular file or a new name, in an existing folder, with a name the
    file system accepts.

    Raises
    ------
    OutputError
        A folder, device, FIFO, socket (or a link to one), a dangling link, a missing
        folder or one the process cannot write in, a name longer than 255 bytes, or a path
        that cannot be examined.
    """
    path = Path(path)
    if str(path) in ("", "."):
        raise _fail(option, path, "expected a file name")
    if len(os.fsencode(path.name)) > NAME_MAX_BYTES:
        n = len(os.fsencode(path.name))
        raise _fail(option, path, f"file name is {n:,} bytes long; at most {NAME_MAX_BYTES} "
                    "(ENAMETOOLONG)")  # fmt: skip
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise _fail(option, path, os_error_message(exc)) from None
    target = path
    if st is not None and stat.S_ISLNK(st.st_mode):
        target = Path(os.path.realpath(path))
        try:
            st = os.stat(target)
        except FileNotFoundError:
            msg = (f"is a symbolic link to a missing file '{shorten(target, 80)}'; expected a "
                   "regular file or a new name")  # fmt: skip
            raise _fail(option, path, msg) from None
        except OSError as exc:
            raise _fail(option, path, os_error_message(exc)) from None
    if st is not None:
        kind = _kind(st.st_mode)
        if kind is not None:
            link = (
                f" (through a symbolic link to '{shorten(target, 80)}')" if target != path else ""
            )
            raise _fail(option, path, f"is {kind}{link}; expected a regular file or a new "
                        "name")  # fmt: skip
    folder = target.parent
    try:
        folder_st = os.stat(folder)
    except FileNotFoundError:
        raise _fail(option, path, f"output folder '{shorten(folder, 80)}' does not exist") from None
    except OSError as exc:
        raise _fail(option, path, os_error_message(exc)) from None
    if not stat.S_ISDIR(folder_st.st_mode):
        raise _fail(option, path, f"'{shorten(folder, 80)}' is not a folder")
    if not os.access(folder, os.W_OK):  # no permission, immutable, or a read-only file system
        raise _fail(option, path, f"cannot write in folder '{shorten(folder, 80)}' (permission "
                    "denied, an immutable folder or a read-only file system)")  # fmt: skip
    return target


def write_output(
    path: str | Path, content: bytes | str | Callable[[BinaryIO], object], *,
    option: str = "--out",
) -> Path:  # fmt: skip
    """Write ``content`` to ``path``, whole or not at all (see the module docstring).

    Parameters
    ----------
    path
        The file the user named.
    content
        The bytes, text (written as UTF-8), or a function writing into a binary file object.
    option
        The option that named ``path``, quoted in messages (``--out``, ``--csv``…).

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    OutputError
        The target is not a regular file or a new name, or the system refused the write
        (one line naming the option, the path and the cause).
    """
    path = Path(path)
    target = check_output(path, option=option)
    folder = target.parent
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode)
    except OSError:
        mode = None  # a new file: the umask applies
    tmp = _temporary(folder, option, path)
    try:
        try:
            with open(tmp, "wb") as fh:
                if callable(content):
                    content(fh)
                else:
                    fh.write(content.encode("utf-8") if isinstance(content, str) else content)
                fh.flush()
                os.fsync(fh.fileno())
            if mode is not None:
                os.chmod(tmp, mode)
            check_output(path, option=option)  # still a regular file or a new name
            os.replace(tmp, target)
        except OSError as exc:
            raise _fail(option, path, "cannot write: " + os_error_message(exc)) from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return path


def _temporary(folder: Path, option: str, path: Path) -> Path:
    """A new empty file with a short random name in ``folder`` (created with O_EXCL)."""
    for _ in range(16):
        tmp = folder / f".proxisante-{secrets.token_hex(6)}.tmp"
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue
        except OSError as exc:
            raise _fail(option, path, "cannot write: " + os_error_message(exc)) from None
        os.close(fd)
        return tmp
    raise _fail(option, path, "cannot create a temporary file in its folder")
