"""MLR placeholder."""
