"""A Streamlit client without a browser: it drives the atlas over the websocket.

Used to warm up a freshly started server (``scripts/serve.sh`` warms every worker so that
no user pays for a cold start) and by ``benchmarks/bench_load.py``. A session does what a
browser does: it loads the page and the health check (cookies, including the
sticky-session cookie of ``serve.sh``), opens the websocket, runs pages by sending the
``BackMsg`` a browser sends, and downloads the map component and its layers.

    python scripts/session_client.py http://127.0.0.1:8502 [--timeout 300]
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import http.client
import json
import sys
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState, WidgetStates
from websockets.asyncio.client import connect

MAP_QUERY = "niveau=communes&carte=overall"
FINISHED = ForwardMsg.ScriptFinishedStatus.FINISHED_SUCCESSFULLY
WARM_UP_COMMUNES = ("15187", "43117")
"""Saint-Flour (clicked on the map) and Lavaudieu (its Territoire page), for the warm-up."""


@dataclass
class Session:
    """One simulated browser: its cookies, websocket and what the server told it."""

    base: str
    cookies: dict[str, str] = field(default_factory=dict)
    page_hashes: dict[str, str] = field(default_factory=dict)
    components: dict[str, tuple[str, str, dict]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def cookie_header(self) -> str:
        """The ``Cookie`` header of the next request."""
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())

    def get(self, path: str) -> bytes:
        """GET ``path`` like a browser (gzip, cookies kept); raise on an HTTP error."""
        parts = urlsplit(self.base)
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
        try:
            connection.request("GET", path, headers={"Cookie": self.cookie_header(),
                                                     "Accept-Encoding": "gzip"})
            response = connection.getresponse()
            body = response.read()
            for name, value in response.getheaders():
                if name.lower() == "set-cookie":
                    key, _, rest = value.partition("=")
                    self.cookies[key.strip()] = rest.split(";", 1)[0]
            if response.status != 200:
                raise RuntimeError(f"GET {path}: HTTP {response.status}")
            if response.getheader("Content-Encoding") == "gzip":
                body = gzip.decompress(body)
            return body
        finally:
            connection.close()


def rerun(page_hash: str = "", page_name: str = "", query: str = "",
          widgets: list[WidgetState] | None = None) -> bytes:
    """The BackMsg a browser sends to run a page."""
    state = ClientState(query_string=query, page_script_hash=page_hash, page_name=page_name,
                        widget_states=WidgetStates(widgets=widgets or []))
    return BackMsg(rerun_script=state).SerializeToString()


async def until_finished(socket_, session: Session) -> None:
    """Read messages until the page's run finishes; record components, pages, errors."""
    while True:
        message = ForwardMsg()
        message.ParseFromString(await socket_.recv())
        kind = message.WhichOneof("type")
        if kind == "navigation":
            for page in message.navigation.app_pages:
                session.page_hashes[page.url_pathname] = page.page_script_hash
        elif kind == "delta" and message.delta.WhichOneof("type") == "new_element":
            element = message.delta.new_element
            what = element.WhichOneof("type")
            if what == "exception":
                session.problems.append(f"exception: {element.exception.message[:200]}")
            elif what == "component_instance":
                instance = element.component_instance
                session.components[instance.component_name] = (
                    instance.id, instance.component_name, json.loads(instance.json_args))
        elif kind == "script_finished":
            if message.script_finished == FINISHED:
                return
            if message.script_finished == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                raise RuntimeError("the page did not compile")


def map_component(session: Session) -> tuple[str, str, dict]:
    """The Leaflet map's component (its id, name and arguments)."""
    for name, found in session.components.items():
        if name.endswith("leaflet_map"):
            return found
    raise RuntimeError("no map on the Carte page")


async def visit(base: str, commune: str, clicked: str, timeout: float,
                times: dict[str, list[float]], errors: list[str]) -> None:
    """Carte at commune level, a click on ``clicked``, then Territoire of ``commune``.

    Appends the seconds of each step to ``times["map_ready"]``, ``times["click"]`` and
    ``times["territoire"]``, and every failure or error shown on a page to ``errors``.
    """
    session = Session(base)
    try:
        async with asyncio.timeout(timeout):
            start = time.perf_counter()
            await asyncio.to_thread(session.get, "/")
            await asyncio.to_thread(session.get, "/_stcore/health")
            parts = urlsplit(base)
            xsrf = session.cookies.get("_streamlit_xsrf", "")
            async with connect(f"ws://{parts.netloc}/_stcore/stream",
                               subprotocols=["streamlit", xsrf] if xsrf else ["streamlit"],
                               additional_headers={"Cookie": session.cookie_header()},
                               origin=f"http://{parts.netloc}", max_size=None,
                               open_timeout=timeout) as socket_:
                await socket_.send(rerun(query=MAP_QUERY))
                await until_finished(socket_, session)
                widget_id, name, args = map_component(session)
                files = ["index.html", "main.js", "leaflet.js", "leaflet.css"]
                for path in files + [layer["url"] for layer in args["layers"]]:
                    await asyncio.to_thread(session.get, f"/component/{name}/{path}")
                times["map_ready"].append(time.perf_counter() - start)

                click = {"code": clicked, "layer": "communes", "t": time.time() * 1000}
                start = time.perf_counter()
                await socket_.send(rerun(query=MAP_QUERY, widgets=[
                    WidgetState(id=widget_id, json_value=json.dumps(click))]))
                await until_finished(socket_, session)
                times["click"].append(time.perf_counter() - start)

                start = time.perf_counter()
                await socket_.send(rerun(session.page_hashes.get("territoire", ""),
                                         "territoire", f"territoire=communes:{commune}"))
                await until_finished(socket_, session)
                times["territoire"].append(time.perf_counter() - start)
        errors.extend(session.problems)
    except Exception as error:  # noqa: BLE001 - every failure of a user is counted
        errors.append(f"{type(error).__name__}: {error}"[:300])


def warm_up(base: str, timeout: float) -> int:
    """One visit (map of all communes, a click, a Territoire page); 0 if all went well."""
    times: dict[str, list[float]] = {"map_ready": [], "click": [], "territoire": []}
    errors: list[str] = []
    asyncio.run(visit(base, WARM_UP_COMMUNES[1], WARM_UP_COMMUNES[0], timeout, times,
                      errors))
    for error in errors:
        print(f"warm-up of {base}: {error}", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", help="the server, e.g. http://127.0.0.1:8502")
    parser.add_argument("--timeout", type=float, default=300, help="seconds at most")
    options = parser.parse_args()
    sys.exit(warm_up(options.url.rstrip("/"), options.timeout))
