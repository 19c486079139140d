"""The kiosk's screens (Kivy). Layout lives in kv/*.kv, behaviour in Python."""
