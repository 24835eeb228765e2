"""Intake's use cases: one module per use case, each a function of the caller (Principal),
a validated query or command and the store, returning a result or raising a typed error."""
