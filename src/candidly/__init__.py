"""Candidly: a self-hosted candidate API server."""

__version__ = "0.1.0"
