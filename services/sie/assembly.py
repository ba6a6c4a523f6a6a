"""Document assembly: what each SIE record means, and the checks at the end.

:class:`DocumentBuilder` holds the state of one reading (``state.py``) and one
handler per record label, each given a tokenized :class:`~.tokenizer.SieLine`:
the head's records (``header_records.py``), the balances
(``balance_records.py``) and the vouchers (``voucher_assembly.py``). The
readers that feed it lines (``lines.py``, ``blocks.py``) decide nothing about
meaning; everything a record means, and every warning it gives, is in those
handlers and in the checks at the end here.
"""

from __future__ import annotations

from collections.abc import Callable

from .balance_records import BalanceRecords
from .encoding import CP437
from .errors import where
from .header_records import HeaderRecords
from .model import SieAccount
from .tokenizer import SieLine
from .voucher_assembly import VoucherAssembly

__all__ = ["DocumentBuilder"]

# The records of a file's head; a file with none of them is a fragment.
_HEADER_LABELS = ("#FLAGGA", "#SIETYP", "#PROGRAM", "#RAR")


class DocumentBuilder(HeaderRecords, BalanceRecords, VoucherAssembly):
    """The state of one reading and the meaning of every record."""

    def __init__(self, encoding: str, strict: bool = False, max_errors: int = 0) -> None:
        super().__init__(encoding, strict, max_errors)
        self._handlers: dict[str, Callable[[SieLine], None]] = {
            "#FLAGGA": self._flagga,
            "#FORMAT": self._format,
            "#SIETYP": self._sietyp,
            "#PROGRAM": self._program,
            "#GEN": self._gen,
            "#FNAMN": self._fnamn,
            "#ORGNR": self._orgnr,
            "#FNR": self._fnr,
            "#KPTYP": self._kptyp,
            "#VALUTA": self._valuta,
            "#RAR": self._rar,
            "#KONTO": self._konto,
            "#KTYP": self._ktyp,
            "#SRU": self._sru,
            "#DIM": self._dim,
            "#UNDERDIM": self._underdim,
            "#OBJEKT": self._objekt,
            "#ENHET": self._enhet,
            "#ADRESS": self._adress,
            "#TAXAR": self._taxar,
            "#OMFATTN": self._omfattn,
            "#KSUMMA": self._ksumma,
            "#IB": self._balance,
            "#UB": self._balance,
            "#RES": self._balance,
            "#OIB": self._object_balance,
            "#OUB": self._object_balance,
            "#PSALDO": self._period_balance,
            "#PBUDGET": self._period_balance,
            "#VER": self._ver_record,
            "#TRANS": self._row,
            "#RTRANS": self._row,
            "#BTRANS": self._row,
        }

    def _finish(self) -> None:
        doc = self.doc
        names = self._account_names
        types = self._account_types
        srus = self._account_sru
        for number, (_, line) in list(types.items()) + list(srus.items()):
            if number not in names:
                self.tolerate(
                    "undeclared_account",
                    f"{where(line)}konto {number} används i #KTYP/#SRU men saknar #KONTO.",
                    line,
                )
                names[number] = ("", line)
        for number, (name, _) in names.items():
            ktyp = types.get(number)
            sru = srus.get(number)
            doc.accounts[number] = SieAccount(
                number,
                name,
                ktyp[0] if ktyp else None,
                sru[0] if sru and sru[0] else None,
                self._account_units.get(number),
                tuple(self._account_sru_all.get(number, ())),
            )
        seen = self._seen
        # Without #SIETYP a file is type 1, but only type 4 has vouchers.
        guessed = "#SIETYP" not in seen and doc.voucher_count > 0
        if guessed:
            doc.sietype = 4
        self._finish_ksumma()
        self._finish_mandatory()
        if self._leading_points and not self.strict:  # strict mode refused each one
            line = self._leading_point_line
            self.tolerate(
                "leading_point_amount",
                f"{where(line)}{self._leading_points} belopp saknar heltalsdel (till exempel "
                ".23 i stället för 0.23), första gången här; de har lästs som 0.23 osv.",
                line,
            )
        if doc.voucher_count and not any(label in seen for label in _HEADER_LABELS):
            self.tolerate(
                "missing_header",
                "Filen: filen saknar sitt huvud (#FLAGGA, #SIETYP, #PROGRAM och #RAR) och är "
                "troligen ett utdrag ur en SIE-fil; typen har gissats till SIE typ 4 eftersom "
                "den innehåller verifikationer. Exportera hela filen om det går.",
                0,
            )
        if "#FLAGGA" not in seen:
            self.tolerate("missing_flagga", "Filen: #FLAGGA saknas.", 0)
        if "#SIETYP" not in seen:
            self.tolerate(
                "missing_sietype",
                "Filen: #SIETYP saknas; filen har lästs som SIE typ "
                + ("4 eftersom den innehåller verifikationer." if guessed else "1."),
                0,
            )
        if doc.format is None:
            self.tolerate(
                "missing_format",
                "Filen: #FORMAT saknas; teckenkodningen har bestämts utifrån innehållet.",
                0,
            )
        elif doc.format.upper() == "PC8":
            if doc.encoding != CP437:
                self.tolerate(
                    "encoding_mismatch",
                    f"{where(self._format_line)}#FORMAT säger PC8 (teckentabell 437) men filen är "
                    f"kodad som {doc.encoding}; den har lästs som {doc.encoding}.",
                    self._format_line,
                )
        else:
            self.tolerate(
                "format_not_pc8",
                f'{where(self._format_line)}#FORMAT "{doc.format}" följer inte SIE-standarden (PC8); '
                f"filen har lästs som {doc.encoding}.",
                self._format_line,
            )

    def _finish_mandatory(self) -> None:
        doc = self.doc
        seen = self._seen
        if doc.voucher_count and "#SIETYP" in seen and doc.sietype < 4:
            self.tolerate(
                "vouchers_in_type",
                f"{where(self._first_ver_line)}SIE typ {doc.sietype} får inte innehålla "
                "verifikationer (#VER); bara typ 4 får det.",
                self._first_ver_line,
            )
        if not self.strict:
            return  # lenient reading assumes the defaults (FORMAT.md §10)
        required = ["#PROGRAM", "#GEN", "#FNAMN"]
        if doc.kind != "4I":
            required += ["#RAR", "#KONTO"]
        for label in required:
            if label not in seen:
                self.tolerate(
                    "missing_record",
                    f"Filen: posten {label} saknas, men den är obligatorisk i "
                    f"SIE typ {doc.kind or doc.sietype}.",
                    0,
                )
