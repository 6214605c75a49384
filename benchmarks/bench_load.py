"""Load test of the served atlas: N users arriving together, driven over Streamlit's websocket.

Each simulated user does what a browser does, with no browser: it loads the page and the
health check (cookies, including the sticky-session cookie of ``scripts/serve.sh``), opens
the websocket, asks for the map of all communes (``?niveau=communes&carte=overall``),
downloads the map component and its layers as the browser would (map ready), clicks a
commune on the map (click), then opens Territoire for a commune of its own
(``?territoire=communes:<code>``, a different one per user). Times run from the user's
arrival (map ready) or from the message that starts the action until the server reports
the page's run finished (click, Territoire). One untimed visit comes first (``--cold``: none),
as on a server that has been up a while; ``serve.sh`` also warms each of its workers.

    python benchmarks/bench_load.py --users 20               # starts serve.sh --workers 2
    python benchmarks/bench_load.py --users 20 --workers 1   # one Streamlit process
    python benchmarks/bench_load.py --users 5 --url http://localhost:8501 --json

Without ``--url`` the script starts ``scripts/serve.sh`` on a free port, waits for it,
runs, and stops it. Only servers on this machine are accepted; users (at most 100) and
time (``--timeout`` per user) are bounded. Figures are printed, never asserted:
``{"users", "map_ready_p50", "map_ready_p95", "click_p95", "territoire_p95", "errors",
"server_rss_mb"}`` (seconds; ``server_rss_mb`` is the peak of the summed resident memory of
the server's processes during the run: the process tree of the started server, or every
``streamlit``/``nginx`` process of this machine with ``--url``).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import http.client
import json
import math
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
from session_client import visit  # noqa: E402

MAX_USERS = 100
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}


def percentile(values: list[float], share: float) -> float | None:
    """Nearest-rank percentile (``None`` without values), in seconds to 0.01."""
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[max(0, math.ceil(share * len(ordered)) - 1)], 2)


def resident_mb(pids: set[int]) -> float:
    """Summed resident memory of ``pids`` in MB (processes gone meanwhile count 0)."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/statm") as statm:
                total += int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError):
            continue
    return total / 1e6


def tree(root: int) -> set[int]:
    """``root`` and all its descendants."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    found, todo = set(), [root]
    while todo:
        pid = todo.pop()
        found.add(pid)
        todo.extend(children.get(pid, []))
    return found


def server_processes() -> set[int]:
    """Every process of this machine whose command line names streamlit or nginx."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                command = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if b"streamlit" in command or b"nginx" in command:
                found.add(int(entry.name))
    return found - {os.getpid()}


async def sample_memory(find_pids, peak: list[float], stop: asyncio.Event) -> None:
    """Keep the peak of the server's resident memory until ``stop`` is set."""
    while not stop.is_set():
        peak[0] = max(peak[0], resident_mb(find_pids()))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), 0.25)


def commune_codes(count: int) -> list[str]:
    """``count`` commune codes spread over France, in a fixed order."""
    import pyarrow.parquet as pq

    from geodata.paths import geodata_dir

    codes = sorted(pq.read_table(geodata_dir() / "communes.parquet",
                                 columns=["code"]).column("code").to_pylist())
    step = max(1, len(codes) // (count + 1))
    return [codes[(i + 1) * step] for i in range(count)]


async def run(base: str, users: int, timeout: float, find_pids, warm: bool = True) -> dict:
    """Run ``users`` sessions at once (after one untimed visit if ``warm``); summarise."""
    asyncio.get_running_loop().set_default_executor(ThreadPoolExecutor(2 * users + 4))
    codes = commune_codes(2 * users + 2)
    times: dict[str, list[float]] = {"map_ready": [], "click": [], "territoire": []}
    errors: list[str] = []
    if warm:  # a server that has been up a while: its tables and layers are in memory
        await visit(base, codes[-2], codes[-1], timeout, {k: [] for k in times}, [])
    peak, stop = [0.0], asyncio.Event()
    sampler = asyncio.create_task(sample_memory(find_pids, peak, stop))
    await asyncio.gather(*(visit(base, codes[2 * i], codes[2 * i + 1], timeout, times,
                                 errors) for i in range(users)))
    stop.set()
    await sampler
    for error in errors:
        print(f"error: {error}", file=sys.stderr)
    return {"users": users,
            "map_ready_p50": percentile(times["map_ready"], 0.5),
            "map_ready_p95": percentile(times["map_ready"], 0.95),
            "click_p95": percentile(times["click"], 0.95),
            "territoire_p95": percentile(times["territoire"], 0.95),
            "errors": len(errors),
            "server_rss_mb": round(peak[0])}


def free_port(workers: int) -> int:
    """A free TCP port of this machine whose ``workers`` next ports are free too."""
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        if port + workers < 65536 and all(_free(port + i) for i in range(1, workers + 1)):
            return port
    raise RuntimeError("no free port")


def _free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def wait_healthy(base: str, process: subprocess.Popen, limit: float = 180) -> None:
    """Wait until the server answers its health check (and every worker has started)."""
    parts = urlsplit(base)
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server stopped (exit code {process.returncode})")
        try:
            connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=2)
            connection.request("GET", "/_stcore/health")
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"the server did not answer within {limit:.0f} s")


def main() -> None:
    """Parse the options, start the server if needed, run and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=5, help=f"1 to {MAX_USERS}")
    parser.add_argument("--url", help="a server already running on this machine")
    parser.add_argument("--workers", type=int, default=2,
                        help="Streamlit processes of the started server (1: no nginx)")
    parser.add_argument("--timeout", type=float, default=300, help="seconds per user")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON only")
    parser.add_argument("--cold", action="store_true",
                        help="no untimed visit first (serve.sh warms its workers anyway)")
    options = parser.parse_args()
    if not 1 <= options.users <= MAX_USERS:
        parser.error(f"--users must be between 1 and {MAX_USERS}")
    if options.url and urlsplit(options.url).hostname not in LOCAL_HOSTS:
        parser.error("--url must be a server on this machine (localhost or 127.0.0.1)")

    server = None
    if options.url:
        base, find_pids = options.url.rstrip("/"), server_processes
    else:
        port = free_port(options.workers)
        base = f"http://localhost:{port}"
        log = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the server
        server = subprocess.Popen(
            ["bash", str(ROOT / "scripts" / "serve.sh"), "--workers", str(options.workers),
             "--port", str(port)], cwd=ROOT, start_new_session=True,
            stdout=log, stderr=subprocess.STDOUT)
        find_pids = lambda: tree(server.pid)  # noqa: E731
    try:
        if server is not None:
            wait_healthy(base, server)
        figures = asyncio.run(run(base, options.users, options.timeout, find_pids,
                                     warm=not options.cold))
    except RuntimeError:
        if server is not None:
            log.seek(0)
            print(log.read().decode(errors="replace")[-3000:], file=sys.stderr)
        raise
    finally:
        if server is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(server.pid, signal.SIGTERM)
            server.wait(30)
    if not options.url:
        figures["workers"] = options.workers
    if options.json:
        print(json.dumps(figures))
    else:
        for name, value in figures.items():
            print(f"{name:>16}: {value}")


if __name__ == "__main__":
    main()
