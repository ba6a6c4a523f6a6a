"""`make bench`: run every benchmark and print its figures."""

import os

from benchmarks import import_run, sie_parse, sie_read

for benchmark in (sie_read, sie_parse, import_run):
    benchmark.run()
if not os.environ.get("SIE_BENCH_NO_1GB"):
    sie_parse.check_1gb()
