"""Write use cases: they apply domain rules, add and flush, and never commit."""
