"""What the tests and the benchmarks share to exercise the real kiosk from outside.

A virtual X screen (:mod:`.xvfb`), one harness for a kiosk process on it (:mod:`.process`), WAV and
SDL disk-audio analysis (:mod:`.audio_analysis`), a cue player that records instead of playing
(:mod:`.players`) and simulated pedal chatter (:mod:`.chatter`).
It lives beside the package, not in it: a wheel of the kiosk carries none of it, and the benchmarks
under bench/ need not import from tests/.
"""
