"""The HTML pages of the sandbox's authorization server: login, company choice, consent and errors (Swedish).

Plain HTML and CSS, no JavaScript: every step is a form POST carrying the server-side authorization request's id in
a hidden field. Labels are real `<label for>` elements so browser tests can find fields by their label.
"""

from __future__ import annotations

from html import escape

_CSS = """
*{box-sizing:border-box}
body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;
 background:#eef2ef;font-family:-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:#1d2b24}
main{width:100%;max-width:420px;background:#fff;border-radius:10px;box-shadow:0 4px 24px rgba(0,0,0,.08);
 padding:32px 36px;margin:24px}
.brand{display:flex;align-items:center;gap:10px;margin-bottom:24px;font-weight:700;font-size:22px;color:#00703c}
.brand .mark{display:inline-block;width:28px;height:28px;border-radius:6px;background:#00703c}
.badge{font-size:11px;font-weight:600;color:#6b5b00;background:#fff3bf;border-radius:4px;padding:2px 6px;
 text-transform:uppercase;letter-spacing:.04em}
h1{font-size:20px;margin:0 0 16px}
p{line-height:1.45}
label{display:block;font-weight:600;font-size:14px;margin:14px 0 6px}
input[type=email],input[type=password],input[type=text]{width:100%;padding:10px 12px;font-size:15px;
 border:1px solid #b9c4be;border-radius:6px}
input:focus{outline:2px solid #00703c;outline-offset:1px}
button{font-size:15px;font-weight:600;border-radius:6px;padding:10px 18px;cursor:pointer;border:1px solid #00703c}
.primary{background:#00703c;color:#fff;width:100%;margin-top:22px}
.actions{display:flex;gap:12px;margin-top:22px}
.actions button{flex:1}
.secondary{background:#fff;color:#00703c}
.error{background:#fdecea;color:#8a1c12;border-radius:6px;padding:10px 12px;font-size:14px}
.hint{background:#f3f7f5;border-radius:6px;padding:10px 12px;font-size:13px;color:#44574d;margin-top:22px}
.hint code{font-size:13px}
fieldset{border:0;padding:0;margin:0}
legend{font-weight:600;font-size:14px;margin-bottom:8px}
.choice{display:flex;gap:10px;align-items:center;border:1px solid #d5ddd8;border-radius:6px;padding:10px 12px;
 margin-bottom:8px}
.choice label{margin:0;font-weight:500}
.choice small{color:#5b6b62}
ul.scopes{padding-left:20px;font-size:14px}
ul.scopes li{margin:6px 0}
.company{font-weight:600}
footer{margin-top:20px;font-size:12px;color:#6f7f76}
"""


def _page(title: str, body: str, brand: str = "Fortnox", imitates: str = "Fortnox") -> str:
    return (
        "<!doctype html>\n<html lang=\"sv\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        f"<title>{escape(title)} | {escape(brand)} (sandlåda)</title>\n<style>{_CSS}</style>\n</head>\n<body>\n<main>\n"
        f"<div class=\"brand\"><span class=\"mark\" aria-hidden=\"true\"></span>{escape(brand)} "
        "<span class=\"badge\">Sandlåda</span></div>\n"
        f"{body}\n"
        f"<footer>Detta är en lokal testmiljö som efterliknar {escape(imitates)}. Inga riktiga uppgifter används.</footer>\n"
        "</main>\n</body>\n</html>\n"
    )


def _hidden(request_id: str) -> str:
    return f'<input type="hidden" name="request_id" value="{escape(request_id)}">'


def _login_form(request_id: str, action: str, heading: str, email: str, error: str | None, hint: str) -> str:
    """The E-post/Lösenord/Logga in form both login pages share; `hint` is trusted HTML listing demo users."""
    error_html = f'<p class="error" role="alert">{escape(error)}</p>\n' if error else ""
    return (
        f"<h1>{escape(heading)}</h1>\n"
        f"{error_html}"
        f'<form method="post" action="{escape(action)}">\n'
        f"{_hidden(request_id)}\n"
        '<label for="email">E-post</label>\n'
        f'<input id="email" name="email" type="email" autocomplete="username" required value="{escape(email)}">\n'
        '<label for="password">Lösenord</label>\n'
        '<input id="password" name="password" type="password" autocomplete="current-password" required>\n'
        '<button class="primary" type="submit">Logga in</button>\n'
        "</form>\n"
        f'<div class="hint">{hint}</div>'
    )


def login_page(request_id: str, demo_accounts: list[tuple[str, str, str]], email: str = "",
               error: str | None = None) -> str:
    """The login form; `demo_accounts` are (email, password, description) shown as a hint."""
    hints = "".join(
        f"<li><code>{escape(e)}</code> / <code>{escape(p)}</code> ({escape(d)})</li>" for e, p, d in demo_accounts
    )
    body = _login_form(request_id, "/oauth-v1/auth/login", "Logga in", email, error,
                       f"Demoanvändare i sandlådan:<ul>{hints}</ul>")
    return _page("Logga in", body)


def company_page(request_id: str, user_name: str, companies: list[tuple[str, str, str]]) -> str:
    """The company choice for a user with several companies; the first one is preselected."""
    choices = []
    for index, (tenant_id, name, orgnr) in enumerate(companies):
        field_id = f"company-{escape(tenant_id)}"
        checked = " checked" if index == 0 else ""
        choices.append(
            f'<div class="choice"><input type="radio" id="{field_id}" name="tenant_id" value="{escape(tenant_id)}"'
            f"{checked}><label for=\"{field_id}\">{escape(name)} <small>{escape(orgnr)}</small></label></div>"
        )
    body = (
        "<h1>Välj företag</h1>\n"
        f"<p>Du är inloggad som {escape(user_name)}. Välj vilket företag integrationen ska kopplas till.</p>\n"
        '<form method="post" action="/oauth-v1/auth/company">\n'
        f"{_hidden(request_id)}\n"
        "<fieldset><legend>Företag</legend>\n" + "\n".join(choices) + "\n</fieldset>\n"
        '<button class="primary" type="submit">Fortsätt</button>\n'
        "</form>"
    )
    return _page("Välj företag", body)


def consent_page(request_id: str, integration: str, company_name: str, orgnr: str,
                 scopes: list[tuple[str, str]]) -> str:
    """The approval page: names the integration, the company and every scope asked for."""
    items = "".join(f"<li><strong>{escape(code)}</strong>: {escape(text)}</li>" for code, text in scopes)
    body = (
        "<h1>Godkänn integration</h1>\n"
        f"<p><strong>{escape(integration)}</strong> vill få åtkomst till "
        f'<span class="company">{escape(company_name)}</span> ({escape(orgnr)}).</p>\n'
        f"<p>Integrationen får läsa och ändra:</p>\n<ul class=\"scopes\">{items}</ul>\n"
        '<form method="post" action="/oauth-v1/auth/consent">\n'
        f"{_hidden(request_id)}\n"
        '<div class="actions">\n'
        '<button class="secondary" type="submit" name="decision" value="deny">Avbryt</button>\n'
        '<button class="primary" style="margin-top:0" type="submit" name="decision" value="approve">Godkänn</button>\n'
        "</div>\n</form>"
    )
    return _page("Godkänn integration", body)


def error_page(title: str, message: str) -> str:
    """A dead end: the authorization request itself is wrong, so there is nowhere safe to redirect."""
    return _page(title, f"<h1>{escape(title)}</h1>\n<p class=\"error\" role=\"alert\">{escape(message)}</p>")


def staff_login_page(request_id: str, action: str, staff: list[tuple[str, str, str]], email: str = "",
                     error: str | None = None) -> str:
    """The staff identity provider's sign-in form; `staff` are (email, name, description) shown as a hint."""
    hints = "".join(f"<li><code>{escape(e)}</code> – {escape(n)} ({escape(d)})</li>" for e, n, d in staff)
    body = _login_form(request_id, action, "Logga in som personal", email, error,
                       f"Demopersonal i sandlådan, lösenord <code>demo</code>:<ul>{hints}</ul>")
    return _page("Logga in", body, brand="Personalinloggning", imitates="byråns identitetsleverantör")
