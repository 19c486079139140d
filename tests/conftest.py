"""Suite-wide settings: Kivy never reads a user's config, writes log files or parses our argv."""

import os

os.environ.setdefault("KIVY_NO_ARGS", "1")
os.environ.setdefault("KIVY_NO_FILELOG", "1")
os.environ.setdefault("KIVY_NO_CONFIG", "1")
os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("GPIOZERO_PIN_FACTORY", "mock")
# The kiosk's own clock (kiosk.ui.bootstrap.configure), whichever test module imports Kivy first:
# Kivy picks its clock once, at the first import of kivy.clock.
os.environ.setdefault("KIVY_CLOCK", "free_all")
