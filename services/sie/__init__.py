"""Reading SIE files (the Swedish accounting interchange format, types 1-4).

Public API::

    from services.sie import read_sie, SieError

    doc = read_sie(path.read_bytes())
    for voucher in doc.vouchers:
        assert voucher.is_balanced

See ``reader.py`` for what is an error and what is a warning, and
``shared/sie-samples/FORMAT.md`` for the format itself.
"""

from .errors import SieError, SieMessage
from .model import (
    SieAccount,
    SieBalance,
    SieDocument,
    SieTransaction,
    SieVoucher,
    SieYear,
)
from .reader import read_sie
from .writer import SieWriteError, SieWriteResult, write_sie, write_vouchers_4i

__all__ = [
    "write_sie",
    "write_vouchers_4i",
    "SieWriteResult",
    "SieWriteError",
    "SieAccount",
    "SieBalance",
    "SieDocument",
    "SieError",
    "SieMessage",
    "SieTransaction",
    "SieVoucher",
    "SieYear",
    "read_sie",
]
