"""Fortnox's OAuth scopes (NOTES.md §1.10) with the Swedish descriptions shown on the consent page."""

from __future__ import annotations

SCOPE_DESCRIPTIONS: dict[str, str] = {
    "companyinformation": "Företagsinformation: läsa företagets namn, organisationsnummer och adress",
    "bookkeeping": "Bokföring: kontoplan, räkenskapsår, verifikationer, låsta perioder och SIE-export",
    "settings": "Inställningar: företagsinställningar och fördefinierade konton",
    "customer": "Kunder: läsa och ändra kundregistret",
    "supplier": "Leverantörer: läsa och ändra leverantörsregistret",
    "invoice": "Kundfakturor: läsa och skapa fakturor",
    "supplierinvoice": "Leverantörsfakturor: läsa och registrera leverantörsfakturor",
    "payment": "Betalningar: inbetalningar och utbetalningar",
    "archive": "Arkiv: läsa och spara filer i arkivet",
    "inbox": "Inkorg: läsa och spara filer i inkorgen",
    "connectfile": "Filkopplingar: koppla bilagor till fakturor och verifikationer",
    "article": "Artiklar",
    "order": "Order",
    "offer": "Offerter",
    "project": "Projekt",
    "costcenter": "Kostnadsställen",
    "currency": "Valutor",
    "price": "Prislistor",
    "print": "Utskriftsmallar",
    "profile": "Användarprofil",
    "salary": "Lön",
    "assets": "Anläggningstillgångar",
    "noxfinansinvoice": "Nox Finans",
    "timereporting": "Tidredovisning",
}

ALL_SCOPES: tuple[str, ...] = tuple(SCOPE_DESCRIPTIONS)


def parse_scope(text: str) -> list[str]:
    """Split a space-separated scope string, keeping order and dropping duplicates (scopes are case-sensitive)."""
    seen: list[str] = []
    for scope in text.split():
        if scope not in seen:
            seen.append(scope)
    return seen
