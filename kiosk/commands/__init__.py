"""One module per ``kiosk`` sub-command; each has ``register(subparsers)`` that sets ``func``."""
