"""Raw snapshot bytes on disk, stored once by sha256 as gzip files.

Files are written atomically (a temporary file in the same folder, then a rename), so a
crash never leaves a half-written snapshot under its final name; the index lives in the
`snapshots` table. Any stored snapshot can be read back and re-parsed later.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import os
import tempfile
from pathlib import Path

logger = logging.getLogger(__name__)


def snapshot_path(root: Path, sha256: str) -> Path:
    """Where a snapshot with this sha256 lives under `root`."""
    return root / sha256[:2] / f"{sha256}.gz"


def store_snapshot(root: Path, data: bytes) -> tuple[str, Path, bool]:
    """Store `data` once; return its sha256, its path and whether it was new."""
    sha256 = hashlib.sha256(data).hexdigest()
    path = snapshot_path(root, sha256)
    if path.exists():
        return sha256, path, False
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".partial-")
    try:
        with (
            os.fdopen(handle, "wb") as raw,
            gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as compressed,
        ):
            compressed.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    logger.info("stored snapshot sha256=%.12s bytes=%d", sha256, len(data))
    return sha256, path, True


def read_snapshot(root: Path, sha256: str) -> bytes:
    """The bytes of a stored snapshot, checked against their sha256."""
    data = gzip.decompress(snapshot_path(root, sha256).read_bytes())
    if hashlib.sha256(data).hexdigest() != sha256:
        raise ValueError(f"snapshot {sha256[:12]} is corrupt on disk; fetch it again")
    return data
