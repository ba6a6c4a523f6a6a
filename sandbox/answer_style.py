"""How unset values are written in answers, following the recorded real ones (recordings/SOURCE.md).

Where every recording agrees, every company answers alike: an unset `VATCode`, and a customer's unset `CostCenter`,
`SalesAccount` and `Phone1`, are `null` (`unset`). Where recordings disagree, the companies differ, so the client is
tested against both: the 2023 recordings send an invoice's unset `CostCenter` and `Phone1` as `""` and invoice
rows' `ContributionPercent`/`ContributionValue` as strings (`"0"`); older answers send `null` and numbers. The
mid-size company answers the older way, the others the 2023 way.
"""

from __future__ import annotations

from dataclasses import dataclass

from sandbox.profiles import MIDSIZE_TENANT_ID

OLDER_ANSWERS = frozenset({MIDSIZE_TENANT_ID})


def unset(value: str) -> str | None:
    """A text that may be unset, where every recording sends unset as null."""
    return value or None


@dataclass(frozen=True)
class AnswerStyle:
    """One company's way with the values recordings disagree on."""

    older: bool

    def text(self, value: str) -> str | None:
        """An unset text: `null` in older answers, `""` in the 2023 ones."""
        return value or (None if self.older else "")

    def number(self, value: int) -> int | str:
        """A number the 2023 answers send as a string."""
        return value if self.older else str(value)


def answer_style(tenant_id: str) -> AnswerStyle:
    return AnswerStyle(older=tenant_id in OLDER_ANSWERS)
