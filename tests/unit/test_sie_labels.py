"""SIE check codes are shown to people as Swedish labels; the codes themselves stay for scripts."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from services.imports.sie_file import review_sie_file
from services.sie.labels import OTHER, label

SAMPLES = Path(os.environ.get("SIE_SAMPLES", Path(__file__).resolve().parents[3] / "shared" / "sie-samples"))


@pytest.mark.parametrize("sample", sorted(SAMPLES.glob("*.s[ei]")), ids=lambda path: path.name)
def test_every_finding_of_the_sample_files_has_a_swedish_label(sample: Path) -> None:
    review = review_sie_file(sample)
    unlabelled = {message.code for message in review.errors + review.warnings if label(message.code) == OTHER}
    assert unlabelled == set()


def test_a_code_without_a_label_is_shown_as_a_check_not_as_its_code() -> None:
    assert label("some_future_check") == "Övrig kontroll"
