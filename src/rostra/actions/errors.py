"""Domain errors; the HTTP layer turns each into an `application/problem+json` answer."""


class ActionError(Exception):
    """A request the domain refuses: `slug` names the problem type, `field` the input at fault."""

    status = 400
    slug = "bad-request"
    title = "Bad request"

    def __init__(self, detail: str, field: str | None = None, **extra):
        super().__init__(detail)
        self.detail = detail
        self.field = field
        self.extra = extra  # further members of the problem body


class InvalidInput(ActionError):
    status = 422
    slug = "invalid-input"
    title = "Invalid input"


class NotFound(ActionError):
    status = 404
    slug = "not-found"
    title = "Not found"


class Forbidden(ActionError):
    status = 403
    slug = "forbidden"
    title = "Forbidden"


class NotSignedIn(ActionError):
    status = 401
    slug = "not-signed-in"
    title = "Not signed in"


class OriginNotAllowed(ActionError):
    status = 403
    slug = "origin-not-allowed"
    title = "Origin not allowed"


class StoryClosed(ActionError):
    status = 409
    slug = "story-closed"
    title = "Story closed for comments"


class EditWindowClosed(ActionError):
    status = 403
    slug = "edit-window-closed"
    title = "Edit window closed"


class DecisionFinal(ActionError):
    status = 403
    slug = "decision-final"
    title = "Moderator decision is final"


class StoryNotRegistered(ActionError):
    status = 403
    slug = "story-not-registered"
    title = "Story not registered by its site"


class Conflict(ActionError):
    status = 409
    slug = "conflict"
    title = "Conflict"


class Sanctioned(ActionError):
    """The reader is banned or suspended; `sanction` in the problem says which and until when."""

    status = 403
    slug = "sanctioned"
    title = "Not allowed to write"
