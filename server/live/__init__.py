"""The live channel: Server-Sent Events poking an open app when its space changes (DESIGN §10)."""
