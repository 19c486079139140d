"""Inputs: what the therapist can ask for (actions), from a foot switch, pedal keys or the touchscreen."""
