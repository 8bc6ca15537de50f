"""Plain-Python rules of the tracker: no Flask, no SQLAlchemy, no clock."""
