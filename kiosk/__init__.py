"""Session kiosk: a guided, hands-free massage-session timer for a Raspberry Pi touchscreen."""

__version__ = "0.1.0"
