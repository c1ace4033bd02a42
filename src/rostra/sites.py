"""What one site may set for itself: moderation policy, limits, sign-in; stored in its database row.

The process's `Settings` give every default; a site stores only the fields it changed (the `sites`
row's `settings` JSON) and its allowed origins (the `site_origins` table, which stories and the
write checks look up by origin). `SiteConfig.effective` merges the two, so a change made in the
dashboard applies at once, to every worker, without a restart (see `Runtime.site`).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from rostra.config import Settings, usable_policy
from rostra.moderation import Policy

# Fields a site may store; each one's default is the process setting of the same name.
_FROM_SETTINGS = (
    "max_comment_chars",
    "max_author_name_chars",
    "edit_window_seconds",
    "rate_limit_ip_per_minute",
    "rate_limit_author_per_minute",
    "premoderate_new_authors",
    "report_hide_threshold",
    "wave_min_copies",
    "wave_window_minutes",
)


class SiteSettingsError(ValueError):
    """A site setting was refused; `field` names it."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


class SiteConfig(BaseModel):
    """The effective settings of one site."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    site_id: int
    name: str
    allowed_origins: list[str] = Field(default_factory=list)
    moderation: dict[str, Any] = Field(default_factory=dict, description="moderation policy (see Policy)")
    max_comment_chars: int = Field(5000, ge=1, le=100_000)
    max_author_name_chars: int = Field(64, ge=1, le=200)
    edit_window_seconds: int = Field(900, ge=0, le=30 * 24 * 3600)
    rate_limit_ip_per_minute: int = Field(60, ge=0)
    rate_limit_author_per_minute: int = Field(20, ge=0)
    premoderate_new_authors: int = Field(0, ge=0, le=1000, description="hold each new author's first N comments "
                                         "for a moderator until they are trusted (0: off)")
    report_hide_threshold: float = Field(3.0, gt=0, le=1000,
                                         description="weighted reader reports that hide a comment pending review")
    wave_min_copies: int = Field(3, ge=1, le=1000, description="near-copies of one text on other stories let "
                                 "through before the rest are held as a spam wave")
    wave_window_minutes: int = Field(60, ge=1, le=7 * 24 * 60,
                                     description="how far back a new comment is compared for near-copies")
    stories_registered_by_site: bool = Field(
        False, description="comments open only on stories the site's own server registered (POST "
        "/api/v1/stories with an API key); readers' pages cannot create stories")
    sso_secret: str | None = Field(None, min_length=16, max_length=500,
                                   description="HS256 secret of the site's own reader sign-in (SSO)")

    @field_validator("moderation")
    @classmethod
    def _policy_is_usable(cls, mapping: dict[str, Any]) -> dict[str, Any]:
        return usable_policy(mapping)

    @property
    def policy(self) -> Policy:
        return Policy.from_mapping(self.moderation)

    @classmethod
    def effective(cls, settings: Settings, site_id: int, name: str, stored: dict[str, Any],
                  origins: list[str]) -> SiteConfig:
        """The process defaults overridden by what the site stored; the policy merges key by key (a
        site's thresholds override only the attributes it names)."""
        values: dict[str, Any] = {field: getattr(settings, field) for field in _FROM_SETTINGS}
        values.update({key: value for key, value in stored.items() if key != "moderation"})
        values["moderation"] = merge_policies(settings.moderation, stored.get("moderation") or {})
        return cls(site_id=site_id, name=name, allowed_origins=origins, **values)

    @classmethod
    def stored_fields(cls) -> tuple[str, ...]:
        """Names a site may change through `update_site_settings` (origins live in their own table)."""
        return tuple(name for name in cls.model_fields if name not in ("site_id", "name"))


def merge_policies(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """`override` on top of `base`; nested tables (thresholds) merge one level down."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = {**merged[key], **value}
        else:
            merged[key] = value
    return merged


def validated_changes(current: SiteConfig, changes: dict[str, Any]) -> SiteConfig:
    """The config with `changes` applied, or SiteSettingsError naming the first bad field."""
    unknown = sorted(set(changes) - set(SiteConfig.stored_fields()))
    if unknown:
        raise SiteSettingsError(unknown[0], f"not a site setting: {', '.join(unknown)}")
    try:
        return SiteConfig(**{**current.model_dump(), **changes})
    except ValidationError as error:
        item = error.errors()[0]
        field = str(item["loc"][0]) if item["loc"] else "settings"
        raise SiteSettingsError(field, item["msg"]) from None
