"""Quiet audio cues: the sound set, the players that play it, spoken prompts, and what was played."""
