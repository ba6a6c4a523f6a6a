"""`make bench`: run every benchmark and print its figures.

``python -m benchmarks [NAME...]`` runs only the named ones (``sie_parse``:
the SIE reader on the generated file and on every exporter's shape, then
``check`` of a 1 GB file unless ``SIE_BENCH_NO_1GB`` is set).
"""

import os
import sys

from benchmarks import (
    export_vouchers,
    import_large,
    import_run,
    publish_contention,
    reconcile_large,
    sie_parse,
    sie_read,
    ui_ledgers,
)

BENCHMARKS = (sie_read, sie_parse, import_run, import_large, publish_contention, export_vouchers, ui_ledgers,
              reconcile_large)
names = {b.__name__.rsplit(".", 1)[1]: b for b in BENCHMARKS}
wanted = sys.argv[1:] or list(names)
unknown = [name for name in wanted if name not in names]
if unknown:
    sys.exit(f"unknown benchmark {', '.join(unknown)}; choose from {', '.join(names)}")
for name in wanted:
    names[name].run()
if "sie_parse" in wanted and not os.environ.get("SIE_BENCH_NO_1GB"):
    sie_parse.check_1gb()
