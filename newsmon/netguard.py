"""Network safety and politeness for fetch.py: which addresses may be connected to, bounded
decoding of bodies, and per-host limits (per host name and per address it resolves to).

The address check runs inside the httpcore network backend, on the very IP the socket is
opened to, for every new connection (so every redirect hop). A check before the request
(resolve, check, then let the client resolve again) leaves a DNS-rebinding gap.
"""

from __future__ import annotations

import asyncio
import ipaddress
import math
import socket
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import AsyncExitStack, asynccontextmanager
from time import monotonic

import httpcore
import httpx

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# host, port -> candidate IP strings, in the order to try them.
Resolver = Callable[[str, int], Awaitable[list[str]]]

# Listed explicitly because `is_global` on CPython before the CVE-2024-4032 fix (3.11.10 / 3.12.4)
# misses some of these, and because it counts NAT64 / 6to4 prefixes as global although they
# embed an IPv4 address that may be private.
_BLOCKED_V4 = tuple(
    ipaddress.IPv4Network(n)
    for n in (
        "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
        "172.16.0.0/12", "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16",
        "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
    )
)
_BLOCKED_V6 = tuple(
    ipaddress.IPv6Network(n)
    for n in ("::/127", "100::/64", "2001:db8::/32", "fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8")
)
_NAT64 = (ipaddress.IPv6Network("64:ff9b::/96"), ipaddress.IPv6Network("64:ff9b:1::/48"))
_SIX_TO_FOUR = ipaddress.IPv6Network("2002::/16")


class PrivateAddressError(Exception):
    """The host resolved to an address we refuse to connect to (no socket was opened)."""


class DnsError(Exception):
    """The host name did not resolve."""


def parse_address(text: str) -> IPAddress | None:
    """An IP address from a literal (brackets and zone id allowed), or None for a host name."""
    text = text.strip("[]").split("%", 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def is_public_address(address: IPAddress | str) -> bool:
    """True only for globally routable unicast addresses, looking through IPv6 embeddings."""
    ip = parse_address(address) if isinstance(address, str) else address
    if ip is None:
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(ip)
        if embedded is not None:
            return is_public_address(embedded)
        if any(ip in net for net in _BLOCKED_V6):
            return False
    elif any(ip in net for net in _BLOCKED_V4):
        return False
    return ip.is_global and not ip.is_multicast


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if any(ip in net for net in _NAT64):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip in _SIX_TO_FOUR:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    # IPv4-compatible (deprecated) ::a.b.c.d
    if int(ip) >> 32 == 0 and int(ip) > 1:
        return ipaddress.IPv4Address(int(ip))
    return None


class AddressPolicy:
    """Decides whether a resolved address may be connected to."""

    def __init__(self, allow_private: bool, allow_networks: Iterable[str] = ()) -> None:
        self.allow_private = allow_private
        self.allow_networks = tuple(ipaddress.ip_network(n, strict=False) for n in allow_networks)

    def is_allowed(self, ip: IPAddress) -> bool:
        if self.allow_private or is_public_address(ip):
            return True
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        return any(ip.version == net.version and ip in net for net in self.allow_networks)


async def resolve_host(host: str, port: int) -> list[str]:
    """System resolver (getaddrinfo in a thread), de-duplicated, in the resolver's order."""
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise DnsError(f"{host}: {exc.strerror or exc}") from exc
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """Resolves the host itself and connects to the exact address it checked.

    httpcore still passes the original host name for SNI and certificate checks, and httpx
    sets the Host header from the URL, so only the address lookup changes.
    """

    def __init__(self, policy: AddressPolicy, resolver: Resolver | None = None) -> None:
        self._inner = httpcore.AnyIOBackend()
        self._policy = policy
        self._resolve = resolver or resolve_host

    async def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        literal = parse_address(host)
        if literal is not None:
            candidates = [str(literal)]
        else:
            try:
                candidates = await asyncio.wait_for(self._resolve(host, port), timeout)
            except TimeoutError as exc:  # a plain TimeoutError would read as the whole-fetch deadline
                raise httpcore.ConnectTimeout(f"resolving {host} took over {timeout} s") from exc
        if not candidates:
            raise DnsError(f"{host}: no addresses")
        addresses = [parse_address(c) for c in candidates]
        # One bad answer refuses the host: mixing public and private answers is a rebinding trick.
        refused = [str(a) for a in addresses if a is None or not self._policy.is_allowed(a)]
        if refused:
            raise PrivateAddressError(f"{host} resolves to non-public address {', '.join(refused)}")
        last_error: Exception | None = None
        for address in addresses:
            try:
                return await self._inner.connect_tcp(
                    str(address), port, timeout=timeout, local_address=local_address,
                    socket_options=socket_options,
                )
            except httpcore.ConnectError as exc:
                last_error = exc
        assert last_error is not None
        raise last_error

    async def connect_unix_socket(self, path, timeout=None, socket_options=None):
        raise PrivateAddressError("unix sockets are not allowed")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx's own transport with the connection pool rebuilt on a GuardedBackend."""

    def __init__(self, backend: GuardedBackend, limits: httpx.Limits) -> None:
        super().__init__(limits=limits, trust_env=False)
        # httpx 0.28 (pinned) keeps its pool in `_pool` and offers no backend argument; fail
        # loudly if that changes rather than silently losing the address check.
        if not isinstance(self._pool, httpcore.AsyncConnectionPool):
            raise RuntimeError("unexpected httpx transport internals; address guard not installed")
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=self._pool._ssl_context,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=backend,
        )


class TooLargeError(Exception):
    """More decoded bytes than the cap."""


class BadEncodingError(Exception):
    """Unsupported Content-Encoding or a corrupt compressed stream."""


class BoundedDecoder:
    """Decodes a raw body chunk by chunk, never producing more than `max_bytes` + 1 bytes.

    zlib's `max_length` bounds each call, so a single 1 MB compressed chunk that would expand
    to 1 GB stops at the cap instead of materialising.
    """

    def __init__(self, content_encoding: str | None, max_bytes: int) -> None:
        codings = [c.strip().lower() for c in (content_encoding or "").split(",") if c.strip()]
        codings = [c for c in codings if c != "identity"]
        if len(codings) > 1 or (codings and codings[0] not in ("gzip", "x-gzip", "deflate")):
            raise BadEncodingError(f"unsupported content-encoding {content_encoding!r}")
        self._coding = codings[0] if codings else None
        self._max = max_bytes
        self._total = 0
        self._z: zlib._Decompress | None = None

    def _new_z(self, first: bytes) -> zlib._Decompress:
        if self._coding == "deflate":
            # "deflate" is meant to be zlib-wrapped, but many servers send raw deflate.
            wrapped = len(first) >= 2 and (first[0] & 0x0F) == 8 and (first[0] << 8 | first[1]) % 31 == 0
            return zlib.decompressobj(zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)
        return zlib.decompressobj(16 + zlib.MAX_WBITS)

    def _count(self, data: bytes) -> bytes:
        self._total += len(data)
        if self._total > self._max:
            raise TooLargeError(f"body exceeds {self._max} decoded bytes")
        return data

    def decode(self, chunk: bytes) -> bytes:
        if self._coding is None:
            return self._count(chunk)
        out = []
        while chunk:
            if self._z is None:
                self._z = self._new_z(chunk)
            try:
                out.append(self._count(self._z.decompress(chunk, self._max - self._total + 1)))
            except zlib.error as exc:
                raise BadEncodingError(f"corrupt {self._coding} stream: {exc}") from exc
            # Output below max_length means all input was consumed, except after end of stream
            # where gzip may start another member (concatenated gzip is legal).
            chunk = self._z.unused_data if self._z.eof else b""
            if chunk:
                self._z = None
        return b"".join(out)

    def finish(self) -> None:
        """Raises if a compressed stream stopped before its end (truncated body)."""
        if self._coding is not None and self._z is not None and not self._z.eof:
            raise BadEncodingError(f"{self._coding} stream ended early (truncated body)")


class HostPausedError(Exception):
    """The host asked us to back off (429 / 503 Retry-After) earlier in this run."""

    def __init__(self, host: str, retry_after_s: float | None) -> None:
        super().__init__(f"{host} asked us to back off earlier in this run; not requested")
        self.retry_after_s = retry_after_s


class HostLimiter:
    """Global and per-host concurrency, a minimum interval between request starts to one host,
    and hosts paused for the rest of the run after they asked us to back off.

    "One host" is a host name and also every address it resolves to: a server reached as
    127.0.0.1 and as localhost, or two names of one CDN address, shares one allowance. The
    addresses come from the same resolver the connection uses, looked up once per host per run
    (a lookup that fails or takes longer than `resolve_timeout_s` leaves the host name alone to
    count; the connection then reports the DNS error). Politeness only: the address check itself
    stays in GuardedBackend, on the address actually connected to."""

    def __init__(self, concurrency: int, per_host_concurrency: int, per_host_min_interval_s: float,
                 resolver: Resolver | None = None, resolve_timeout_s: float = 10.0) -> None:
        self._global = asyncio.Semaphore(concurrency)
        self._per_host = per_host_concurrency
        self._interval = per_host_min_interval_s
        self._resolve = resolver
        self._resolve_timeout_s = resolve_timeout_s
        self._addresses: dict[str, asyncio.Future[list[str]]] = {}
        self._slots: dict[str, asyncio.Semaphore] = {}  # per host name and per "ip:<address>"
        self._locks: dict[str, asyncio.Lock] = {}
        self._last_start: dict[str, float] = {}
        self._paused: dict[str, tuple[float, float | None]] = {}  # host -> (paused at, retry-after)

    def pause(self, host: str, retry_after_s: float | None) -> None:
        self._paused[host] = (monotonic(), retry_after_s)

    def _raise_if_paused(self, host: str) -> None:
        if host in self._paused:
            paused_at, retry_after = self._paused[host]
            remaining = None if retry_after is None else max(0.0, retry_after - (monotonic() - paused_at))
            raise HostPausedError(host, remaining)

    async def keys(self, host: str, port: int = 443) -> list[str]:
        """What a request to `host` counts against: the host name, then its addresses in a fixed order
        (every request takes its semaphores in this order, so two requests never wait on each other)."""
        return [host] + sorted(f"ip:{address}" for address in await self._resolved(host, port))

    async def _resolved(self, host: str, port: int) -> list[str]:
        literal = parse_address(host)
        if literal is not None:
            return [_plain_address(literal)]
        if self._resolve is None:
            return []
        if host not in self._addresses:
            self._addresses[host] = asyncio.ensure_future(self._lookup(host, port))
        return await asyncio.shield(self._addresses[host])

    async def _lookup(self, host: str, port: int) -> list[str]:
        try:
            found = await asyncio.wait_for(self._resolve(host, port), self._resolve_timeout_s)
        except Exception:  # noqa: BLE001 - the connection reports it; politeness falls back to the name
            return []
        return sorted({_plain_address(a) for a in map(parse_address, found) if a is not None})

    @asynccontextmanager
    async def slot(self, host: str, port: int = 443) -> AsyncIterator[None]:
        self._raise_if_paused(host)
        keys = await self.keys(host, port)
        async with AsyncExitStack() as held:
            for key in keys:
                await held.enter_async_context(self._slots.setdefault(key, asyncio.Semaphore(self._per_host)))
            self._raise_if_paused(host)  # another request may have been throttled while we queued
            loop = asyncio.get_running_loop()
            # Holding the host's locks while waiting for a global slot only delays this host's own
            # later starts, which must wait anyway; the global slot is not held while sleeping out
            # the interval.
            async with AsyncExitStack() as locked:
                for key in keys:
                    await locked.enter_async_context(self._locks.setdefault(key, asyncio.Lock()))
                wait = max(self._last_start.get(key, -math.inf) for key in keys) + self._interval - loop.time()
                if wait > 0:
                    await asyncio.sleep(wait)
                await self._global.acquire()
                started = loop.time()
                for key in keys:
                    self._last_start[key] = started
            try:
                yield
            finally:
                self._global.release()


def _plain_address(ip: IPAddress) -> str:
    """An address as a key: an IPv4-mapped IPv6 address is its IPv4 address."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    return str(ip)
