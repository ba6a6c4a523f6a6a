"""Honest progress for the large company: the run plans first (list pages, which files are new) and shows no ETA
until then; once the plan is known no total grows and no bar runs backwards, and the plan counts the ten thousand
attachment downloads from the start."""

from __future__ import annotations

import copy

import httpx
import pytest

from services.companies.connections import connect_service_account
from services.companies.model import Company
from services.imports.model import ImportCancelled, RunProgress
from services.imports.pipeline import PART_ATTACHMENTS, PARTS, run_import
from services.imports.runs import import_runs, request_cancel
from tests.conftest import settings_for

LARGE = 2  # index in GET /sandbox/tenants
DOWNLOADS_SAMPLED = 400  # enough to see the downloads go; the whole import takes minutes


@pytest.fixture(scope="module")
def samples(sandbox, tenants: list[dict], tmp_path_factory: pytest.TempPathFactory) -> list[RunProgress]:
    """Every progress the large company's full import reports, until a few hundred files are downloaded; then the
    run is cancelled as Avbryt would."""
    settings = settings_for(tmp_path_factory.mktemp("progress"), sandbox.port)
    tenant_id = tenants[LARGE]["tenant_id"]
    httpx.get(f"{sandbox.url}/sandbox/findings", params={"tenant_id": tenant_id}, timeout=600)  # its books made
    company: Company = connect_service_account(settings, tenant_id)
    seen: list[RunProgress] = []

    def sample(progress: RunProgress) -> None:
        seen.append(copy.deepcopy(progress))
        files = progress.part(PART_ATTACHMENTS)
        if progress.planned and files.items_done >= DOWNLOADS_SAMPLED and len(seen) > 1:
            request_cancel(settings, import_runs(settings, company.id, limit=1)[0]["id"], "test")

    with pytest.raises(ImportCancelled):
        run_import(settings, company.id, parts=PARTS, on_progress=sample)
    return seen


def test_no_eta_is_shown_before_the_plan_is_known(samples: list[RunProgress]) -> None:
    planning = [progress for progress in samples if not progress.planned]
    assert planning and all(progress.eta_seconds is None for progress in planning)


def test_the_plan_counts_every_download_from_the_moment_it_is_known(samples: list[RunProgress]) -> None:
    planned = [progress for progress in samples if progress.planned]
    first, last = planned[0], planned[-1]
    assert first.part(PART_ATTACHMENTS).items_total > 10_000
    assert {name: (p.items_total, p.requests_planned) for name, p in first.parts.items()} == {
        name: (p.items_total, p.requests_planned) for name, p in last.parts.items()}


def test_a_parts_totals_never_change_once_it_is_planned(samples: list[RunProgress]) -> None:
    for name in PARTS:
        totals = {(p.part(name).items_total, p.part(name).requests_planned) for p in samples if p.part(name).planned}
        assert len(totals) == 1, name


def test_progress_never_goes_backwards(samples: list[RunProgress]) -> None:
    shares = [progress.share for progress in samples if progress.planned]
    assert shares == sorted(shares) and shares[-1] > shares[0]
    for name in PARTS:
        part_shares = [progress.part(name).share for progress in samples]
        assert part_shares == sorted(part_shares), name
    etas = [progress.eta_seconds for progress in samples if progress.planned]
    assert etas == sorted(etas, reverse=True)
