"""`make bench`: run every benchmark and print its figures."""

from benchmarks import import_run, sie_read

for benchmark in (sie_read, import_run):
    benchmark.run()
