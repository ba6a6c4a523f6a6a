"""Which process holds a claim (an export, an import run, a company being deleted): this host and process id, so
a claim whose process has ended — killed, crashed, the app restarted — is taken over at once, not after a timeout."""

from __future__ import annotations

import os
import socket


def owner_token() -> str:
    """This host and process."""
    return f"{socket.gethostname()}:{os.getpid()}"


def owner_gone(owner: str | None) -> bool:
    """Whether the process holding a claim on this host has ended. A claim of another host, or one without an owner,
    is never judged here: its timeout decides."""
    host, _, pid = (owner or "").rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False
