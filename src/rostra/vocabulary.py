"""Every value list the server shares, defined once: statuses, reasons, sorts, kinds, roles, limits.

The database's CHECK constraints, the API's schemas, the actions' validation and the pages all read
these names, so a new status or sort is added here and nowhere else (a migration then widens the
constraint).
"""

from __future__ import annotations

# Comments
COMMENT_STATUSES = ("pending", "approved", "rejected", "withheld", "deleted")
HELD_STATUSES = ("pending", "withheld")  # waiting for a moderator, visible to their author only
MODERATOR_STATUSES = ("pending", "approved", "rejected", "withheld")  # what a moderator may set
# Statuses an author's edit can never leave: re-scoring the new text must not overturn a refusal.
FINAL_MODERATOR_STATUSES = ("rejected", "withheld")
DECISION_STATUS = {"approve": "approved", "hold": "pending", "reject": "rejected"}  # engine -> status
SORTS = ("newest", "oldest", "most_reacted")
REACTION_KINDS = ("like", "insightful", "funny", "agree", "disagree")
REPORT_REASONS = ("offensive", "abusive", "spam", "off_topic", "other")

# People
ACCOUNT_ROLES = ("reader", "moderator")  # stored in accounts.role; admins are moderators with is_admin
ROLES = ("reader", "moderator", "admin")  # as a signed-in account acts, each allowed what the one before is
STAFF_ROLES = ("moderator", "admin")
SANCTION_KINDS = ("ban", "suspension", "premoderation")  # premoderation: every comment held for a moderator

# What an audit_log row is about (its subject_type; comments' own history is the moderation log)
AUTHOR_SUBJECT = "author"  # sanctions, moderators' notes, erasure requests
SITE_SUBJECT = "site"  # settings changes
STORY_SUBJECT = "story"  # closing, reopening, title corrections, pre-moderation

# Spam waves (clusters of near-copies): held until a moderator rejects or releases the whole wave
CLUSTER_STATUSES = ("held", "rejected", "released")
CLUSTER_DECISIONS = {"reject": ("rejected", "rejected"), "release": ("released", "approved")}  # -> (wave, comments)

# Moderation queues (the dashboard's tabs) and their sorts
QUEUES = ("pending", "reported", "approved", "rejected", "all")
QUEUE_SORTS = ("newest", "oldest", "highest_score")
# Moderator actions on comments (rostra.actions.moderation.COMMENT_ACTIONS says what each changes)
MODERATOR_ACTIONS = ("approve", "reject", "withhold", "restore", "feature", "unfeature", "edit")

# Events published after commit (rostra.events); payloads are the public JSON of what changed.
EVENT_KINDS = (
    "comment.created",   # a new comment, in any status (readers see approved ones only)
    "comment.edited",    # its text changed (author or moderator)
    "comment.deleted",   # its text is gone; the place in the thread stays
    "comment.status",    # a moderator or the engine changed its status
    "reaction.changed",  # its reaction count changed
    "report.created",    # a reader reported it
    "site.settings",     # a site's settings changed: every process reloads that site
)

# Limits of a listing page and a thread answer
MAX_REPLIES_PER_COMMENT = 10
MAX_DEPTH = 5
MAX_COMMENTS_PER_ANSWER = 500  # nested replies stop here; their `replies_cursor` leads on
MAX_OWN_HELD = 50  # the reader's own held comments shown back to them with a story's first page

# Attributes for which the widget tells an author, before posting, which words would hold the comment
NUDGE_ATTRIBUTES = ("toxicity", "severe_toxicity", "insult", "threat", "identity_attack")
