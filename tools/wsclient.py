"""A Streamlit session driven over its websocket, as a browser tab drives it: open a page (a new
session), then change a sidebar filter and wait for the page's rerun to finish. Used by the load
benchmark (bench/load.py) and the deployment test, where a browser per session would measure the
browser rather than the dashboard.

The messages are Streamlit's own protobufs (streamlit.proto): the client sends a BackMsg
`rerun_script` with the page and the widgets' values; the server answers with
ForwardMsgs (`new_session`, `delta`s, then `script_finished`). A widget is found by the key the
page gave it (ui.shell's `_widget` keys are `w_<name>`), whose id ends in that key.
"""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState


class RunFailed(RuntimeError):
    """A run ended otherwise than by finishing (an exception on the page, a closed connection)."""


@dataclass
class Run:
    seconds: float
    texts: list[str]  # every markdown/metric/alert text of the run, in order
    options: dict[str, list[str]]  # the options a list widget offers, as shown, by key tail


@dataclass
class Session:
    url: str  # http://host:port
    cookies: dict[str, str]
    page: str = ""  # "" for the main page, else a page's URL name ("receivables")
    timeout: float = 120.0
    _socket: object = None
    _widgets: dict[str, WidgetState] = field(default_factory=dict)  # the values sent, by widget id
    _ids: dict[str, str] = field(default_factory=dict)
    _options: dict[str, list[str]] = field(default_factory=dict)

    async def __aenter__(self) -> Session:
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        self._socket = await websockets.connect(
            self.url.replace("http", "ws", 1) + "/_stcore/stream", subprotocols=["streamlit"],
            additional_headers={"Cookie": cookie}, max_size=None, open_timeout=self.timeout)
        return self

    async def __aexit__(self, *exc) -> None:
        await self._socket.close()

    async def rerun(self, **values: object) -> Run:
        """Run the page: the first call opens it, later ones change the widgets named by key tail
        (`regions=["North"]`, `preset="ytd"`: values as the widget shows them) and rerun it, as a
        browser does when a filter changes."""
        for name, value in values.items():
            wid = self._ids[name]
            state = WidgetState(id=wid)
            if isinstance(value, (list, tuple)):
                state.string_array_value.data.extend(str(v) for v in value)
            else:
                state.string_value = str(value)
            self._widgets[wid] = state
        message = BackMsg()
        client = message.rerun_script
        client.page_name = self.page
        client.widget_states.widgets.extend(self._widgets.values())
        started = time.perf_counter()
        await self._socket.send(message.SerializeToString())
        texts: list[str] = []
        errors: list[str] = []
        while True:
            raw = await asyncio.wait_for(self._socket.recv(), self.timeout)
            forward = ForwardMsg()
            forward.ParseFromString(raw)
            kind = forward.WhichOneof("type")
            if kind == "delta" and forward.delta.WhichOneof("type") == "new_element":
                self._read(forward.delta.new_element, texts, errors)
            elif kind == "script_finished":
                if forward.script_finished == ForwardMsg.FINISHED_SUCCESSFULLY:
                    break
                if forward.script_finished in (ForwardMsg.FINISHED_EARLY_FOR_RERUN,):
                    continue
                raise RunFailed(f"the run ended with status {forward.script_finished}: {errors}")
        if errors:
            raise RunFailed("; ".join(errors))
        return Run(time.perf_counter() - started, texts, dict(self._options))

    def _read(self, element, texts: list[str], errors: list[str]) -> None:
        kind = element.WhichOneof("type")
        if kind == "exception":
            errors.append(f"{element.exception.type}: {element.exception.message}")
            return
        inner = getattr(element, kind)
        wid = getattr(inner, "id", "")
        if isinstance(wid, str) and wid.startswith("$$ID"):
            tail = wid.rsplit("-", 1)[-1]
            self._ids[tail.removeprefix("w_")] = wid
            if kind in ("multiselect", "selectbox"):
                self._options[tail.removeprefix("w_")] = list(inner.options)
        for attr in ("body", "label", "value"):
            text = getattr(inner, attr, None)
            if isinstance(text, str) and text:
                texts.append(text)
                break


def opened(url: str, cookies: dict[str, str], page: str = "", timeout: float = 60.0) -> Run:
    """A page opened in a new session, for a caller outside any event loop or inside one (a
    browser test's): the session runs on a thread of its own."""
    async def run() -> Run:
        async with Session(url, cookies, page=page, timeout=timeout) as session:
            return await session.rerun()
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, run()).result()
