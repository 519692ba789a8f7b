"""What a registration's pages show of its certificates, asked without importing them.

Certificates build on registrations (they read attendance and queue mails), so the arrow
points certificates -> registrations. The personal page and the staff page of a registration
still show its certificates: ``create_app`` connects the certificates package here
(``connect``) and registrations ask through ``has_active_certificate`` and
``certificates_of``, and whether to offer issuing one through ``eligible_ids``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class CertificateLookup:
    active_certificate: Callable[[int], Any | None]
    certificates_of: Callable[[int], Sequence[Any]]
    eligible_ids: Callable[[int], set[int]]


_connected: list[CertificateLookup] = []


def connect(lookup: CertificateLookup) -> None:
    _connected[:] = [lookup]


def _lookup() -> CertificateLookup:
    if not _connected:
        raise RuntimeError("no certificate lookup connected: create_app connects one")
    return _connected[0]


def has_active_certificate(registration_id: int) -> bool:
    return _lookup().active_certificate(registration_id) is not None


def certificates_of(registration_id: int) -> Sequence[Any]:
    """Every certificate issued for the registration, revoked ones included."""
    return _lookup().certificates_of(registration_id)


def eligible_ids(seminar_id: int) -> set[int]:
    """The seminar's registrations that may get a certificate (confirmed, attended enough)."""
    return _lookup().eligible_ids(seminar_id)
