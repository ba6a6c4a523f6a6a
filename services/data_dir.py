"""DATA_DIR holds tokens, books and personal data: only the account running the product may read it. The folder is
0700 and every file in it 0600, made so at every start (a file copied in, or left by an older version, included)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

FOLDER_MODE, FILE_MODE = 0o700, 0o600


def make_private(data_dir: Path) -> int:
    """Create DATA_DIR if needed and take group and other access away from it and everything in it; returns how
    many entries had to be changed."""
    data_dir.mkdir(parents=True, exist_ok=True, mode=FOLDER_MODE)
    changed = _restrict(data_dir, FOLDER_MODE)
    for folder, folders, files in os.walk(data_dir):
        changed += sum(_restrict(Path(folder, name), FOLDER_MODE) for name in folders)
        changed += sum(_restrict(Path(folder, name), FILE_MODE) for name in files)
    return changed


def _restrict(path: Path, mode: int) -> int:
    """1 when `path` was open to others and is not any more (symbolic links are left alone: never followed)."""
    try:
        current = path.lstat()
    except FileNotFoundError:  # removed meanwhile (a SQLite -shm, a temporary file)
        return 0
    if stat.S_ISLNK(current.st_mode) or stat.S_IMODE(current.st_mode) & 0o077 == 0:
        return 0
    path.chmod(mode)
    return 1
