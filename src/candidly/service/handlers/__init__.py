"""Command handlers, one per command; importing this package registers them all with the bus."""

from candidly.service.handlers import (
    applications,
    attempts,
    candidates,
    imports,
    logins,
    openings,
    organizations,
    status_maps,
    users,
    webhooks,
)

__all__ = [
    "applications",
    "attempts",
    "candidates",
    "imports",
    "logins",
    "openings",
    "organizations",
    "status_maps",
    "users",
    "webhooks",
]
