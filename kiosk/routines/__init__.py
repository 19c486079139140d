"""Routine files: the model, the loader that reads and checks them, and the planner."""
