"""The reader's network address: found behind trusted proxies only, and kept only in forms that do not
give it away (a keyed hash to recognise it again, and a truncated network for address-range bans).

`X-Forwarded-For` is a list any client can write; only the entries appended by proxies the operator
named in `trusted_proxies` are believed. Walking the list from the right and stopping at the first
address that is not a trusted proxy gives the address that connected to the outermost trusted proxy:
whatever a client put in front of it is never read.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import logging
from dataclasses import dataclass
from functools import lru_cache

IPV4_KEPT_PREFIX = 24  # a /24 or /48 names a neighbourhood (an ISP's pool), not a household
IPV6_KEPT_PREFIX = 48
ADDRESS_HASH_CHARS = 32
UNKNOWN_ADDRESS = "unknown"

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(entries: list[str]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def _parsed(address: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        parsed = ipaddress.ip_address(address.strip().strip("[]"))
    except ValueError:
        return None
    if isinstance(parsed, ipaddress.IPv6Address) and parsed.ipv4_mapped is not None:
        return parsed.ipv4_mapped
    return parsed


def _is_trusted(address: str, proxies: tuple[Network, ...]) -> bool:
    parsed = _parsed(address)
    return parsed is not None and any(parsed in network for network in proxies)


def reader_address(peer: str | None, forwarded_for: str | None, proxies: tuple[Network, ...]) -> str:
    """The reader's address: the connecting peer, unless it is a trusted proxy, in which case the
    right-most `X-Forwarded-For` entry that is not itself a trusted proxy."""
    address = peer or UNKNOWN_ADDRESS
    if not forwarded_for or not _is_trusted(address, proxies):
        return address
    for hop in reversed([entry.strip() for entry in forwarded_for.split(",") if entry.strip()]):
        if _parsed(hop) is None:
            return address  # garbage in the header: keep the last address known to be real
        address = hop
        if not _is_trusted(hop, proxies):
            break
    return address


@dataclass(frozen=True)
class StoredAddress:
    """What Rostra keeps of an address: `hash` recognises the same address again (bursts, one reader's
    several identities), `network` is the truncated range a moderator may ban."""

    hash: str
    network: str | None


@lru_cache(maxsize=4096)
def stored_address(address: str, secret_key: str) -> StoredAddress:
    """The keyed hash (HMAC-SHA256 with the server's secret key, so a leaked database cannot be
    reversed by hashing all 2^32 IPv4 addresses) and the truncated network of `address`."""
    digest = hmac.new(secret_key.encode(), address.encode(), hashlib.sha256).hexdigest()[:ADDRESS_HASH_CHARS]
    parsed = _parsed(address)
    if parsed is None:
        return StoredAddress(digest, None)
    return StoredAddress(digest, _truncated(parsed))


def _truncated(parsed: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str:
    prefix = IPV4_KEPT_PREFIX if parsed.version == 4 else IPV6_KEPT_PREFIX
    return str(ipaddress.ip_network(f"{parsed}/{prefix}", strict=False))


def in_network(address: str, network: str) -> bool:
    """Whether `address` lies in the CIDR `network` (False for anything unparsable)."""
    parsed = _parsed(address)
    try:
        return parsed is not None and parsed in ipaddress.ip_network(network, strict=False)
    except ValueError:
        return False


ACCESS_LOGGER = "uvicorn.access"


class AddressRedactingFilter(logging.Filter):
    """Access-log lines name the client by its truncated network (`203.0.113.0/24`), never by its
    address: uvicorn's first argument is `host:port`."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and args and isinstance(args[0], str):
            host = args[0].rsplit(":", 1)[0] if args[0].count(":") == 1 else args[0]
            parsed = _parsed(host)
            record.args = (_truncated(parsed) if parsed is not None else "-",) + args[1:]
        return True


def install_access_log_address_redaction() -> None:
    """Attach the filter to uvicorn's access logger once; safe to call any number of times."""
    logger = logging.getLogger(ACCESS_LOGGER)
    if not any(isinstance(existing, AddressRedactingFilter) for existing in logger.filters):
        logger.addFilter(AddressRedactingFilter())
