"""Named reads. Aggregation happens in SQL here, never in Python loops over rows."""
