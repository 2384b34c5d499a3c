"""The outbox worker: fans events out into deliveries and sends them (email, callbacks, webhooks)."""
