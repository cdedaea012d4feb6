"""The catalogue of bad inputs (a package, so that its conftest has a name of its own)."""
