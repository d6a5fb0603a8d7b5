"""Sends with a wall-clock deadline that holds whatever the receiver does.

Socket timeouts bound the gap between two reads, not a whole exchange: a peer that trickles one
byte a second never trips them. So every send runs in a thread of its own (a `Flight`), and
the delivery loop waits for it only until its deadline. Our own senders hand every socket they
open to the flight's `Deadline`, which at the deadline shuts the connection down (a shutdown
wakes a blocked recv in the other thread, a close does not), so a trickling peer is really cut.
A send whose library keeps its sockets to itself (an Apprise plugin) cannot be cut: its thread
is abandoned at the deadline, and no new send starts on that channel while it still runs.
"""

from __future__ import annotations

import queue
import socket
import threading
import time
from collections.abc import Callable
from typing import Any


class Deadline:
    """A monotonic deadline with the sockets it may cut."""

    def __init__(self, seconds: float) -> None:
        self.at = time.monotonic() + max(0.0, seconds)
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self.expired = False

    def remaining(self) -> float:
        return max(0.0, self.at - time.monotonic())

    def attach(self, sock: socket.socket) -> socket.socket:
        """Register a connected socket (before any TLS wrap) and bound its operations."""
        with self._lock:
            if self.expired:
                sock.close()
                raise TimeoutError("the send's deadline has passed")
            self._sockets.append(sock.dup())  # the same connection, whatever later wraps `sock`
        sock.settimeout(max(0.01, self.remaining()))
        return sock

    def cut(self) -> None:
        """End every connection of this send now."""
        with self._lock:
            self.expired = True
            sockets, self._sockets = self._sockets, []
        for sock in sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()

    def release(self) -> None:
        """Drop our handles on the connections (the send has ended on its own)."""
        with self._lock:
            sockets, self._sockets = self._sockets, []
        for sock in sockets:
            sock.close()


class Flight:
    """One send running in a daemon thread; posts itself to `done` when it ends."""

    def __init__(self, key: Any, send: Callable[[Deadline], Any], seconds: float, done: queue.Queue) -> None:
        self.key, self.deadline = key, Deadline(seconds)
        self.result: Any = None
        self.by_budget = False  # its deadline is the whole pass's (set by the caller)
        self.error: BaseException | None = None
        self._send, self._done = send, done
        self.thread = threading.Thread(target=self._run, name="newsmon-alert-send", daemon=True)

    def start(self) -> Flight:
        self.thread.start()
        return self

    def _run(self) -> None:
        try:
            self.result = self._send(self.deadline)
        except BaseException as exc:  # noqa: BLE001 - reported to the delivery loop, never raised here
            self.error = exc
        finally:
            self.deadline.release()
            self._done.put(self)

    def abandon(self) -> None:
        """Past the deadline: cut what can be cut; the thread ends (or is left to end) by itself."""
        self.deadline.cut()


_running_abandoned: dict[str, threading.Thread] = {}


def note_abandoned(channel: str, flight: Flight) -> None:
    _running_abandoned[channel] = flight.thread


def still_running(channel: str) -> bool:
    """A send abandoned earlier (this process) on this channel has not ended yet."""
    thread = _running_abandoned.get(channel)
    if thread is not None and not thread.is_alive():
        del _running_abandoned[channel]
        return False
    return thread is not None
