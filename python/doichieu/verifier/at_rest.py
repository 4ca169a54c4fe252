"""Personal data at rest: files created 0600 (their folders 0700) whatever the
process's umask, and no more of an answer kept than the intake needs.

SQLite gives its ``-wal`` and ``-shm`` files the mode of the database file, so a
database created here keeps its journal as private as itself.
"""

from __future__ import annotations

import os
from pathlib import Path

from doichieu.v1 import verifier_pb2 as pb

FILE_MODE = 0o600
FOLDER_MODE = 0o700


def private_folder(folder: Path) -> None:
    """Creates ``folder`` and its missing parents 0700; existing folders are left as they are."""
    missing = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for created in reversed(missing):
        created.mkdir(mode=FOLDER_MODE)
        # mkdir's mode passes through the umask; chmod's does not.
        os.chmod(created, FOLDER_MODE)


def private_file(path: Path) -> None:
    """Creates ``path`` empty and 0600 unless it exists; its missing folder is made 0700."""
    private_folder(path.parent)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError:
        return
    try:
        os.fchmod(fd, FILE_MODE)
    finally:
        os.close(fd)


def write_private(path: Path, data: bytes) -> None:
    """Writes ``data`` to a new file created 0600."""
    private_folder(path.parent)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    try:
        os.fchmod(fd, FILE_MODE)
        os.write(fd, data)
    finally:
        os.close(fd)


def kept_verification(verification: pb.Verification) -> pb.Verification:
    """What the ledger keeps of Submit's verification: the verdict and each finding's
    code, field, severity and owner. The population's values (matched record,
    candidates, name alignment, each finding's values and the messages quoting them)
    are left out; a retried Submit gets them afresh from the population index."""
    return pb.Verification(
        verdict=verification.verdict,
        findings=[
            pb.Finding(code=f.code, field=f.field, severity=f.severity, owner=f.owner) for f in verification.findings
        ],
    )
