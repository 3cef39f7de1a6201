"""Backups of a whole instance (database and photos) and their restore."""
