"""`python -m sandbox [--host 127.0.0.1] [--port 8765] [--seed N] [--rate-requests 25 --rate-window 5]
[--data-dir DIR]`: serve the Fortnox sandbox in the foreground (state in DIR; without it, a fresh temporary folder).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import uvicorn

from sandbox.faults import quiet_dropped_connections
from sandbox.server import SandboxSettings, create_app


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run the sandbox until interrupted."""
    parser = argparse.ArgumentParser(prog="python -m sandbox", description="Lokal Fortnox-sandlåda (OAuth2 + API v3).")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--seed", type=int, default=1, help="demodata skapas deterministiskt från detta frö")
    parser.add_argument("--rate-requests", type=int, default=25, help="antal API-anrop per fönster (25)")
    parser.add_argument("--rate-window", type=float, default=5.0, help="fönstrets längd i sekunder (5)")
    parser.add_argument("--data-dir", type=Path, default=None, help="mapp för sandlådans tillstånd")
    args = parser.parse_args(argv)
    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="fortnox-sandbox-"))
    settings = SandboxSettings(seed=args.seed, data_dir=data_dir, rate_requests=args.rate_requests,
                               rate_window=args.rate_window, all_books=True)
    app = create_app(settings)
    base = f"http://{args.host}:{args.port}"
    print(f"Fortnox-sandlåda på {base} (data i {data_dir})", file=sys.stderr)
    for company in app.state.sandbox.store.companies():
        print(f"  tenant {company.tenant_id}: {company.name} ({company.orgnr})", file=sys.stderr)
    print("  inloggning: demo@example.com / demo, anna@example.com / demo", file=sys.stderr)
    config = uvicorn.Config(app, host=args.host, port=args.port, server_header=False, log_level="info")
    quiet_dropped_connections()
    uvicorn.Server(config).run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
