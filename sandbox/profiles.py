"""What kind of business each demo company runs: customers, suppliers, volumes, staff, assets and loans.

The generator (`sandbox.world`) turns a profile into books; everything here is plain data. The small company is
the untouched reference (no planted findings); the mid-size and the large company carry the year-end problems
listed in `sandbox.findings`, foreign-currency business and (mid-size) cost centres and projects.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import cycle, islice, product

from sandbox.records import ChartAccount, CompanyDetails, CostCenter, Project

SMALL_TENANT_ID = "500101"
MIDSIZE_TENANT_ID = "500202"
LARGE_TENANT_ID = "500303"


@dataclass(frozen=True)
class CustomerProfile:
    """A customer: `pay_days` is both its terms of payment and how late it typically pays around them."""

    name: str
    pay_days: int
    reverse_charge: bool = False
    currency: str = "SEK"
    private: bool = False
    project: str = ""


@dataclass(frozen=True)
class SupplierProfile:
    """A supplier and how often it invoices; amounts in whole units of its currency."""

    name: str
    account: str
    schedule: str  # monthly | bimonthly | quarterly | random | yearly
    low: int
    high: int
    vat_percent: int = 25
    reverse_charge: bool = False
    day: int = 1
    per_month: tuple[int, int] = (1, 1)
    month: int = 1  # for yearly: month of the year
    currency: str = "SEK"


@dataclass(frozen=True)
class Profile(CompanyDetails):
    """Everything the generator needs to invent two financial years of one company."""

    first_year_start: date
    customers: tuple[CustomerProfile, ...]
    suppliers: tuple[SupplierProfile, ...]
    sales_per_month: tuple[int, int]
    sales_net: tuple[int, int]
    first_invoice_number: int
    first_supplier_number: int
    employees: tuple[tuple[str, int], ...]
    bank_fee: tuple[int, int]  # öre
    depreciation: tuple[tuple[str, str, int], ...]  # (cost account, accumulated account, öre per year)
    depreciation_every_months: int
    fixed_opening: tuple[tuple[str, int], ...]  # kronor
    loan: tuple[str, int, int, Decimal] | None  # (account, opening kronor, amortisation per quarter, yearly rate)
    opening_vat_liability: int  # kronor
    opening_accrual: int  # kronor
    year_end_accrual: tuple[int, int]  # kronor range
    first_year_id: int = 1
    eur_sales_net: tuple[int, int] = (0, 0)  # euro per EUR invoice
    cancelled_invoices: int = 0  # credited-away drafts, per year
    cost_centers: tuple[CostCenter, ...] = ()
    cost_center_by_account: tuple[tuple[str, str], ...] = ()
    projects: tuple[Project, ...] = ()
    extra_accounts: tuple[ChartAccount, ...] = ()
    with_findings: bool = False
    corrections: int = 0  # vouchers with a row struck by a correction (sandbox.corrections)


SMALL = Profile(
    tenant_id=SMALL_TENANT_ID,
    name="Bokslutsdemo AB",
    orgnr="556677-8899",
    address="Storgatan 12",
    zip_code="111 22",
    city="Stockholm",
    phone="08-123 456 78",
    contact="Anna Andersson",
    email="info@bokslutsdemo.example",
    first_year_start=date(2024, 1, 1),
    customers=(
        CustomerProfile("Kvarnbackens Café AB", 30),
        CustomerProfile("Nordlunds Måleri AB", 30),
        CustomerProfile("Svensson & Dotter HB", 20),
        CustomerProfile("Lindqvist Konsult AB", 30),
        CustomerProfile("Hälsogården i Ljusdal AB", 30),
        CustomerProfile("Ekdahls Bageri AB", 15),
        CustomerProfile("Sjöviks Marina AB", 45),
        CustomerProfile("Grönt & Gott Ekonomisk förening", 30),
        CustomerProfile("Åkessons El AB", 30),
        CustomerProfile("Bergström Design AB", 30),
        CustomerProfile('Stiftelsen "Solbacken"', 30),
        CustomerProfile("Fagerhult Transport AB", 60),
    ),
    suppliers=(
        SupplierProfile("Fastighets AB Kvarnstenen", "5010", "monthly", 18500, 18500, day=1),
        SupplierProfile("Elbolaget Mitt i Sverige AB", "5020", "bimonthly", 1800, 3400, day=8),
        SupplierProfile("Telenät Norden AB", "6212", "quarterly", 1190, 1560, day=5),
        SupplierProfile("Grossisten i Mälardalen AB", "4010", "random", 3000, 24000, per_month=(1, 2)),
        SupplierProfile("Molnkontoret Sverige AB", "5420", "monthly", 1490, 1490, day=3),
        SupplierProfile("Kontorsvaruhuset AB", "6110", "random", 300, 2800, per_month=(0, 1)),
        SupplierProfile("Revisionsbyrån Ek & Partners KB", "6420", "yearly", 16500, 19000, month=3, day=14),
        SupplierProfile("Försäkringsbolaget Trygghet", "6310", "yearly", 8400, 9200, vat_percent=0, month=1, day=10),
    ),
    sales_per_month=(4, 5),
    sales_net=(12000, 68000),
    first_invoice_number=1001,
    first_supplier_number=301,
    employees=(("7220", 42000), ("7210", 36500)),
    bank_fee=(9500, 18550),
    depreciation=(("7832", "1229", 3_600_000),),
    depreciation_every_months=1,
    fixed_opening=(("1220", 180000), ("1229", -54000), ("1930", 412367), ("2081", -25000)),
    loan=None,
    opening_vat_liability=48312,
    opening_accrual=15000,
    year_end_accrual=(17000, 21000),
)

# Shareholder loans are booked on an account the demo chart lacks, so it has no SRU code (a planted finding).
SHAREHOLDER_LOAN = ChartAccount("1687", "Kortfristig fordran hos delägare", 0)

MIDSIZE = Profile(
    tenant_id=MIDSIZE_TENANT_ID,
    name="Fjällbrons Bygg AB",
    orgnr="559012-3450",
    address="Brovägen 4",
    zip_code="837 52",
    city="Järpen",
    phone="0647-123 45",
    contact="Erik Fjällström",
    email="kontoret@fjallbronsbygg.example",
    first_year_start=date(2023, 7, 1),
    customers=(
        CustomerProfile("Storsjö Bygg & Fasad AB", 30, reverse_charge=True, project="P103"),
        CustomerProfile("Hedbergs Byggnads AB", 30, reverse_charge=True),
        CustomerProfile("Jämtlands Husbyggare AB", 45, reverse_charge=True),
        CustomerProfile("Nordlunds Snickeri AB", 30, reverse_charge=True),
        CustomerProfile("Brf Fjällsippan", 30, project="P101"),
        CustomerProfile("Brf Älvstranden", 30),
        CustomerProfile("Frösö Fastigheter AB", 30, project="P102"),
        CustomerProfile("Kommunfastigheter i Berg AB", 30, project="P104"),
        CustomerProfile("Lars Ödmark", 10, private=True),
        CustomerProfile("Karin Sjöberg", 20, private=True),
        CustomerProfile("Oulun Rakennus Oy", 30, currency="EUR"),
    ),
    suppliers=(
        SupplierProfile("Byggmaterial Norrland AB", "4010", "random", 8000, 65000, per_month=(1, 2)),
        SupplierProfile("Fastighets AB Brofästet", "5010", "monthly", 14200, 14200, day=1),
        SupplierProfile("Maskinhyra Jämtland AB", "5210", "random", 4000, 22000, per_month=(0, 1)),
        SupplierProfile("Drivmedelskortet Sverige AB", "5621", "monthly", 6000, 11000, day=6),
        SupplierProfile("El & Rör i Jämtland AB", "4425", "random", 15000, 90000, reverse_charge=True,
                        per_month=(0, 1)),
        SupplierProfile("Målarmästarna Norr AB", "4425", "random", 12000, 60000, reverse_charge=True,
                        per_month=(0, 1)),
        SupplierProfile("Revisionsbyrån Fjäll & Partners", "6420", "yearly", 24000, 28000, month=10, day=20),
        SupplierProfile("Försäkringsbolaget Trygghet", "6310", "yearly", 21000, 23500, vat_percent=0, month=7,
                        day=10),
        SupplierProfile("Telenät Norden AB", "6212", "quarterly", 2400, 3100, day=5),
        SupplierProfile("Baltic Timber OÜ", "4056", "random", 1500, 6000, per_month=(0, 1), currency="EUR"),
    ),
    sales_per_month=(4, 5),
    sales_net=(20000, 150000),
    first_invoice_number=5001,
    first_supplier_number=801,
    employees=(("7220", 48000), ("7010", 33500), ("7010", 32800), ("7010", 31900)),
    bank_fee=(18000, 42000),
    depreciation=(("7832", "1229", 6_200_000), ("7834", "1249", 14_400_000)),
    depreciation_every_months=3,
    fixed_opening=(
        ("1220", 310000), ("1229", -124000), ("1240", 720000), ("1249", -216000),
        ("1930", 785432), ("2081", -100000),
    ),
    loan=("2350", 480000, 20000, Decimal("0.049")),
    opening_vat_liability=96418,
    opening_accrual=25000,
    year_end_accrual=(26000, 30000),
    eur_sales_net=(2500, 14000),
    cancelled_invoices=2,
    cost_centers=(
        CostCenter("BYGG", "Byggproduktion"),
        CostCenter("SERV", "Service och reparationer"),
        CostCenter("ADM", "Administration"),
        CostCenter("MARK", "Markarbeten", active=False, note="Avvecklat 2023"),
    ),
    cost_center_by_account=(
        ("3001", "SERV"), ("3231", "BYGG"), ("3308", "BYGG"), ("4010", "BYGG"), ("4056", "BYGG"),
        ("4425", "BYGG"), ("5210", "BYGG"), ("5621", "BYGG"), ("7010", "BYGG"), ("5010", "ADM"),
        ("6212", "ADM"), ("6310", "ADM"), ("6420", "ADM"), ("6570", "ADM"), ("7220", "ADM"),
    ),
    projects=(
        Project("P101", "Brf Fjällsippan stambyte", "ONGOING", date(2023, 8, 14), None, "Erik Fjällström"),
        Project("P102", "Frösö Fastigheter kontorsombyggnad", "COMPLETED", date(2023, 9, 1), date(2024, 11, 29),
                "Erik Fjällström"),
        Project("P103", "Storsjö fasadrenovering", "ONGOING", date(2024, 3, 4), None, "Maja Berg"),
        Project("P104", "Bergs skola tillbyggnad", "NOTSTARTED", date(2025, 8, 1), None, "Maja Berg"),
    ),
    extra_accounts=(SHAREHOLDER_LOAN,),
    with_findings=True,
    corrections=3,
)

_PLACES = ("Alviks", "Bergs", "Dala", "Ekens", "Forsby", "Gränna", "Hagaby", "Ivarsby", "Järva", "Kungs", "Lidö",
           "Mora", "Norrby", "Oxelö", "Rösa", "Sjö", "Tuna", "Ulvsunda", "Vallby", "Åby", "Älvsby", "Öster")
_CUSTOMER_TRADES = ("Bygg AB", "Livs AB", "El AB", "Café AB", "Fastigheter AB", "Måleri AB", "Transport AB",
                    "Konsult AB")
_SUPPLIER_TRADES = ("Grossisten AB", "Partihandel AB", "Förpackningar AB", "Industri AB", "Lager & Logistik AB")
_SUPPLIER_ACCOUNTS = ("4010", "4010", "4010", "5460", "5710", "6110", "4010", "5410")
_PAY_DAYS = (10, 15, 20, 30, 30, 30, 45, 60)


def _large_customers() -> tuple[CustomerProfile, ...]:
    names = [f"{place} {trade}" for place, trade in product(_PLACES, _CUSTOMER_TRADES)][:150]
    domestic = tuple(CustomerProfile(name, days) for name, days in zip(names, cycle(_PAY_DAYS)))
    return domestic + (CustomerProfile("Helsinki Retail Group Oy", 30, currency="EUR"),
                       CustomerProfile("Hamburger Handelskontor GmbH", 45, currency="EUR"))


def _large_suppliers() -> tuple[SupplierProfile, ...]:
    names = [f"{place} {trade}" for place, trade in product(_PLACES, _SUPPLIER_TRADES)][::2][:45]
    regular = tuple(SupplierProfile(name, account, "random", 2000, 60000, per_month=(2, 4))
                    for name, account in zip(names, islice(cycle(_SUPPLIER_ACCOUNTS), len(names))))
    return regular + (
        SupplierProfile("Fastighets AB Mälarporten", "5010", "monthly", 96000, 96000, day=1),
        SupplierProfile("Mälarenergi Försäljning AB", "5020", "monthly", 9000, 16000, day=8),
        SupplierProfile("Telenät Norden AB", "6212", "monthly", 5400, 6100, day=5),
        SupplierProfile("Revisionsbyrån Mälardalen KB", "6420", "yearly", 85000, 95000, month=4, day=12),
        SupplierProfile("Försäkringsbolaget Trygghet", "6310", "yearly", 64000, 70000, vat_percent=0, month=1,
                        day=10),
        SupplierProfile("Rotterdam Packaging B.V.", "4056", "random", 2000, 9000, per_month=(1, 2), currency="EUR"),
    )


LARGE = Profile(
    tenant_id=LARGE_TENANT_ID,
    name="Mälardalens Handelshus AB",
    orgnr="556842-3106",
    address="Industrigatan 18",
    zip_code="721 30",
    city="Västerås",
    phone="021-456 78 90",
    contact="Sofia Lindgren",
    email="ekonomi@malardalenshandelshus.example",
    first_year_start=date(2024, 1, 1),
    customers=_large_customers(),
    suppliers=_large_suppliers(),
    sales_per_month=(280, 340),
    sales_net=(2000, 40000),
    first_invoice_number=10001,
    first_supplier_number=2001,
    employees=(("7220", 68000),) + tuple(("7010", 29000 + 350 * i) for i in range(22))
    + tuple(("7210", 38000 + 900 * i) for i in range(7)),
    bank_fee=(95000, 160000),
    depreciation=(("7832", "1229", 24_000_000), ("7834", "1249", 18_000_000)),
    depreciation_every_months=1,
    fixed_opening=(
        ("1220", 1_450_000), ("1229", -520_000), ("1240", 900_000), ("1249", -310_000), ("1460", 2_350_000),
        ("1930", 3_214_785), ("2081", -500_000),
    ),
    loan=("2350", 2_400_000, 100_000, Decimal("0.052")),
    opening_vat_liability=612_418,
    opening_accrual=80_000,
    year_end_accrual=(88_000, 96_000),
    eur_sales_net=(1500, 22000),
    cancelled_invoices=12,
    extra_accounts=(SHAREHOLDER_LOAN,),
    with_findings=True,
    corrections=9,
)

EAGER_PROFILES: tuple[Profile, ...] = (SMALL, MIDSIZE)
LAZY_PROFILES: tuple[Profile, ...] = (LARGE,)
