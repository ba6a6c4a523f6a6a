"""The records of a file's head: identification, fiscal years, the chart of
accounts, dimensions and objects, and #KSUMMA (FORMAT.md §5-§6)."""

from __future__ import annotations

import zlib

from .errors import SieError, where
from .ksumma import KSUMMA_ABSENT, KSUMMA_MISMATCH, KSUMMA_VERIFIED, record_bytes
from .model import SieAddress, SieYear
from .state import ReadingState
from .tokenizer import SieLine

__all__ = ["HeaderRecords"]


class HeaderRecords(ReadingState):
    """The handlers of the head's records."""

    def _flagga(self, rec: SieLine) -> None:
        if self._seen != {"#FLAGGA"}:  # something came before #FLAGGA
            self.tolerate(
                "flagga_not_first",
                f"{where(self.line)}#FLAGGA ska vara filens första post.",
            )

    def _format(self, rec: SieLine) -> None:
        self.doc.format = self._str(rec, 0)
        self._format_line = self.line

    def _sietyp(self, rec: SieLine) -> None:
        value = self._str(rec, 0)
        if value in ("1", "2", "3", "4"):
            self.doc.sietype = int(value)
            return
        self.doc.sietype = int(value[0]) if value[:1] in ("1", "2", "3", "4") else 1
        self.tolerate(
            "bad_sietype",
            f'{where(self.line)}#SIETYP "{value}" är inte 1, 2, 3 eller 4; '
            f"filen har lästs som typ {self.doc.sietype}.",
        )

    def _program(self, rec: SieLine) -> None:
        self.doc.program = self._str(rec, 0)
        self.doc.program_version = self._str(rec, 1)
        if len(rec.fields) < 2:
            self.tolerate(
                "program_without_version",
                f"{where(self.line)}#PROGRAM saknar versionsnummer.",
            )

    def _gen(self, rec: SieLine) -> None:
        value = self._str(rec, 0)
        try:
            self.doc.generated = self._date(value, "datumet i #GEN")
        except SieError as exc:
            self.tolerate(exc.code, exc.message + " Exportdatumet har ignorerats.")

    def _fnamn(self, rec: SieLine) -> None:
        self.doc.company_name = self._text_rest(rec, 0, "företagsnamnet i #FNAMN")

    def _orgnr(self, rec: SieLine) -> None:
        value = self._str(rec, 0).strip()
        self.doc.orgnr = value or None
        if value and not (len(value) == 11 and value[6] == "-"):
            self.tolerate(
                "orgnr_format",
                f'{where(self.line)}organisationsnumret "{value}" är inte skrivet '
                "NNNNNN-NNNN.",
            )

    def _fnr(self, rec: SieLine) -> None:
        self.doc.fnr = self._str(rec, 0) or None

    def _kptyp(self, rec: SieLine) -> None:
        self.doc.kptyp = self._str(rec, 0) or None

    def _valuta(self, rec: SieLine) -> None:
        self.doc.currency = self._str(rec, 0) or None

    def _rar(self, rec: SieLine) -> None:
        index = self._year_index(self._require(rec, 0, "årsnummer"), rec.label)
        start_s, end_s = self._str(rec, 1), self._str(rec, 2)
        if not start_s or not end_s:
            self.tolerate(
                "rar_without_dates",
                f"{where(self.line)}#RAR {index} saknar start- och slutdatum och "
                "har hoppats över.",
            )
            return
        start = self._date(start_s, "startdatumet i #RAR")
        end = self._date(end_s, "slutdatumet i #RAR")
        if self.doc.year(index) is not None:
            self.tolerate(
                "duplicate_year",
                f"{where(self.line)}#RAR {index} förekommer flera gånger; den sista gäller.",
            )
            self.doc.years = [y for y in self.doc.years if y.index != index]
        self.doc.years.append(SieYear(index, start, end))

    # ------------------------------------------------------- chart, objects

    def _konto(self, rec: SieLine) -> None:
        number = self._require(rec, 0, "kontonummer")
        name = self._text_rest(rec, 1, f"kontonamnet för {number}")
        if number in self._account_names:
            self.tolerate(
                "duplicate_account",
                f"{where(self.line)}konto {number} deklareras flera gånger; "
                "den sista #KONTO-posten gäller.",
            )
        elif not number.isdigit():
            self.tolerate(
                "non_numeric_account",
                f'{where(self.line)}kontonumret "{number}" är inte numeriskt.',
            )
        self._account_names[number] = (name, self.line)

    def _ktyp(self, rec: SieLine) -> None:
        number = self._require(rec, 0, "kontonummer")
        self._account_types[number] = (self._str(rec, 1) or "", self.line)

    def _sru(self, rec: SieLine) -> None:
        number = self._require(rec, 0, "kontonummer")
        code = self._str(rec, 1)
        if number not in self._account_sru:
            self._account_sru[number] = (code, self.line)
        if code:
            self._account_sru_all.setdefault(number, []).append(code)

    def _dim(self, rec: SieLine) -> None:
        self.doc.dimensions[self._require(rec, 0, "dimensionsnummer")] = self._str(rec, 1)

    def _objekt(self, rec: SieLine) -> None:
        dim = self._require(rec, 0, "dimensionsnummer")
        obj = self._require(rec, 1, "objektkod")
        self.doc.objects[(dim, obj)] = self._str(rec, 2)

    def _underdim(self, rec: SieLine) -> None:
        dim = self._require(rec, 0, "dimensionsnummer")
        self.doc.dimensions[dim] = self._str(rec, 1)
        superdim = self._str(rec, 2)
        if superdim:
            self.doc.subdimensions[dim] = superdim
        else:
            self.tolerate(
                "missing_field",
                f"{where(self.line)}#UNDERDIM {dim} saknar överordnad dimension.",
            )

    def _enhet(self, rec: SieLine) -> None:
        number = self._require(rec, 0, "kontonummer")
        self._account_units[number] = self._str(rec, 1)

    # ----------------------------------------------------- identification

    def _adress(self, rec: SieLine) -> None:
        self.doc.address = SieAddress(*(self._str(rec, i) for i in range(4)))

    def _taxar(self, rec: SieLine) -> None:
        value = self._str(rec, 0)
        if len(value) == 4 and value.isdigit() and value.isascii():
            self.doc.taxar = int(value)
            return
        self.tolerate(
            "bad_taxar",
            f'{where(self.line)}taxeringsåret "{value}" i #TAXAR ska skrivas ÅÅÅÅ; '
            "det har ignorerats.",
        )

    def _omfattn(self, rec: SieLine) -> None:
        value = self._str(rec, 0)
        try:
            self.doc.omfattn = self._date(value, "datumet i #OMFATTN")
        except SieError as exc:
            self.tolerate(exc.code, exc.message + " Datumet har ignorerats.")

    # ------------------------------------------------------------- #KSUMMA

    def _ksumma(self, rec: SieLine) -> None:
        value = self._str(rec, 0)
        if not value:
            if self._crc is None:
                self._crc = 0
                self._ksumma_line = self.line
            else:
                self.tolerate(
                    "duplicate_ksumma",
                    f"{where(self.line)}#KSUMMA utan värde förekommer mer än en gång.",
                )
            return
        if self._crc is None or self._ksumma_closed:
            self.doc.ksumma = KSUMMA_MISMATCH
            self.tolerate(
                "ksumma_not_opened",
                f"{where(self.line)}#KSUMMA med värde saknar den inledande tomma "
                "#KSUMMA efter #FLAGGA; kontrollsumman kan inte kontrolleras.",
            )
            return
        self._ksumma_closed = True
        expected = value.isdigit() and value.isascii() and int(value)
        if expected is not False and expected == self._crc & 0xFFFFFFFF:
            self.doc.ksumma = KSUMMA_VERIFIED
            return
        self.doc.ksumma = KSUMMA_MISMATCH
        self.tolerate(
            "ksumma_mismatch",
            f'{where(self.line)}kontrollsumman i #KSUMMA ("{value}") stämmer inte med '
            f"filens innehåll ({self._crc & 0xFFFFFFFF}); filen har ändrats eller "
            "skadats efter exporten.",
        )

    def _ksumma_feed(self, rec: SieLine) -> None:
        assert self._crc is not None
        try:
            data = record_bytes(rec.label, rec.fields)
        except UnicodeEncodeError:
            data = record_bytes(rec.label, rec.fields, self.doc.encoding)
        self._crc = zlib.crc32(data, self._crc)

    def _finish_ksumma(self) -> None:
        if self._crc is not None and not self._ksumma_closed:
            self.doc.ksumma = KSUMMA_MISMATCH
            self.tolerate(
                "ksumma_not_closed",
                f"{where(self._ksumma_line)}filen inleds med #KSUMMA men saknar "
                "kontrollsumman på sista raden; filen är troligen avkortad. "
                "Exportera den på nytt.",
                self._ksumma_line,
            )
        elif self._crc is None and self.doc.ksumma != KSUMMA_MISMATCH:
            self.doc.ksumma = KSUMMA_ABSENT
