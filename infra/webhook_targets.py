"""Where webhooks may be sent: public addresses only (unless a setting allows private ones),
judged on every address a host name resolves to, and on the IPv4 address an IPv6 one embeds."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit


class TargetRefused(ValueError):
    """A webhook URL absah will not send to; `reason` is a stable code."""

    def __init__(self, reason: str, message_en: str, message_id: str) -> None:
        super().__init__(message_en)
        self.reason, self.message_en, self.message_id = reason, message_en, message_id


class TargetUnresolved(TargetRefused):
    """The host name does not resolve (now): refused at registration, retried at delivery."""


# IPv6 prefixes that carry an IPv4 address inside: a packet to them reaches that IPv4 address
# (through a translator or a tunnel), so they are judged by the address they embed.
NAT64 = ipaddress.IPv6Network("64:ff9b::/96")  # RFC 6052 well-known prefix: the last 32 bits
IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")  # deprecated (RFC 4291): the last 32 bits

# getaddrinfo's shape: (family, type, proto, canonname, sockaddr) per address.
Resolver = Callable[..., Sequence[tuple[Any, ...]]]


def embedded_ipv4(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address carries: IPv4-mapped, 6to4 (2002::/16), Teredo
    (2001::/32: server and client), NAT64 (64:ff9b::/96) and IPv4-compatible (::/96)."""
    if ip.ipv4_mapped is not None:
        return [ip.ipv4_mapped]
    if ip.sixtofour is not None:
        return [ip.sixtofour]
    if ip.teredo is not None:
        return list(ip.teredo)
    if ip in NAT64 or (ip in IPV4_COMPATIBLE and int(ip) > 1):  # not :: nor ::1
        return [ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)]
    return []


def _not_public(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return (
        ip.is_loopback
        or ip.is_private
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global  # shared (100.64/10), documentation and other special ranges
    )


def _refused(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 scope id
    if isinstance(ip, ipaddress.IPv6Address):
        inside = embedded_ipv4(ip)
        if inside:  # 2002:7f00:1:: is 127.0.0.1 for whoever routes 6to4
            return any(_not_public(v4) for v4 in inside)
    return _not_public(ip)


@dataclass(frozen=True)
class Resolved:
    """A target whose addresses were checked: connect to these, never resolve again (a second
    lookup could answer something else — DNS rebinding). Empty when private targets are
    allowed: then the client resolves the name itself."""

    url: str
    host: str
    addresses: tuple[str, ...]


def check_target(url: str, allow_private: bool) -> None:
    """Refuse a URL that is not http(s), or whose host resolves to ANY non-public address."""
    resolve_target(url, allow_private)


def resolve_target(
    url: str, allow_private: bool, resolve: Resolver = socket.getaddrinfo
) -> Resolved:
    """Resolve the host once and check every address; the checked addresses, or refused.

    Every resolved address is checked (a name with one public and one private address is
    refused), so `127.1`, `0x7f000001`, `2002:7f00:1::` or a DNS name pointing inside are
    caught too.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise TargetRefused(
            "scheme-not-allowed",
            f"only http and https URLs are accepted, not '{parts.scheme or url}'",
            f"hanya URL http dan https yang diterima, bukan '{parts.scheme or url}'",
        )
    try:
        host, port = parts.hostname, parts.port
    except ValueError as exc:
        raise TargetRefused(
            "invalid-url", f"invalid URL: {exc}", f"URL tidak valid: {exc}"
        ) from exc
    if not host:
        raise TargetRefused("invalid-url", "the URL has no host", "URL tidak memiliki host")
    if allow_private:
        return Resolved(url, host, ())
    default_port = 443 if parts.scheme == "https" else 80
    try:
        infos = resolve(host, port or default_port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise TargetUnresolved(
            "unresolvable-host",
            f"the host '{host}' does not resolve ({exc})",
            f"host '{host}' tidak dapat di-resolve ({exc})",
        ) from exc
    addresses: list[str] = []
    for *_, sockaddr in infos:
        address = str(sockaddr[0])
        if address not in addresses:
            addresses.append(address)
        if _refused(address):
            raise TargetRefused(
                "private-address",
                f"'{host}' resolves to {address}, a loopback, private or reserved address; "
                "such targets are refused unless ABSAH_WEBHOOK_ALLOW_PRIVATE is set",
                f"'{host}' mengarah ke {address}, alamat loopback, privat atau khusus; "
                "tujuan seperti itu ditolak kecuali ABSAH_WEBHOOK_ALLOW_PRIVATE diaktifkan",
            )
    if not addresses:
        raise TargetUnresolved(
            "unresolvable-host",
            f"the host '{host}' resolves to no address",
            f"host '{host}' tidak mengarah ke alamat mana pun",
        )
    return Resolved(url, host, tuple(addresses))
