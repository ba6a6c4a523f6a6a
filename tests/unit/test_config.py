from pathlib import Path

from services.config import load_settings


def test_no_client_id_means_demo_mode_against_the_local_sandbox(tmp_path: Path) -> None:
    settings = load_settings({"SANDBOX_PORT": "9999", "DATA_DIR": str(tmp_path)}, secrets_file=tmp_path / "none")
    assert settings.demo_mode
    assert settings.fortnox.client_id == "sandbox-client"
    assert settings.fortnox.auth_url == "http://127.0.0.1:9999/oauth-v1"
    assert settings.fortnox.api_url == "http://127.0.0.1:9999"


def test_redirect_uri_defaults_to_the_anslut_page_on_the_app_port(tmp_path: Path) -> None:
    settings = load_settings({"PORT": "8600"}, secrets_file=tmp_path / "none")
    assert settings.fortnox.redirect_uri == "http://localhost:8600/anslut"


def test_a_client_id_selects_real_fortnox(tmp_path: Path) -> None:
    settings = load_settings(
        {"FORTNOX_CLIENT_ID": "abc", "FORTNOX_CLIENT_SECRET": "s3cret"}, secrets_file=tmp_path / "none"
    )
    assert not settings.demo_mode
    assert settings.fortnox.auth_url == "https://apps.fortnox.se/oauth-v1"
    assert settings.fortnox.api_url == "https://api.fortnox.se"


def test_secrets_toml_fills_what_the_environment_leaves_unset(tmp_path: Path) -> None:
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('FORTNOX_CLIENT_ID = "from-file"\nFORTNOX_CLIENT_SECRET = "x"\n[auth]\nredirect_uri = "y"\n')
    assert load_settings({}, secrets_file=secrets).fortnox.client_id == "from-file"
    assert load_settings({"FORTNOX_CLIENT_ID": "from-env"}, secrets_file=secrets).fortnox.client_id == "from-env"
