"""Command handlers, one per command; importing this package registers them all with the bus."""

from candidly.service.handlers import (
    access,
    applications,
    candidates,
    imports,
    logins,
    openings,
    people,
    sessions,
    status_maps,
    webhooks,
)

__all__ = [
    "access",
    "applications",
    "candidates",
    "imports",
    "logins",
    "openings",
    "people",
    "sessions",
    "status_maps",
    "webhooks",
]
