"""Candidly's domain: entities, value objects, rules, commands, events and errors (stdlib only)."""
