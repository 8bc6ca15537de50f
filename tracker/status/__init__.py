"""The status engine: one place for how commitments are counted (domain.md §4).

- ``domain.status`` / ``domain.deadlines`` / ``domain.spans``: the pure rules (tables and
  functions, tested without a database).
- ``tracker.status.sql``: the same rules as SQL, generated from ``domain.status.RULES``.
- ``tracker.status.spans``: the ``side_status`` rebuild that services call on approval.
- ``tracker.status.cache``: explicit invalidation of cached figures.
"""
