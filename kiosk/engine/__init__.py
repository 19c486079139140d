"""The session engine: a pure-Python pacing core that takes time in and gives events out.

Imports neither Kivy nor gpiozero; the UI, audio, journal and inputs listen around it.
"""
