"""Photos: content-addressed images, re-encoded without metadata, behind a storage interface."""
