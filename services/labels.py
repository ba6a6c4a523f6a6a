"""Stored values with their Swedish labels beside them: one pattern for every enum a page names to a person."""

from __future__ import annotations

from enum import StrEnum
from typing import Self


class LabelledEnum(StrEnum):
    """A `StrEnum` whose members are written `DRAFT = "draft", "Utkast"`: the value stored in the database and the
    label shown to a person, side by side, so no member can lack its label and no table of labels can drift."""

    label: str

    # `label` defaults only so that the lookup of a stored value, `VoucherStatus("draft")`, type-checks: Python
    # routes that call to Enum's own lookup, never here. A member written without its label is refused here, when
    # its class is made.
    def __new__(cls, value: str, label: str = "") -> Self:
        if not label:
            raise TypeError(f"{cls.__name__} {value!r} has no Swedish label")
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member
