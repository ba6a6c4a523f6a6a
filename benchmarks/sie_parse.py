"""Full-parse speed and memory of the SIE reader on large files of every shape.

``python -m benchmarks.sie_parse [--vouchers N] [--no-check] [--no-1gb]
[--shapes all|none|NAME...] [--size MB] [--runs N]``

Generates a valid SIE 4E file (300 000 vouchers, about 800 000 rows by
default) in a temporary folder, then, best of three, each in a fresh child
process so that the peak RSS (``ru_maxrss``) belongs to that run alone:

* the baseline ``bytes.decode('cp437').splitlines()``;
* ``read_sie`` (the full document);
* ``python -m services.sie check`` (streaming; handed the path), unless
  ``--no-check``.

Then, unless ``--no-1gb`` (or ``SIE_BENCH_NO_1GB=1``), it generates a file of
about 1 GB (streamed to disk, in the system's temporary folder) and runs
``check`` on it once, printing its peak RSS (target: under 300 MB). That
takes about a minute (generation included) and 1 GB of disk.

Prints CPU time, rows per second, peak RSS and the ratio to the baseline.

Then the same for a file of ``--size`` MB (50 by default) in the shape of
each real exporter in ``shared/sie-samples/`` (``sie_shapes.py``), each
against its own baseline measured in the same run (best of three; the reader
and ``check`` best of ``--runs``, 1 by default), as one table, and the worst
ratios over every shape and the generated file.

It never asserts anything: targets are in the issue (parse within 8x the
baseline and ``check`` within 10x on every shape, peak memory within 8x the
file size).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.sie_shapes import build, cut

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = Path(os.environ.get("SIE_SAMPLES", ROOT.parent / "shared" / "sie-samples"))

_CHILD = r"""
import resource, sys, time
path, what = sys.argv[1], sys.argv[2]
if what != "check":
    data = open(path, "rb").read()  # check is handed the path: it streams
# Imports and counting the rows afterwards are not part of the parse time. The
# time is the process's CPU time: the machine is shared, and wall time would
# measure the neighbours too (reading is all CPU: the file is in the page cache).
from services.sie import read_sie
from services.sie.__main__ import check_file
start = time.process_time()
if what == "baseline":
    n = len(data.decode("cp437").splitlines())
    elapsed = time.process_time() - start
elif what == "read":
    doc = read_sie(data)
    elapsed = time.process_time() - start
    n = doc.transaction_count
else:
    n = check_file(path)[1]["transactions"]
    elapsed = time.process_time() - start
# Peak RSS of this process alone: ru_maxrss keeps the parent's peak across
# fork and exec (the parent of `python -m benchmarks` holds every benchmark's
# imports), VmHWM is this process's own.
try:
    with open("/proc/self/status") as status:
        peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
except (OSError, StopIteration):
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(elapsed, n, peak)
"""


def generate(path: Path, vouchers: int = 300_000) -> int:
    """Write a balanced SIE 4E file; return its number of voucher rows."""
    accounts = [("1930", "Företagskonto"), ("1510", "Kundfordringar"), ("2440", "Leverantörsskulder"),
                ("2611", "Utgående moms 25 %"), ("3010", "Försäljning varor"), ("4010", "Inköp varor"),
                ("5010", "Lokalhyra"), ("6110", "Kontorsmateriel")]
    rows = 0
    with path.open("wb") as out:
        head = [
            "#FLAGGA 0", "#FORMAT PC8", "#SIETYP 4", '#PROGRAM "Benchmark" 1.0', "#GEN 20250101",
            '#FNAMN "Benchmarkbolaget AB"', "#ORGNR 556000-0000", "#RAR 0 20240101 20241231",
            "#KPTYP EUBAS97",
        ]
        head += [f'#KONTO {n} "{name}"' for n, name in accounts]
        out.write(("\r\n".join(head) + "\r\n").encode("cp437"))
        buf: list[str] = []
        for i in range(vouchers):
            day = 20240101 + (i % 28) + 100 * (i % 12)
            amount = 100 + (i * 37) % 900000
            vat = amount // 4
            text = f"Faktura {i:07d} kund {i % 997:03d} varor"
            buf.append(f'#VER A {i + 1} {day} "{text}" {day}\r\n{{\r\n')
            if i % 3 != 2:
                buf.append(f'#TRANS 1510 {{}} {amount + vat}.00 "" "{text}" 0\r\n')
                buf.append(f'#TRANS 3010 {{1 "100" 6 "P{i % 50}"}} -{amount}.00 "" "{text}" 0\r\n')
                buf.append(f'#TRANS 2611 {{}} -{vat}.00 "" "{text}" 0\r\n')
                rows += 3
            else:
                buf.append(f'#TRANS 5010 {{1 "200"}} {amount}.50 "" "{text}"\r\n')
                buf.append(f'#TRANS 1930 {{}} -{amount}.50 "" "{text}"\r\n')
                rows += 2
            buf.append("}\r\n")
            if len(buf) > 20000:
                out.write("".join(buf).encode("cp437"))
                buf = []
        out.write("".join(buf).encode("cp437"))
    return rows


def measure(path: Path, what: str, runs: int = 3) -> tuple[float, int, int]:
    """Best time (s), item count and peak RSS (KiB) over ``runs`` child processes."""
    best = (float("inf"), 0, 0)
    for _ in range(runs):
        proc = subprocess.run([sys.executable, "-c", _CHILD, str(path), what], cwd=ROOT,
                              capture_output=True, text=True, check=True)
        elapsed, count, rss = proc.stdout.split()
        if float(elapsed) < best[0]:
            best = (float(elapsed), int(count), int(rss))
    return best


def check_1gb(vouchers: int = 4_000_000) -> None:
    """``check`` of a generated ~1 GB file: time and peak RSS, one run."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench-1gb.se"
        rows = generate(path, vouchers)
        size = path.stat().st_size
        print(f"sie_parse  generated {size / 1e9:.2f} GB, {vouchers} vouchers, {rows} rows")
        t, n, rss = measure(path, "check", runs=1)
        print(
            f"  check (1 GB file)          : {t:7.2f} s   {n / t:10.0f} rows/s   peak RSS {rss / 1024:7.0f} MB "
            f"({rss * 1024 / size:.2f}x file)"
        )


def _row(name: str, path: Path, check: bool, runs: int) -> tuple[float, float]:
    """Measure one file and print its table row; return its (read, check) ratios."""
    size = path.stat().st_size
    base_t, _, _ = measure(path, "baseline")
    ratios = []
    cells = []
    for what in ("read", "check") if check else ("read",):
        t, _, rss = measure(path, what, runs)
        ratios.append(t / base_t)
        cells.append(f"{t:6.2f} s {t / base_t:5.1f}x {rss * 1024 / size:4.1f}x")
    print(f"  {name[:52]:<52} {size / 1e6:6.1f} MB  base {base_t:5.2f} s | " + " | ".join(cells), flush=True)
    return ratios[0], (ratios[1] if check else 0.0)


def run(vouchers: int = 300_000, check: bool = True, shapes: list[str] | None = None, size_mb: int = 50,
        runs: int = 1) -> None:
    """The generated file, then (unless ``shapes == ["none"]``) every exporter's shape."""
    print("sie_parse  CPU time, ratio to decode+splitlines of the same file, peak RSS / file size")
    print(f"  {'shape':<52} {'size':>9}  {'baseline':>13} | {'read_sie':^23} | {'check':^23}")
    worst: list[tuple[float, str]] = []
    worst_check: list[tuple[float, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.se"
        generate(path, vouchers)
        r, c = _row(f"generated ({vouchers} vouchers)", path, check, 3)
        worst.append((r, "generated"))
        worst_check.append((c, "generated"))
        path.unlink()
        wanted = shapes or ["all"]
        if wanted != ["none"]:
            for sample in sorted(SAMPLES.glob("*.s[ei]")):
                if sample.name.startswith("BROKEN") or (wanted != ["all"] and not any(w in sample.name for w in wanted)):
                    continue
                shape = cut(sample)
                if shape is None:  # no vouchers to repeat
                    continue
                build(shape, path, size_mb * 1_000_000)
                r, c = _row(sample.name, path, check, runs)
                worst.append((r, sample.name))
                worst_check.append((c, sample.name))
                path.unlink()
    r, name = max(worst)
    print(f"  worst read_sie : {r:5.1f}x baseline ({name})")
    if check:
        c, name = max(worst_check)
        print(f"  worst check    : {c:5.1f}x baseline ({name})")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--vouchers", type=int, default=300_000)
    parser.add_argument("--no-check", action="store_true", help="measure read_sie only")
    parser.add_argument("--no-1gb", action="store_true", help="skip check of a generated 1 GB file")
    parser.add_argument("--shapes", nargs="*", default=["all"],
                        help="exporter shapes to measure: all (default), none, or parts of sample names")
    parser.add_argument("--size", type=int, default=50, help="size of each shaped file in MB")
    parser.add_argument("--runs", type=int, default=1, help="best of this many runs per shaped file")
    args = parser.parse_args()
    run(args.vouchers, not args.no_check, args.shapes, args.size, args.runs)
    if not (args.no_1gb or os.environ.get("SIE_BENCH_NO_1GB")):
        check_1gb()
