import stat
from pathlib import Path

import pytest

from services.token_cipher import TokenCipher, TokenCipherError


def test_tokens_round_trip_and_are_not_stored_in_clear(tmp_path: Path) -> None:
    cipher = TokenCipher("a passphrase", tmp_path)
    secret = cipher.encrypt("access-token-value")
    assert "access-token-value" not in secret
    assert cipher.decrypt(secret) == "access-token-value"


def test_without_app_secret_key_a_key_file_is_generated_once_with_mode_0600(tmp_path: Path) -> None:
    first = TokenCipher(None, tmp_path)
    key_file = tmp_path / "secret.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert TokenCipher(None, tmp_path).decrypt(first.encrypt("x")) == "x"


def test_a_changed_key_cannot_read_old_tokens(tmp_path: Path) -> None:
    secret = TokenCipher("one", tmp_path).encrypt("x")
    with pytest.raises(TokenCipherError):
        TokenCipher("two", tmp_path).decrypt(secret)
