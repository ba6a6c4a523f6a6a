import httpx
import pytest

from services.fortnox.errors import (
    FortnoxApiError,
    FortnoxUnavailable,
    MissingLicence,
    MissingScope,
    NotFound,
    RateLimited,
    Unauthorized,
    error_from_response,
)


def _response(status: int, body: str) -> httpx.Response:
    return httpx.Response(status, content=body.encode(), headers={"Content-Type": "application/json"})


def test_lowercase_error_information_is_read() -> None:
    error = error_from_response(
        _response(400, '{"ErrorInformation":{"error":1,"message":"Ett ogiltigt filter har använts.","code":2000587}}')
    )
    assert isinstance(error, FortnoxApiError)
    assert (error.code, error.message) == (2000587, "Ett ogiltigt filter har använts.")


def test_capitalised_error_information_with_string_code_is_read() -> None:
    error = error_from_response(
        _response(404, '{"ErrorInformation":{"Error":"1","Message":"Kan inte hitta fakturan.","Code":"2000434"}}')
    )
    assert isinstance(error, NotFound)
    assert error.code == 2000434


def _html(status: int, body: str) -> httpx.Response:
    return httpx.Response(status, content=body.encode(), headers={"Content-Type": "text/html; charset=UTF-8"})


def test_an_error_sent_as_html_keeps_fortnoxs_code_and_own_text() -> None:
    error = error_from_response(_html(
        403, "<html><body><p>Kan inte logga in, access-token eller client-secret saknas(2000311).</p></body></html>"))
    assert isinstance(error, FortnoxApiError) and error.status == 403
    assert (error.code, error.message) == (2000311, "Kan inte logga in, access-token eller client-secret saknas(2000311).")


def test_an_html_error_with_a_scope_code_is_a_missing_scope() -> None:
    assert isinstance(error_from_response(_html(403, "Saknar behörighet för scopet (2000663).")), MissingScope)


def test_an_html_page_without_a_code_gets_the_generic_message() -> None:
    error = error_from_response(_html(403, "<html><head><title>403 Forbidden</title></head><h1>Forbidden</h1></html>"))
    assert (error.code, error.message) == (None, "Fortnox svarade med HTTP 403.")


@pytest.mark.parametrize(
    ("status", "body", "kind"),
    [
        (401, '{"message":"unauthorized"}', Unauthorized),
        (429, '{"message":"Too Many Requests"}', RateLimited),
        (403, '{"ErrorInformation":{"error":1,"message":"Saknar behörighet","code":2000663}}', MissingScope),
        (400, '{"ErrorInformation":{"error":1,"message":"Api-licens saknas.","code":2001103}}', MissingLicence),
        (503, "<html>down</html>", FortnoxUnavailable),
    ],
)
def test_each_failure_class_has_its_own_exception(status: int, body: str, kind: type) -> None:
    assert isinstance(error_from_response(_response(status, body)), kind)


def test_authlib_client_is_a_classic_httpx_client() -> None:
    from authlib.integrations.httpx_client import OAuth2Client

    assert issubclass(OAuth2Client, httpx.Client)
