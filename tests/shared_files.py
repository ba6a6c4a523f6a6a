"""Where the shared reference material lives: beside the clone (`../shared`), or where SHARED_DIR points."""

from __future__ import annotations

import os
from pathlib import Path

SHARED = Path(os.environ.get("SHARED_DIR") or Path(__file__).resolve().parents[2] / "shared")
FORTNOX_RECORDINGS = SHARED / "fortnox" / "recordings"
