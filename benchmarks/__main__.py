"""`make bench`: run every benchmark and print its figures."""

import os

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

for benchmark in (sie_read, sie_parse, import_run, import_large, publish_contention, export_vouchers, ui_ledgers,
                  reconcile_large):
    benchmark.run()
if not os.environ.get("SIE_BENCH_NO_1GB"):
    sie_parse.check_1gb()
