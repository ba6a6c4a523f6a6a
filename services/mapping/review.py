"""Account mapping: each company's chart of accounts against the app's reference chart (BAS with SRU codes).

The SRU code decides where an account lands in the tax return (INK2), so an account without one, or with another
code than the reference, is worth a look before the year is closed. Switching import source (Fortnox ↔ SIE-fil)
brings another chart with other names, types and SRU codes, hence the reminder to check the mappings (the help
article's tip).
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable
from pathlib import Path

from sqlite_utils import Database

from services import store
from services.mapping import facts as account_facts
from services.mapping.model import (
    ACCOUNT_TYPES,
    AccountReview,
    ChartSource,
    MappingEdit,
    MappingError,
    MappingStatus,
    Problem,
    ReferenceAccount,
    SourceChange,
)
from services.timestamps import now_iso

REFERENCE_CSV = Path(__file__).parents[1] / "data" / "bas_reference.csv"
DAMAGED = "\ufffd"  # the source file lost some å/ä/ö to replacement characters

BALANCE_TYPES = frozenset({"T", "S"})
SOURCE_OF_PART = {"sie4": ChartSource.FORTNOX, "siefile": ChartSource.SIE_FILE}  # import parts that bring a chart
FOUR_DIGITS = re.compile(r"\d{4}")


def reference_rows(path: Path = REFERENCE_CSV) -> list[ReferenceAccount]:
    """The bundled chart: the newer (Visma 2022) SRU code and name where there is one, else Avendo 2011's."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [
        ReferenceAccount(
            number=row["account"],
            name=_best_name(row["name_visma2022"], row["name_avendo2011"]),
            type=row["ktyp"],
            sru=row["sru_visma2022"] or row["sru_avendo2011"] or None,
        )
        for row in rows
    ]


def _best_name(newer: str, older: str) -> str:
    if newer and (DAMAGED not in newer or not older):
        return newer
    return older


def ensure_reference_chart(db: Database) -> int:
    """Fill the reference chart from the bundled file when it is empty; returns how many accounts were added."""
    if db["reference_accounts"].count:  # the usual case, without taking the write lock
        return 0
    with store.write_lock(db):
        if db["reference_accounts"].count:
            return 0
        rows = reference_rows()
        db["reference_accounts"].insert_all(
            {"number": r.number, "name": r.name, "type": r.type, "sru": r.sru, "edited_by": None, "edited_at": None}
            for r in rows
        )
    return len(rows)


def reference_chart(db: Database) -> dict[str, ReferenceAccount]:
    """The reference chart by account number, loaded on first use."""
    ensure_reference_chart(db)
    return {row["number"]: ReferenceAccount(**row) for row in db.query(
        "select number, name, type, sru, edited_by, edited_at from reference_accounts order by number")}


def save_reference_edits(db: Database, edits: Iterable[ReferenceAccount], actor: str) -> int:
    """Store changed names, types and SRU codes of reference accounts with who and when; returns how many changed."""
    chart = reference_chart(db)
    edits = list(edits)
    messages = [message for edit in edits for message in _reference_problems(edit, chart)]
    if messages:
        raise MappingError(messages)
    changed = [e for e in edits if (e.name.strip(), e.type, _blank(e.sru)) != _reference_key(chart[e.number])]
    at = now_iso()
    with store.write_lock(db):
        for edit in changed:
            db["reference_accounts"].update(edit.number, {"name": edit.name.strip(), "type": edit.type,
                                                          "sru": _blank(edit.sru), "edited_by": actor,
                                                          "edited_at": at})
    return len(changed)


def _reference_key(account: ReferenceAccount) -> tuple[str, str, str | None]:
    return account.name, account.type, account.sru


def _reference_problems(edit: ReferenceAccount, chart: dict[str, ReferenceAccount]) -> list[str]:
    if edit.number not in chart:
        return [f"Rad {edit.number}: kontot finns inte i referenskontoplanen."]
    messages = []
    if not edit.name.strip():
        messages.append(f"Rad {edit.number}: kontonamnet saknas.")
    if edit.type not in ACCOUNT_TYPES:
        messages.append(f"Rad {edit.number}: kontotypen {edit.type or '(tom)'} är inte T, S, K eller I.")
    messages += _sru_problems(edit.number, edit.sru)
    return messages


def latest_year(db: Database, company_id: str) -> str | None:
    """The latest imported financial year: its chart is the one being closed."""
    for row in db.query('select year_id from financial_years where company_id = ? order by "end" desc limit 1',
                        [company_id]):
        return row["year_id"]
    return None


def review_accounts(db: Database, company_id: str) -> list[AccountReview]:
    """Every account of the company's latest chart against the reference, with what differs."""
    year_id = latest_year(db, company_id)
    if year_id is None:
        return []
    chart = reference_chart(db)
    saved = {row["account"]: row for row in db["account_mappings"].rows_where("company_id = ?", [company_id])}
    balances = _balances(db, company_id, year_id)
    facts = account_facts.stored(db, company_id, year_id)  # the active flags Avstämning reads too
    rows = db.query("select number, name, type, sru from accounts where company_id = ? and year_id = ? "
                    "order by number", [company_id, year_id])
    return [_review(row, saved.get(row["number"]), chart, balances.get(row["number"], 0), facts.active(row["number"]))
            for row in rows]


def _review(account: dict, saved: dict | None, chart: dict[str, ReferenceAccount], balance: int,
            active: bool | None) -> AccountReview:
    number = account["number"]
    if saved is not None:
        target = saved["target_account"] or None
        status = MappingStatus.MAPPED if target in chart else MappingStatus.UNMAPPED
    else:
        target = number if number in chart else None
        status = MappingStatus.PROPOSED if target else MappingStatus.UNMAPPED
    reference = chart.get(target) if status != MappingStatus.UNMAPPED else None
    own_type = account["type"] or type_from_number(number)
    own_sru = account["sru"] or None
    mapped_sru = saved["sru"] if saved else None
    problems = []
    if reference is None:
        problems.append(Problem.UNMAPPED)
    else:
        if not names_match(account["name"], reference.name):
            problems.append(Problem.NAME_DIFFERS)
        if (own_type in BALANCE_TYPES) != (reference.type in BALANCE_TYPES):
            problems.append(Problem.TYPE_DIFFERS)
    sru = mapped_sru or own_sru
    if not sru:
        problems.append(Problem.SRU_MISSING)
    elif reference is not None and reference.sru and sru != reference.sru:
        problems.append(Problem.SRU_DIFFERS)
    if active is False and balance != 0:
        problems.append(Problem.INACTIVE_WITH_BALANCE)
    return AccountReview(
        number=number, name=account["name"] or "", type=own_type, type_stated=bool(account["type"]), sru=own_sru,
        balance_ore=balance, active=active,
        status=status, target_account=target, target_name=reference.name if reference else None,
        reference_sru=reference.sru if reference else None, mapped_sru=mapped_sru,
        mapped_by=saved["mapped_by"] if saved else None, mapped_at=saved["mapped_at"] if saved else None,
        problems=tuple(problems),
    )


def type_from_number(number: str) -> str:
    """The BAS account class as a #KTYP, for books that do not state it (Fortnox's SIE export has no #KTYP)."""
    return {"1": "T", "2": "S", "3": "I"}.get(number[:1], "K")


def names_match(name: str | None, other: str | None) -> bool:
    """Whether two account names say the same. Reference charts abbreviate ("Övr fakt kostnader" for "Övriga
    fakturerade kostnader"), so the shorter name counts as the same when it starts with the same letter and its
    letters follow in order in the longer one; case, punctuation and spacing never count."""
    short, long = sorted((_letters(name), _letters(other)), key=len)
    if not short or short[0] != long[0]:
        return short == long
    rest = iter(long)
    return all(letter in rest for letter in short)


def _letters(name: str | None) -> str:
    return re.sub(r"[\W_]+", "", (name or "").casefold())


def _balances(db: Database, company_id: str, year_id: str) -> dict[str, int]:
    """Each account's closing balance: UB (balance accounts) or RES (result accounts), else IB plus the year's rows."""
    key = [company_id, year_id]
    kinds: dict[str, dict[str, int]] = {}
    for row in db.query("select account, kind, amount_ore from balances where company_id = ? and year_id = ?", key):
        kinds.setdefault(row["account"], {})[row["kind"]] = row["amount_ore"]
    moved = {row["account"]: row["total"] for row in db.query(
        "select account, sum(amount_ore) as total from transactions where company_id = ? and year_id = ? "
        "group by account", key)}
    closing = {}
    for account in kinds.keys() | moved.keys():
        known = kinds.get(account, {})
        closing[account] = known.get("UB", known.get("RES", known.get("IB", 0) + moved.get(account, 0)))
    return closing


def proposals(db: Database, company_id: str) -> dict[str, MappingEdit]:
    """For accounts without a saved mapping: the reference account with the same number and its SRU code."""
    return {
        review.number: MappingEdit(review.number, review.target_account, review.proposed_sru)
        for review in review_accounts(db, company_id)
        if review.status == MappingStatus.PROPOSED
    }


def validate_mappings(edits: Iterable[MappingEdit], chart: dict[str, ReferenceAccount]) -> list[str]:
    """Swedish messages naming each row (the company's account) whose target or SRU cannot be saved."""
    messages = []
    for edit in edits:
        target = _blank(edit.target_account)
        if target is not None and not FOUR_DIGITS.fullmatch(target):
            messages.append(f"Rad {edit.account}: målkontot {target} är inte fyra siffror.")
        elif target is not None and target not in chart:
            messages.append(f"Rad {edit.account}: målkontot {target} finns inte i referenskontoplanen.")
        messages += _sru_problems(edit.account, edit.sru)
    return messages


def _sru_problems(row: str, sru: str | None) -> list[str]:
    sru = _blank(sru)
    if sru is not None and not FOUR_DIGITS.fullmatch(sru):
        return [f"Rad {row}: SRU-koden {sru} är inte fyra siffror."]
    return []


def _blank(value: str | None) -> str | None:
    """Editor cells come back as None, NaN-free text or ''; all empties mean 'none'."""
    text = (value or "").strip()
    return text or None


def save_mappings(db: Database, company_id: str, edits: Iterable[MappingEdit], actor: str) -> int:
    """Store the rows whose target or SRU differs from what is saved (a first save accepts the proposals), with
    who and when; returns how many rows were stored. Nothing is stored when any row is invalid.

    An SRU code equal to the books' is not stored: the mapping overrides the books only where it differs, so a
    later import that corrects the books is not masked by a copy of the old code."""
    edits = list(edits)
    messages = validate_mappings(edits, reference_chart(db))
    if messages:
        raise MappingError(messages)
    saved = {row["account"]: (row["target_account"], row["sru"])
             for row in db["account_mappings"].rows_where("company_id = ?", [company_id])}
    books = {row["number"]: row["sru"] for row in db.query(
        "select number, sru from accounts where company_id = ? and year_id = ?",
        [company_id, latest_year(db, company_id)])}
    at = now_iso()
    rows = []
    for edit in edits:
        sru = _blank(edit.sru)
        wanted = (_blank(edit.target_account), None if sru == books.get(edit.account) else sru)
        if saved.get(edit.account, (None, None)) == wanted:  # unchanged, or a new row with nothing in it
            continue
        rows.append({"company_id": company_id, "account": edit.account, "target_account": wanted[0],
                     "sru": wanted[1], "mapped_by": actor, "mapped_at": at})
    with store.write_lock(db):
        db["account_mappings"].upsert_all(rows, pk=("company_id", "account"))
    return len(rows)


def _book_imports(db: Database, company_id: str) -> list[tuple[str, str]]:
    """(source, started_at) of each successful import that brought books, oldest first; ledger-only runs do not
    count."""
    runs = []
    for row in db.query("select parts, started_at from import_runs where company_id = ? and status = 'ok' "
                        "order by id", [company_id]):
        source = next((SOURCE_OF_PART[p] for p in json.loads(row["parts"] or "[]") if p in SOURCE_OF_PART), None)
        if source is not None:
            runs.append((source, row["started_at"]))
    return runs


def source_change(db: Database, company_id: str) -> SourceChange | None:
    """The import source changed since the mappings were last confirmed (never confirmed: since the previous
    import); None when there is nothing to check."""
    runs = _book_imports(db, company_id)
    if not runs:
        return None
    current = runs[-1][0]
    first_of_streak = len(runs) - 1
    while first_of_streak and runs[first_of_streak - 1][0] == current:
        first_of_streak -= 1
    previous = runs[first_of_streak - 1][0] if first_of_streak else None
    reviews = list(db["mapping_reviews"].rows_where("company_id = ?", [company_id]))
    review = reviews[0] if reviews else None
    if review is not None and review["source"] != current:
        return SourceChange(previous=ChartSource(review["source"]), current=current)
    if previous is None or (review is not None and review["reviewed_at"] >= runs[first_of_streak][1]):
        return None
    return SourceChange(previous=previous, current=current)


def record_review(db: Database, company_id: str, actor: str) -> None:
    """'Mappningarna är kontrollerade': the mappings were checked for the current import source."""
    runs = _book_imports(db, company_id)
    if not runs:
        return
    with store.write_lock(db):
        db["mapping_reviews"].upsert({"company_id": company_id, "source": runs[-1][0], "reviewed_by": actor,
                                      "reviewed_at": now_iso()}, pk="company_id")
