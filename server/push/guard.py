"""Where push messages may go: push services on the internet, never this machine or its network.

An endpoint is a URL that a client chose, so it is checked twice. When it is
posted: an https URL whose host is a plain DNS name (no address literal in any
spelling, no local-only name) and, when PUSH_ALLOWED_HOSTS says so, one of the
push services. Whenever the worker opens a connection: the name is resolved
once, every address of the answer must be public, and the socket is connected
to an address of that same answer, so the DNS cannot change between the check
and the connection; TLS still verifies the certificate for the name. In
development and testing, loopback endpoints (the local push service of the
tests) are allowed as well.
"""

from __future__ import annotations

import ipaddress
import socket
import string
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError

# The push services of the browsers that support web push (Chrome, Edge, Firefox, Safari).
KNOWN_PUSH_SERVICES = (
    "fcm.googleapis.com",
    "updates.push.services.mozilla.com",
    "web.push.apple.com",
    "notify.windows.com",
)
ANY = "*"
# Top-level names that only ever mean something on a local network.
LOCAL_ONLY_NAMES = {
    "localhost",
    "localdomain",
    "local",
    "internal",
    "intranet",
    "private",
    "corp",
    "home",
    "lan",
    "arpa",
    "invalid",
}
LABEL_CHARACTERS = set(string.ascii_lowercase + string.digits + "-")
NAT64 = ipaddress.ip_network("64:ff9b::/96")


class EndpointRefused(Exception):
    """The endpoint is not a push service this server may send to."""


class AddressRefused(Exception):
    """The endpoint's host name resolves to an address this server must not connect to."""


@dataclass(frozen=True)
class Policy:
    # Host names (and their subdomains) that may be sent to; None: any public host.
    allowed_hosts: tuple[str, ...] | None
    # Development and testing: loopback endpoints are allowed too.
    local: bool


def parse_allowed_hosts(value: str, hearth_env: str) -> tuple[str, ...] | None:
    """Read PUSH_ALLOWED_HOSTS: empty is the known push services in production, any elsewhere."""
    text = value.strip().lower()
    if not text:
        return KNOWN_PUSH_SERVICES if hearth_env == "production" else None
    if text == ANY:
        return None
    hosts = []
    for item in text.replace(",", " ").split():
        host = item.removeprefix("*.").removeprefix(".")
        if not _is_dns_name(host):
            raise RuntimeError(
                f"PUSH_ALLOWED_HOSTS: {item!r} is not a host name "
                "(give host names separated by commas, e.g. fcm.googleapis.com, or *)"
            )
        hosts.append(host)
    return tuple(hosts)


def policy_of(config: Any) -> Policy:
    """Return the sending policy of an app's configuration."""
    env = config["HEARTH_ENV"]
    return Policy(
        parse_allowed_hosts(config.get("PUSH_ALLOWED_HOSTS", ""), env),
        env in {"development", "testing"},
    )


def _is_dns_name(host: str) -> bool:
    """Tell whether host is a plain DNS name, which no spelling of an IP address is."""
    labels = host.split(".")
    return (
        len(host) <= 253
        and len(labels) >= 2
        and all(
            0 < len(label) <= 63
            and set(label) <= LABEL_CHARACTERS
            and not label.startswith("-")
            and not label.endswith("-")
            for label in labels
        )
        # A top-level name starts with a letter: 127.1, 0177.0.0.1 or 1.0x7f are addresses.
        and labels[-1][0] in string.ascii_lowercase
    )


def _is_loopback_literal(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_endpoint(endpoint: str, policy: Policy) -> None:
    """Raise EndpointRefused unless the endpoint may be a push service's URL."""
    # Browsers give plain ASCII URLs; urlsplit would silently drop tabs and newlines.
    if not endpoint.isascii() or any(ch <= " " or ch == "\x7f" for ch in endpoint):
        raise EndpointRefused("Must be an https URL of a push service.")
    try:
        parts = urlsplit(endpoint)
        host = parts.hostname or ""
        parts.port  # noqa: B018 -- raises on a malformed port
    except ValueError:
        raise EndpointRefused("Must be an https URL of a push service.") from None
    if not host or parts.username is not None or parts.password is not None:
        raise EndpointRefused("Must be an https URL of a push service.")
    if policy.local and _is_loopback_literal(host) and parts.scheme in {"http", "https"}:
        return
    if (
        parts.scheme != "https"
        or not _is_dns_name(host)
        or host.rsplit(".", 1)[-1] in LOCAL_ONLY_NAMES
    ):
        raise EndpointRefused("Must be an https URL of a push service.")
    allowed = policy.allowed_hosts
    if allowed is not None and not any(host == h or host.endswith("." + h) for h in allowed):
        raise EndpointRefused("Not a push service this server sends to.")


def address_allowed(address: str, local: bool) -> bool:
    """Tell whether a resolved address may be connected to: public, or loopback when local."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        # Addresses that carry an IPv4 address lead to it: judge that one.
        if ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        elif ip.sixtofour is not None:
            ip = ip.sixtofour
        elif ip in NAT64:
            ip = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if local and ip.is_loopback:
        return True
    return ip.is_global and not ip.is_multicast


def resolve(host: str, port: int) -> list[tuple]:
    """Return getaddrinfo's answers for a TCP connection to host."""
    return socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)


def _connect(answer: tuple, timeout: Any, source: Any, options: Any) -> socket.socket:
    family, kind, proto, _, sockaddr = answer
    sock = socket.socket(family, kind, proto)
    try:
        for option in options or ():
            sock.setsockopt(*option)
        if timeout is None or isinstance(timeout, int | float):
            sock.settimeout(timeout)
        if source:
            sock.bind(source)
        sock.connect(sockaddr)
    except BaseException:
        sock.close()
        raise
    return sock


class _Guarded:
    """A urllib3 connection that connects only to checked addresses of its host."""

    local = False
    # Given by urllib3's connection classes, which this one is mixed into.
    host: str
    port: int
    timeout: Any
    source_address: Any
    socket_options: Any

    def _new_conn(self) -> socket.socket:
        try:
            answers = resolve(self.host, self.port)
        except socket.gaierror as error:
            raise NameResolutionError(self.host, self, error) from error
        refused = [a[4][0] for a in answers if not address_allowed(a[4][0], self.local)]
        if refused or not answers:
            # One bad address refuses the name: a rebinding answer often mixes both kinds.
            raise AddressRefused(f"{self.host} resolves to {', '.join(refused) or 'nothing'}")
        failure: Exception | None = None
        for answer in answers:
            try:
                return _connect(answer, self.timeout, self.source_address, self.socket_options)
            except TimeoutError as error:
                failure = ConnectTimeoutError(self, f"Connection to {self.host} timed out.")
                failure.__cause__ = error
            except OSError as error:
                failure = NewConnectionError(self, f"Could not connect: {error}")
                failure.__cause__ = error
        assert failure is not None
        raise failure


def _pools(local: bool) -> dict[str, type[HTTPConnectionPool]]:
    class GuardedHTTPConnection(_Guarded, HTTPConnection):
        pass

    class GuardedHTTPSConnection(_Guarded, HTTPSConnection):
        pass

    class GuardedHTTPPool(HTTPConnectionPool):
        ConnectionCls = GuardedHTTPConnection

    class GuardedHTTPSPool(HTTPSConnectionPool):
        ConnectionCls = GuardedHTTPSConnection

    GuardedHTTPConnection.local = GuardedHTTPSConnection.local = local
    return {"http": GuardedHTTPPool, "https": GuardedHTTPSPool}


_POOLS = {True: _pools(True), False: _pools(False)}


class GuardedAdapter(HTTPAdapter):
    """A requests transport whose every new connection goes through the address check."""

    def __init__(self, local: bool, **kwargs: Any) -> None:
        self._pool_classes = _POOLS[local]
        super().__init__(**kwargs)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = self._pool_classes

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any):
        # Through a proxy the proxy would resolve the name, after the check: never.
        raise AddressRefused("push messages are not sent through a proxy")
