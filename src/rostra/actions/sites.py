"""Reading and changing a site's own settings; every change is audited and announced to all workers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, delete, insert, select, update

from rostra.actions.errors import InvalidInput, NotFound
from rostra.config import Settings
from rostra.events import publish_on_commit
from rostra.sites import SiteConfig, SiteSettingsError, validated_changes
from rostra.store import Store
from rostra.store.queries import insert_ignoring_duplicates, utcnow
from rostra.store.tables import audit_log, site_origins, sites
from rostra.store.urls import BadURL, normalize_origin
from rostra.vocabulary import SITE_SUBJECT

if TYPE_CHECKING:
    from rostra.runtime import Runtime

def load_site_config(store: Store, settings: Settings, site_id: int) -> SiteConfig:
    """The effective settings of a site as the database holds them now."""
    with store.read() as connection:
        row = connection.execute(select(sites.c.name, sites.c.settings).where(sites.c.id == site_id)).first()
        if row is None:
            raise NotFound(f"no site {site_id}", field="site_id")
        origins = connection.execute(
            select(site_origins.c.origin).where(site_origins.c.site_id == site_id).order_by(site_origins.c.origin)
        ).scalars().all()
    return SiteConfig.effective(settings, site_id, row.name, row.settings or {}, list(origins))


def list_sites(store: Store) -> list[dict]:
    """Every site, oldest first, with its allowed origins."""
    with store.read() as connection:
        rows = connection.execute(select(sites.c.id, sites.c.name).order_by(sites.c.id)).all()
        origins: dict[int, list[str]] = {}
        for origin, site_id in connection.execute(
            select(site_origins.c.origin, site_origins.c.site_id).order_by(site_origins.c.origin)
        ):
            origins.setdefault(site_id, []).append(origin)
    return [{"id": row.id, "name": row.name, "allowed_origins": origins.get(row.id, [])} for row in rows]


def site_of_origin(store: Store, origin: str) -> int | None:
    with store.read() as connection:
        return connection.execute(
            select(site_origins.c.site_id).where(site_origins.c.origin == origin)
        ).scalar_one_or_none()


def audit(connection: Connection, *, actor: str, action: str, subject_type: str, subject_id: int | None,
          site_id: int | None = None, before: Any = None, after: Any = None, note: str | None = None) -> int:
    """Append one entry to the audit log, in the caller's transaction; its id comes back."""
    return connection.execute(insert(audit_log).returning(audit_log.c.id), {
        "site_id": site_id, "actor": actor, "action": action, "subject_type": subject_type,
        "subject_id": subject_id, "before": before, "after": after, "note": note, "created_at": utcnow(),
    }).scalar_one()


def _replace_origins(connection: Connection, site_id: int, origins: list[str]) -> None:
    connection.execute(
        delete(site_origins).where(site_origins.c.site_id == site_id, site_origins.c.origin.not_in(origins))
    )
    for origin in origins:
        taken_by = connection.execute(
            select(site_origins.c.site_id).where(site_origins.c.origin == origin)
        ).scalar_one_or_none()
        if taken_by is not None and taken_by != site_id:
            raise InvalidInput(f"{origin} already belongs to another site", field="allowed_origins")
        insert_ignoring_duplicates(connection, site_origins, {"origin": origin, "site_id": site_id}, keys=["origin"])


def ensure_site(store: Store, name: str, origins: list[str]) -> int:
    """Create the site if needed and make its allowed origins exactly `origins` (the configured
    default site at every start)."""
    with store.write() as connection:
        insert_ignoring_duplicates(connection, sites, {"name": name, "settings": {}, "created_at": utcnow()},
                                   keys=["name"])
        site_id = connection.execute(select(sites.c.id).where(sites.c.name == name)).scalar_one()
        _replace_origins(connection, site_id, origins)
    return site_id


def update_site_settings(runtime: Runtime, site_id: int, changes: dict[str, Any], actor: str) -> SiteConfig:
    """Apply `changes` (SiteConfig fields) to a site: validated, stored, audited, and effective in every
    worker as soon as the event reaches it (at once in this one)."""
    current = runtime.site(site_id)
    if "allowed_origins" in changes:
        try:
            changes = {**changes, "allowed_origins": [normalize_origin(o) for o in changes["allowed_origins"]]}
        except (BadURL, TypeError, AttributeError) as error:
            raise InvalidInput(f"not an origin: {error}", field="allowed_origins") from None
    try:
        updated = validated_changes(current, changes)
    except SiteSettingsError as error:
        raise InvalidInput(str(error), field=error.field) from None
    before = {name: getattr(current, name) for name in changes}
    after = {name: getattr(updated, name) for name in changes}

    def store_changes(connection: Connection) -> None:
        stored = dict(connection.execute(select(sites.c.settings).where(sites.c.id == site_id)).scalar_one() or {})
        for name in changes:
            if name != "allowed_origins":
                stored[name] = getattr(updated, name)
        connection.execute(update(sites).where(sites.c.id == site_id).values(settings=stored,
                                                                             settings_changed_at=utcnow()))
        if "allowed_origins" in changes:
            _replace_origins(connection, site_id, updated.allowed_origins)
        audit(connection, actor=actor, action="site.settings", subject_type=SITE_SUBJECT, subject_id=site_id,
              site_id=site_id, before=_redacted(before), after=_redacted(after))
        publish_on_commit(connection, "site.settings", site_id=site_id, payload={"fields": sorted(changes)})

    runtime.store.run_write(store_changes)
    runtime.forget_site(site_id)
    return runtime.site(site_id)


def _redacted(values: dict[str, Any]) -> dict[str, Any]:
    """Secrets are logged as changed, never as their value."""
    return {name: ("(set)" if value else None) if name == "sso_secret" else value for name, value in values.items()}
