"""A command's outputs, written as a whole or not at all, readable by their owner only.

Every command that writes a set of files (``revalidate``, ``dedupe``,
``generate``) writes them through an ``OutputFolder``::

    with OutputFolder(out, "revalidate", expected=("*.csv", "worklist_*.xlsx")) as folder:
        with folder.writing("verdicts.csv") as path:
            verdicts.write_csv(path)

The files go into a temporary folder beside ``out`` (``.<name>.partial-…``);
only when the block ends without an error is that folder renamed to ``out``.
The previous run's folder is renamed aside first and removed once the new one
is in place, so ``out`` holds one run's files, never a mix of two. A failed or
interrupted run (an exception, Ctrl-C) removes its temporary folder, leaves the
previous outputs as they were and says so; an error raised while a file was
being written names that file.

A folder is replaced only when it holds doichieu outputs: the files a run
listed in its marker (``MARKER``), or, for a folder written before markers
existed, files the command itself writes (``expected``). A folder holding
anything else is refused, never deleted. A run may write into subfolders: files
it creates there itself (``create("roster/part-00000.parquet")``, the parts of a
large generated table) are listed one by one, and the subfolder counts as the
run's when every file in it is listed; a folder of parts Spark wrote is listed
whole, with a trailing slash (``findings/``).

Files are created with mode 0600 and folders with 0700 in the call that
creates them (not narrowed afterwards), whatever the umask: the outputs name
members.
"""

from __future__ import annotations

import fnmatch
import json
import os
import secrets
import shutil
import stat
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import TextIO

from doichieu.errors import CataloguedError
from doichieu.messages import text

__all__ = ["FILE_MODE", "FOLDER_MODE", "MARKER", "OutputError", "OutputFolder", "create_private", "make_private_dirs"]

FILE_MODE = 0o600
FOLDER_MODE = 0o700
#: The file in every output folder that says which run wrote it and which files are its.
MARKER = ".doichieu-outputs.json"


class OutputError(CataloguedError):
    """An output folder that cannot be written or replaced; names the file or folder."""


def create_private(path: Path) -> None:
    """Creates the empty file ``path`` (which must not exist) with mode 0600."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), FILE_MODE)
    os.close(fd)


def make_private_dirs(folder: Path) -> None:
    """Creates ``folder`` and its missing parents with mode 0700."""
    missing: list[Path] = []
    for parent in (folder, *folder.parents):
        if parent.exists():
            break
        missing.append(parent)
    for each in reversed(missing):
        try:
            os.mkdir(each, FOLDER_MODE)
        except FileExistsError:
            pass


def _listed_folder(entry: os.DirEntry[str], ours: set[str]) -> bool:
    """Whether ``entry`` is a subfolder a run wrote: a real folder (not a link)
    that the marker lists files in, whose every entry, at any depth, is a plain
    file the marker lists."""
    if entry.is_symlink() or not entry.is_dir(follow_symlinks=False):
        return False
    if not any(name.startswith(f"{entry.name}/") for name in ours):
        return False
    for root, folders, files in os.walk(entry.path):
        base = Path(root).relative_to(Path(entry.path).parent)
        for name in folders:
            if Path(root, name).is_symlink():
                return False
        for name in files:
            if Path(root, name).is_symlink() or (base / name).as_posix() not in ours:
                return False
    return True


def _replaceable(out: Path, expected: Sequence[str]) -> None:
    """Refuses ``out`` unless it is absent, empty or holds only doichieu outputs."""
    try:
        status = out.stat()
    except FileNotFoundError:
        return
    if not stat.S_ISDIR(status.st_mode):
        raise OutputError("output.not_a_folder", out=out)
    entries = {entry.name: entry for entry in os.scandir(out)}
    ours: set[str] = set()
    marker = entries.get(MARKER)
    if marker is not None and marker.is_file(follow_symlinks=False):
        try:
            listed = json.loads(Path(marker.path).read_text(encoding="utf-8")).get("files", [])
            ours = {MARKER, *(str(name) for name in listed)}
        except (OSError, ValueError, AttributeError):
            ours = set()

    def kept(name: str, entry: os.DirEntry[str]) -> bool:
        if entry.is_file(follow_symlinks=False):
            return name in ours or any(fnmatch.fnmatchcase(name, pattern) for pattern in expected)
        # A folder when the marker lists it as one ("name/": Parquet parts Spark wrote) or lists every file in it.
        return (
            not entry.is_symlink() and entry.is_dir(follow_symlinks=False) and f"{name}/" in ours
        ) or _listed_folder(entry, ours)

    foreign = sorted(name for name, entry in entries.items() if not kept(name, entry))
    if foreign:
        shown = ", ".join(foreign[:5]) + (", …" if len(foreign) > 5 else "")
        raise OutputError("output.foreign", out=out, names=shown)


class OutputFolder:
    """See the module docs. ``expected``: the file name patterns this command
    writes, so that a folder it wrote before markers existed is recognised.
    ``notice``: where a run says that the previous outputs could not be removed.
    A failed run's error carries a note that the previous outputs stay."""

    def __init__(
        self, out: str | Path, command: str, *, expected: Sequence[str] = (), notice: TextIO | None = None
    ) -> None:
        self.out = Path(out)
        self.command = command
        self.expected = tuple(expected)
        self.notice = notice
        self.files: list[str] = []
        self._temp: Path | None = None
        # Refused before any work is done, and again before the folder is replaced.
        _replaceable(self.out, self.expected)

    def __enter__(self) -> OutputFolder:
        parent = self.out.absolute().parent
        try:
            make_private_dirs(parent)
            temp = parent / f".{self.out.name}.partial-{os.getpid()}-{secrets.token_hex(4)}"
            os.mkdir(temp, FOLDER_MODE)
        except OSError as exc:
            raise OutputError("output.writing", path=parent, error=exc) from exc
        self._temp = temp
        return self

    @property
    def temp(self) -> Path:
        if self._temp is None:
            raise RuntimeError("an OutputFolder is used inside its with block")
        return self._temp

    def path(self, name: str) -> Path:
        """Where ``name`` will be once the run succeeds."""
        return self.out / name

    def create(self, name: str) -> Path:
        """Creates ``name`` empty with mode 0600 in the temporary folder and
        returns its path there, for a writer that truncates an existing file.
        A name with ``/`` goes into subfolders, created with mode 0700."""
        path = self.temp / name
        make_private_dirs(path.parent)
        create_private(path)
        self.files.append(name)
        return path

    def place(self, name: str) -> Path:
        """The path in the temporary folder for a writer that creates the file
        itself with mode 0600 (the engine's writers)."""
        self.files.append(name)
        make_private_dirs((self.temp / name).parent)
        return self.temp / name

    @contextmanager
    def naming(self, name: str) -> Iterator[None]:
        """An error raised inside names ``name`` as the file being written."""
        try:
            yield
        except OutputError:
            raise
        except Exception as exc:
            raise OutputError("output.writing", path=self.path(name), error=exc) from exc

    @contextmanager
    def writing(self, name: str, *, created: bool = True) -> Iterator[Path]:
        """The path to write ``name`` to (created empty with mode 0600 unless
        ``created`` is false); an error while writing it names the file."""
        with self.naming(name):
            yield self.create(name) if created else self.place(name)

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        temp = self.temp
        if kind is None:
            try:
                self._replace(temp)
                return
            except BaseException as exc:
                self._discard(temp)
                if isinstance(exc, OSError):
                    raised = OutputError("output.writing", path=self.out, error=exc)
                    raised.add_note(text("output.kept", out=self.out))
                    raise raised from exc
                exc.add_note(text("output.kept", out=self.out))
                raise
        self._discard(temp)
        # The error reaches the user as one line: what went wrong, then that the previous outputs stay.
        if error is not None:
            error.add_note(text("output.kept", out=self.out))

    def _discard(self, temp: Path) -> None:
        shutil.rmtree(temp, ignore_errors=True)
        self._temp = None

    def _replace(self, temp: Path) -> None:
        marker = temp / MARKER
        create_private(marker)
        marker.write_text(json.dumps({"command": self.command, "files": self.files}, indent=1) + "\n", "utf-8")
        _replaceable(self.out, self.expected)
        if not self.out.exists():
            os.rename(temp, self.out)
            self._temp = None
            return
        old = temp.with_name(f".{self.out.name}.previous-{os.getpid()}-{secrets.token_hex(4)}")
        os.rename(self.out, old)
        try:
            os.rename(temp, self.out)
        except BaseException:
            os.rename(old, self.out)
            raise
        self._temp = None
        try:
            shutil.rmtree(old)
        except OSError as exc:
            print(
                "doichieu: " + text("output.old_left", out=self.out, old=old, error=exc), file=self.notice or sys.stderr
            )
