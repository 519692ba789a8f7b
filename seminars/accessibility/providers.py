"""The providers staff book (interpreting services, print shops, caterers), and whom a task
may be given to."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from seminars.accessibility.kinds import KIND_KEYS
from seminars.accessibility.models import ServiceProvider
from seminars.accounts.models import ROLE_ADMIN, ROLE_STAFF, User
from seminars.audit.services import changes, record
from seminars.core.actor import Actor
from seminars.core.errors import DomainError, NotFoundError
from seminars.extensions import db


def list_providers() -> list[ServiceProvider]:
    """All providers, active first, by name. One query."""
    return list(
        db.session.scalars(
            select(ServiceProvider).order_by(
                ServiceProvider.active.desc(), func.lower(ServiceProvider.name)
            )
        )
    )


def get_provider(provider_id: int) -> ServiceProvider:
    provider = db.session.get(ServiceProvider, provider_id)
    if provider is None:
        raise NotFoundError()
    return provider


def kinds_of(provider: ServiceProvider) -> list[str]:
    return [key for key in (provider.kinds or "").split(",") if key]


def offers(provider: ServiceProvider, kind: str) -> bool:
    """Whether the provider offers this kind of service (no kinds given: any)."""
    kinds = kinds_of(provider)
    return not kinds or kind in kinds


def provider_choices(kind: str, current_id: int | None) -> list[ServiceProvider]:
    """The active providers that offer ``kind``, and the task's current provider even when
    it is no longer active (so that saving the task keeps it). One query."""
    return [
        provider
        for provider in list_providers()
        if provider.id == current_id or (provider.active and offers(provider, kind))
    ]


@dataclass(frozen=True)
class Person:
    id: int
    name: str


def owner_choices(current_id: int | None) -> list[Person]:
    """Who may own a task: active admin and staff accounts, and the current owner. One query."""
    rows = db.session.execute(
        select(User.id, User.name, User.email, User.active, User.role).order_by(
            func.lower(User.name), User.email
        )
    )
    return [
        Person(id=user_id, name=name or email)
        for user_id, name, email, active, role in rows
        if user_id == current_id or (active and role in (ROLE_ADMIN, ROLE_STAFF))
    ]


def may_own(user_id: int) -> bool:
    user = db.session.get(User, user_id)
    return user is not None and user.active and user.role in (ROLE_ADMIN, ROLE_STAFF)


def save_provider(
    provider_id: int | None,
    *,
    name: str,
    kinds: list[str],
    contact: str,
    active: bool,
    actor: Actor | None,
) -> ServiceProvider:
    """Create (``provider_id`` None) or change a provider; the name is unique, whatever its
    case. Flushes; the change goes into the change log."""
    name = " ".join(name.split())
    if not name:
        raise DomainError(_l("Bitte geben Sie einen Namen an."), field="name")
    unknown = [key for key in kinds if key not in KIND_KEYS]
    if unknown:
        raise DomainError(_l("Bitte wählen Sie nur angebotene Leistungen."), field="kinds")
    clash = db.session.scalar(
        select(ServiceProvider.id).where(
            func.lower(ServiceProvider.name) == name.lower(),
            ServiceProvider.id != (provider_id or 0),
        )
    )
    if clash is not None:
        raise DomainError(_l("Einen Anbieter mit diesem Namen gibt es schon."), field="name")
    if provider_id is None:
        provider = ServiceProvider(name=name, kinds="", contact="", active=True)
        db.session.add(provider)
        before: dict = {}
    else:
        provider = get_provider(provider_id)
        before = _fields(provider)
    provider.name = name
    provider.kinds = ",".join(key for key in KIND_KEYS if key in kinds)
    provider.contact = contact.strip()
    provider.active = active
    db.session.flush()
    old, new = changes(before, _fields(provider)) if before else ({}, _fields(provider))
    if new or old:
        record(
            actor,
            "service_provider.save",
            before={"provider": provider.name, **old} if before else {},
            after={"provider": provider.name, **new},
        )
    return provider


def _fields(provider: ServiceProvider) -> dict:
    return {
        "name": provider.name,
        "kinds": provider.kinds,
        "contact": provider.contact,
        "active": provider.active,
    }
