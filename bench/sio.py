"""A lean Socket.IO v5 / Engine.IO v4 client over one WebSocket (aiohttp), for load.

It offers permessage-deflate as browsers do (`Sec-WebSocket-Extensions: permessage-deflate;
client_max_window_bits`); `deflate` says whether the server took it. Only what a phone
needs: the open packet, pings, connect with an auth object, events, acknowledgements.
Every received event is handed to `on_event(name, payload, t)` with the monotonic time it
arrived; nothing else is parsed.
"""

import asyncio
import itertools
import json
import time
from collections.abc import Callable
from urllib.parse import urlsplit

import aiohttp

_dumps = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode
_loads = json.loads


class Refused(Exception):
    """The server refused the Socket.IO connect (a `44` packet) or the socket closed."""


class Socket:
    def __init__(self, on_event: Callable[[str, object, float], None] | None = None,
                 frames: list | None = None):
        self.on_event = on_event
        #: When given, every received event frame is appended here as (name, text).
        self.frames = frames
        self.ws: aiohttp.ClientWebSocketResponse | None = None
        self.sid: str | None = None
        self._acks: dict[int, asyncio.Future] = {}
        self._ids = itertools.count(1)
        self._connected: asyncio.Future | None = None
        self._reader: asyncio.Task | None = None
        self.closed = False
        self.deflate = False

    async def connect(self, session: aiohttp.ClientSession, base_url: str, auth: dict,
                      cookies: str = "", timeout: float = 30) -> None:
        parts = urlsplit(base_url)
        scheme = "wss" if parts.scheme == "https" else "ws"
        url = f"{scheme}://{parts.netloc}/socket.io/?EIO=4&transport=websocket"
        headers = {"Cookie": cookies} if cookies else {}
        self.ws = await asyncio.wait_for(session.ws_connect(
            url, headers=headers, autoping=False, max_msg_size=0, compress=15,
            timeout=aiohttp.ClientWSTimeout(ws_close=5)), timeout)
        self.deflate = bool(self.ws.compress)
        opened = await self.ws.receive(timeout=timeout)
        if opened.type != aiohttp.WSMsgType.TEXT or not opened.data.startswith("0"):
            raise Refused(f"no open packet: {opened.data!r}")
        loop = asyncio.get_running_loop()
        self._connected = loop.create_future()
        self._reader = loop.create_task(self._read())
        await self.ws.send_str("40" + _dumps(auth))
        self.sid = await asyncio.wait_for(self._connected, timeout)

    async def _read(self) -> None:
        ws = self.ws
        clock = time.monotonic
        try:
            async for msg in ws:
                if msg.type != aiohttp.WSMsgType.TEXT:
                    break
                data = msg.data
                kind = data[:2]
                if kind == "42":
                    t = clock()
                    name, payload = _loads(data[2:])[:2]
                    if self.frames is not None:
                        self.frames.append((name, data))
                    if self.on_event is not None:
                        self.on_event(name, payload, t)
                elif data == "2":
                    await ws.send_str("3")
                elif kind == "43":
                    bracket = data.index("[")
                    future = self._acks.pop(int(data[2:bracket]), None)
                    if future is not None and not future.done():
                        future.set_result(_loads(data[bracket:])[0])
                elif kind == "40":
                    if not self._connected.done():
                        self._connected.set_result(_loads(data[2:]).get("sid"))
                elif kind == "44":
                    if not self._connected.done():
                        self._connected.set_exception(Refused(data))
                elif kind == "41":
                    break
        except (aiohttp.ClientError, ConnectionError, asyncio.CancelledError):
            pass
        finally:
            self.closed = True
            failure = Refused("socket closed")
            if self._connected is not None and not self._connected.done():
                self._connected.set_exception(failure)
            for future in self._acks.values():
                if not future.done():
                    future.set_exception(failure)
            self._acks.clear()

    async def emit(self, name: str, payload: object) -> None:
        await self.ws.send_str("42" + _dumps([name, payload]))

    async def call(self, name: str, payload: object, timeout: float = 30) -> object:
        """Emit with an acknowledgement and wait for the answer."""
        ack = next(self._ids)
        future = asyncio.get_running_loop().create_future()
        self._acks[ack] = future
        try:
            await self.ws.send_str(f"42{ack}" + _dumps([name, payload]))
        except BaseException:
            self._acks.pop(ack, None)  # never sent: nobody will wait for its answer
            raise
        return await asyncio.wait_for(future, timeout)

    async def close(self) -> None:
        if self.ws is not None and not self.ws.closed:
            try:
                await self.ws.send_str("41")
            except (aiohttp.ClientError, ConnectionError):
                pass
            await self.ws.close()
        if self._reader is not None:
            self._reader.cancel()
