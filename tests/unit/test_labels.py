"""The labelled-enum pattern: a stored value and its Swedish label on one line, no member without its label."""

from __future__ import annotations

import pickle

import pytest

from services.labels import LabelledEnum
from services.vouchers.model import VoucherStatus


def test_a_stored_value_finds_its_member_and_its_label() -> None:
    assert VoucherStatus("exported") is VoucherStatus.EXPORTED
    assert VoucherStatus.EXPORTED.label == "Exporterad"


def test_a_member_is_stored_and_formatted_as_its_value_alone() -> None:
    assert VoucherStatus.DRAFT == "draft"
    assert str(VoucherStatus.DRAFT) == f"{VoucherStatus.DRAFT}" == "draft"
    assert VoucherStatus.DRAFT.value == "draft"


def test_a_member_survives_pickling_as_itself() -> None:
    assert pickle.loads(pickle.dumps(VoucherStatus.SENDING)) is VoucherStatus.SENDING


def test_a_member_written_without_its_label_is_refused_when_the_class_is_made() -> None:
    with pytest.raises(TypeError, match="Swedish label"):
        class Unlabelled(LabelledEnum):
            BARE = "bare"


def test_an_unknown_stored_value_is_no_member() -> None:
    with pytest.raises(ValueError):
        VoucherStatus("archived")
