"""Helpers shared by the tests and the benchmarks (virtual screen, kiosk driving)."""
