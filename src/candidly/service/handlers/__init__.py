"""Command handlers, one per command; importing this package registers them all with the bus."""

from candidly.service.handlers import access, applications, candidates, openings, people, sessions

__all__ = ["access", "applications", "candidates", "openings", "people", "sessions"]
