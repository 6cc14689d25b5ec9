"""Content fingerprint of a landing file: the same bytes are never loaded twice (CONTRACT §4)."""

from __future__ import annotations

import hashlib
from pathlib import Path

_BLOCK = 1 << 20  # 1 MiB reads: constant memory whatever the file size


def sha256_file(path: Path) -> str:
    """Hex sha256 of the file's bytes, read in blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(_BLOCK):
            digest.update(block)
    return digest.hexdigest()
