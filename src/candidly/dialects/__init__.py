"""API surfaces: the native API and each vendor's dialect. They translate; they hold no rules."""
