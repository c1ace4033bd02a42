"""The moderator dashboard under /admin: queues, author drawer, log, stories and site settings."""
