"""The HTTP composition: the app factory, shared middleware, health, metrics and docs."""
