"""A server-side record of every staff sign-in, so that Logga ut ends it everywhere and a sign-in lasts a workday.

Streamlit's identity cookie is valid for 30 days and the server keeps nothing about it: a copied cookie went on
signing in after Logga ut, and other tabs kept their rights until reloaded. Here each sign-in (one ID token: its
issuer, subject, issue time and nonce) gets a row holding the person's generation when it began and when it
expires (`SIGN_IN_HOURS`, default 8). The app checks it on every rerun. Logga ut moves the person's generation on,
which ends every sign-in of theirs, in every tab and browser. A sign-in first seen here after its person signed
out was issued before that, so it is ended too. The tables are created on first use.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Mapping

from sqlite_utils import Database

from services import store
from services.companies.model import SignIn
from services.config import Settings


def sign_in_key(claims: Mapping[str, object]) -> str:
    """One sign-in's key: a new login at the provider gives a new issue time and nonce, a copied cookie does not."""
    identity = [str(claims.get(name) or "") for name in ("iss", "sub", "email", "iat", "nonce")]
    return hashlib.sha256(json.dumps(identity).encode()).hexdigest()


def _ensure_tables(db: Database) -> None:
    db["sign_ins"].create({"key": str, "email": str, "generation": int, "started_at": int, "expires_at": int},
                          pk="key", if_not_exists=True)
    db["staff_sign_outs"].create({"email": str, "generation": int, "signed_out_at": int}, pk="email",
                                 if_not_exists=True)


def _last_sign_out(db: Database, email: str) -> tuple[int, int]:
    """The person's generation and when they last signed out (0, 0 when never)."""
    rows = list(db["staff_sign_outs"].rows_where("email = ?", [email]))
    return (rows[0]["generation"], rows[0]["signed_out_at"]) if rows else (0, 0)


def _issued_at(claims: Mapping[str, object], now: int) -> int:
    try:
        return int(claims.get("iat"))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return now


def check(settings: Settings, email: str, claims: Mapping[str, object], now: float | None = None) -> SignIn:
    """Whether this sign-in still holds; the first time it is seen, its record is made."""
    now = int(time.time() if now is None else now)
    key = sign_in_key(claims)
    with store.open_db(settings.database_path) as db:
        _ensure_tables(db)
        generation, signed_out_at = _last_sign_out(db, email)
        rows = list(db["sign_ins"].rows_where("key = ?", [key]))
        if rows:
            if rows[0]["generation"] != generation:
                return SignIn.ENDED
            return SignIn.EXPIRED if now >= rows[0]["expires_at"] else SignIn.ACTIVE
        started = _issued_at(claims, now)
        if started < signed_out_at:
            return SignIn.ENDED
        if now >= started + settings.sign_in_seconds:
            return SignIn.EXPIRED
        with store.write_lock(db):
            db["sign_ins"].delete_where("expires_at <= ?", [now])
            db["sign_ins"].insert({"key": key, "email": email, "generation": generation, "started_at": started,
                                   "expires_at": started + settings.sign_in_seconds}, replace=True)
    return SignIn.ACTIVE


def end_all(settings: Settings, email: str, now: float | None = None) -> None:
    """Logga ut: every sign-in of the person ends, here and in every other tab and browser."""
    now = int(time.time() if now is None else now)
    with store.open_db(settings.database_path) as db:
        _ensure_tables(db)
        with store.write_lock(db):
            generation, _ = _last_sign_out(db, email)
            db["staff_sign_outs"].upsert({"email": email, "generation": generation + 1, "signed_out_at": now},
                                         pk="email")
