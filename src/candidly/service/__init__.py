"""Use cases: one handler per command, read queries, and authentication, over storage ports."""
