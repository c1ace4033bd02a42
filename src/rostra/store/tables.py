"""The schema as SQLAlchemy Core tables; the Alembic migrations in `migrations/` create exactly this."""

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)

from rostra.vocabulary import ACCOUNT_ROLES, CLUSTER_STATUSES, COMMENT_STATUSES, REPORT_REASONS, SANCTION_KINDS

IMPORT_RUN_STATES = ("running", "finished", "stopped", "failed")
MAX_ID = 2**31 - 1  # ids are 32-bit INTEGER columns on PostgreSQL; larger ones cannot name a row

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


def _when(name: str, nullable: bool = False) -> Column:
    return Column(name, DateTime(timezone=True), nullable=nullable)


sites = Table(
    "sites",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(100), nullable=False, unique=True),
    # The site's own settings (rostra.sites.SiteConfig fields it changed); the rest are the process's.
    Column("settings", JSON, nullable=False, default=dict),
    _when("created_at"),
    _when("settings_changed_at", nullable=True),
)

site_origins = Table(
    "site_origins",
    metadata,
    Column("origin", String(300), primary_key=True),
    Column("site_id", Integer, ForeignKey("sites.id", ondelete="CASCADE"), nullable=False, index=True),
)

stories = Table(
    "stories",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("site_id", Integer, ForeignKey("sites.id"), nullable=False, index=True),
    Column("url", String(2100), nullable=False, unique=True),
    Column("title", String(500), nullable=False),
    Column("text", Text, nullable=False, default=""),
    Column("closed", Boolean, nullable=False, default=False),
    # Every comment waits for a moderator, whatever the engine says (set on the dashboard's stories page).
    Column("premoderated", Boolean, nullable=False, default=False, server_default=false()),
    _when("created_at"),
)

accounts = Table(
    "accounts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("password_hash", String(200), nullable=False),
    Column("display_name", String(200), nullable=False),
    Column("email", String(254)),
    Column("role", String(16), nullable=False, default="reader"),
    _when("created_at"),
    # Admins are moderators who may also change site settings and other staff accounts. A flag of its
    # own, because widening the role CHECK would mean rebuilding `accounts` under SQLite, which the
    # authors' foreign keys forbid inside a migration's transaction.
    Column("is_admin", Boolean, nullable=False, default=False, server_default=false()),
    CheckConstraint(f"role IN {ACCOUNT_ROLES}", name="role"),
)

sessions = Table(
    "sessions",
    metadata,
    # The cookie carries a random token; the row keeps only its SHA-256, so a copy of the database
    # signs nobody in.
    Column("token_hash", String(64), primary_key=True),
    Column("account_id", Integer, ForeignKey("accounts.id"), nullable=False, index=True),
    Column("csrf_token", String(64), nullable=False),
    _when("created_at"),
    _when("last_seen_at"),
    _when("expires_at"),
    _when("revoked_at", nullable=True),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("account_id", Integer, ForeignKey("accounts.id"), nullable=False, index=True),
    Column("name", String(200), nullable=False),
    Column("token_prefix", String(16), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    _when("created_at"),
    _when("last_used_at", nullable=True),
    _when("revoked_at", nullable=True),
)

authors = Table(
    "authors",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("account_id", Integer, ForeignKey("accounts.id"), unique=True),
    Column("guest_key", String(64), unique=True),
    Column("display_name", String(200), nullable=False),
    Column("email", String(254), index=True),
    _when("created_at"),
    # Where an imported author came from and the source's own id for them (see rostra.importers).
    Column("source", String(40)),
    Column("external_id", String(200)),
    # A reader's erasure: asked for at (their comments became placeholders then), personal data
    # removed at, once the grace period is over.
    _when("erasure_requested_at", nullable=True),
    _when("erased_at", nullable=True),
    Column("browser_key", String(64), index=True),  # kept by the widget in local storage: outlives the cookie
    CheckConstraint("(account_id IS NULL) <> (guest_key IS NULL)", name="one_identity"),
    Index(None, "source", "external_id", unique=True),
)

spam_clusters = Table(
    "spam_clusters",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("site_id", Integer, ForeignKey("sites.id"), nullable=False),
    Column("status", String(16), nullable=False),
    Column("sample", String(300), nullable=False),
    _when("created_at"),
    Column("resolved_by", String(200)),
    _when("resolved_at", nullable=True),
    CheckConstraint(f"status IN {CLUSTER_STATUSES}", name="status"),
    Index(None, "site_id", "status"),
)

comments = Table(
    "comments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("story_id", Integer, ForeignKey("stories.id"), nullable=False),
    Column("parent_id", Integer, ForeignKey("comments.id")),
    Column("depth", Integer, nullable=False, default=0),
    Column("author_id", Integer, ForeignKey("authors.id"), nullable=False),
    Column("body_markdown", Text, nullable=False),
    Column("body_html", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("reaction_count", Integer, nullable=False, default=0),
    Column("moderation_scores", JSON),
    Column("moderation_reasons", JSON),
    Column("moderation_model", String(100)),
    # The engine's highest score and the attributes of its reasons (" insult toxicity "), kept beside
    # the JSON so the moderation queue can sort and filter by them through an index.
    Column("top_score", Float),
    Column("reason_attributes", String(500)),
    Column("featured", Boolean, nullable=False, default=False, server_default=false()),
    _when("created_at"),
    _when("edited_at", nullable=True),
    _when("deleted_at", nullable=True),
    # Imported comments: the source and its id for the comment (re-running an import adds nothing),
    # the run that wrote it, and the status the engine would have given it; the status column keeps
    # the original one. "Imported, engine disagrees": import_engine_status <> status.
    Column("source", String(40)),
    Column("external_id", String(200)),
    Column("import_run_id", Integer, index=True),
    Column("import_engine_status", String(16), index=True),
    Column("address_hash", String(32)),  # keyed hash of the writer's address, dropped after the retention period
    Column("address_network", String(48)),  # the address truncated to its /24 or /48, likewise
    Column("cluster_id", Integer, ForeignKey("spam_clusters.id"), index=True),
    CheckConstraint(f"status IN {COMMENT_STATUSES}", name="status"),
    # A page walks one of these in order and stops after `limit` visible rows: no sort of the thread.
    Index(None, "story_id", "parent_id", "id"),
    Index(None, "story_id", "parent_id", "reaction_count", "id"),
    Index(None, "parent_id", "status"),
    Index(None, "story_id", "status"),
    Index(None, "author_id", "status"),
    Index(None, "author_id", "id"),
    Index(None, "source", "external_id", unique=True),
    Index(None, "created_at"),
    # The moderation queues: one status in id or score order, without a sort.
    Index(None, "status", "id"),
    Index(None, "status", "top_score", "id"),
)

reactions = Table(
    "reactions",
    metadata,
    Column("comment_id", Integer, ForeignKey("comments.id"), primary_key=True),
    Column("author_id", Integer, ForeignKey("authors.id"), primary_key=True),
    Column("kind", String(16), nullable=False),
    _when("created_at"),
    Column("address_hash", String(32)),  # keyed hash: a few reactions per address, dropped after retention
)

reports = Table(
    "reports",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("comment_id", Integer, ForeignKey("comments.id"), nullable=False),
    Column("author_id", Integer, ForeignKey("authors.id"), nullable=False),
    Column("reason", String(16), nullable=False),
    Column("note", String(1000)),
    _when("created_at"),
    Column("reporter_address", String(32)),  # keyed hash: one reader's several identities count once
    Column("weight", Float),  # the reporter's weight when they reported
    # "upheld" or "dismissed" once a moderator decided the comment; open reports make the Reported queue
    Column("outcome", String(16)),
    UniqueConstraint("comment_id", "author_id"),
    Index(None, "outcome", "comment_id"),
    CheckConstraint(f"reason IN {REPORT_REASONS}", name="reason"),
    Index(None, "author_id", "outcome"),
)

moderation_log = Table(
    "moderation_log",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("comment_id", Integer, ForeignKey("comments.id"), nullable=False, index=True),
    Column("actor", String(200), nullable=False),
    # A moderator's action ("status" for the engine's and authors' changes), their account, and the
    # comment's fields before and after it (what undo puts back).
    Column("action", String(32), nullable=False, default="status", server_default="status"),
    Column("account_id", Integer),
    Column("from_status", String(16)),
    Column("to_status", String(16), nullable=False),
    Column("reasons", JSON),
    Column("model", String(100)),
    Column("note", String(1000)),
    Column("before", JSON),
    Column("after", JSON),
    _when("created_at"),
    Index(None, "account_id", "id"),
    Index(None, "action", "id"),
)

api_keys = Table(
    "api_keys",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("key_prefix", String(8), nullable=False),
    Column("key_hash", String(64), nullable=False, unique=True),
    _when("created_at"),
    _when("revoked_at", nullable=True),
    Column("requests_per_minute", Integer),
)

# The outbox of rostra.events: written in the transaction of the change it announces, read after commit.
events = Table(
    "events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(40), nullable=False),
    Column("site_id", Integer, ForeignKey("sites.id", ondelete="CASCADE"), nullable=False),
    Column("story_id", Integer),
    Column("payload", JSON, nullable=False),
    _when("created_at"),
    Index(None, "site_id", "story_id", "id"),
    Index(None, "created_at"),
)

# Append-only record of changes other than a comment's status (those go to moderation_log): site
# settings, sanctions, notes on authors, erasures. `before` and `after` hold what changed.
audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("site_id", Integer, ForeignKey("sites.id")),
    Column("actor", String(200), nullable=False),
    Column("action", String(60), nullable=False),
    Column("subject_type", String(40), nullable=False),
    Column("subject_id", Integer),
    Column("before", JSON),
    Column("after", JSON),
    Column("note", String(1000)),
    _when("created_at"),
    Index(None, "subject_type", "subject_id"),
    Index(None, "site_id", "id"),
)

import_runs = Table(
    "import_runs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("format", String(20), nullable=False),
    Column("file_name", String(1000), nullable=False),
    Column("file_bytes", Integer, nullable=False),
    Column("site_id", Integer, ForeignKey("sites.id"), nullable=False),
    Column("state", String(16), nullable=False),
    Column("records", Integer, nullable=False, default=0),
    Column("imported", Integer, nullable=False, default=0),
    Column("already_present", Integer, nullable=False, default=0),
    Column("skipped", Integer, nullable=False, default=0),
    Column("disagreements", Integer, nullable=False, default=0),
    _when("started_at"),
    _when("finished_at", nullable=True),
    CheckConstraint(f"state IN {IMPORT_RUN_STATES}", name="state"),
)

# One row: this database's own name in exports, so the ids of its comments and authors stay
# distinct from another Rostra's once imported elsewhere.
instance = Table(
    "instance",
    metadata,
    Column("id", String(32), primary_key=True),
)

sanctions = Table(
    "sanctions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(16), nullable=False),
    # What the sanction matches; the author's identities are copied in so a write is checked without a query.
    Column("author_id", Integer, ForeignKey("authors.id"), index=True),
    Column("account_id", Integer),
    Column("guest_key", String(64)),
    Column("browser_key", String(64)),
    Column("email", String(254)),
    Column("address_network", String(48)),
    Column("reason", String(1000), nullable=False),
    Column("created_by", String(200), nullable=False),
    _when("created_at"),
    _when("expires_at", nullable=True),
    Column("lifted_by", String(200)),
    _when("lifted_at", nullable=True),
    Index(None, "lifted_at"),
    CheckConstraint(f"kind IN {SANCTION_KINDS}", name="kind"),
)

text_bands = Table(
    "text_bands",
    metadata,
    # MinHash locality-sensitive bands of recent comments: near-copies share at least one band.
    Column("comment_id", Integer, ForeignKey("comments.id"), primary_key=True),
    Column("band", BigInteger, primary_key=True),
    Column("site_id", Integer, nullable=False),
    _when("created_at", nullable=False),
    Index(None, "site_id", "band"),
    Index(None, "created_at"),
)

link_domains = Table(
    "link_domains",
    metadata,
    Column("site_id", Integer, primary_key=True),
    Column("domain", String(253), primary_key=True),
    _when("first_seen_at"),
)

idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("owner", String(100), primary_key=True),  # the author: "account:<id>" or "guest:<key>"
    Column("key", String(128), primary_key=True),
    Column("comment_id", Integer, ForeignKey("comments.id"), nullable=False),
    _when("created_at"),
    Index(None, "created_at"),
)
