"""Encryption of OAuth tokens at rest (Fernet).

The key comes from `APP_SECRET_KEY`; when that is unset a key is generated once into `DATA_DIR/secret.key`
(mode 0600), so a restart can still read the tokens it stored.
"""

from __future__ import annotations

import base64
import hashlib
import os
import tempfile
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

KEY_FILE_NAME = "secret.key"


class TokenCipherError(Exception):
    """A stored token could not be decrypted (the key changed): the company must connect again."""


def _fernet_key(secret: str) -> bytes:
    """Accept a ready Fernet key, or derive one from any passphrase."""
    raw = secret.encode()
    try:
        if len(base64.urlsafe_b64decode(raw)) == 32:
            return raw
    except ValueError:
        pass
    return base64.urlsafe_b64encode(hashlib.sha256(raw).digest())


def _key_from_file(data_dir: Path) -> bytes:
    """Read the generated key, creating it first if needed; a concurrent process never sees a half-written file."""
    path = data_dir / KEY_FILE_NAME
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        fd, draft = tempfile.mkstemp(dir=data_dir, prefix=".secret-")  # created with mode 0600
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(Fernet.generate_key())
            os.link(draft, path)  # atomic and refuses to overwrite: the first process to get here wins
        except FileExistsError:
            pass
        finally:
            os.unlink(draft)
    return path.read_bytes().strip()


class TokenCipher:
    """Encrypts and decrypts token strings; never logs them."""

    def __init__(self, app_secret_key: str | None, data_dir: Path) -> None:
        key = _fernet_key(app_secret_key) if app_secret_key else _key_from_file(data_dir)
        self._fernet = Fernet(key)

    def encrypt(self, plaintext: str) -> str:
        return self._fernet.encrypt(plaintext.encode()).decode()

    def decrypt(self, ciphertext: str) -> str:
        try:
            return self._fernet.decrypt(ciphertext.encode()).decode()
        except InvalidToken as exc:
            raise TokenCipherError("Den sparade anslutningen kan inte läsas med nuvarande nyckel.") from exc
