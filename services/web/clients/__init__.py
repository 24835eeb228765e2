"""Typed calls to the four services, each with the signed-in user's token."""
