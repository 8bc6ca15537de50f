"""Blueprints, one per concern. Views are thin: load, check, call, render."""
