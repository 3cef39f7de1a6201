"""flask CLI commands of Hearth."""

from __future__ import annotations

import click
from flask import Flask

from server.accounts.sessions import current_store


def init_app(app: Flask) -> None:
    """Register the commands."""

    @app.cli.command("maintain")
    def maintain() -> None:
        """Expire old soft deletes, purge old tombstones, mark overdue promises (run daily)."""
        from server.sync import maintenance

        report = maintenance.run()
        store = current_store(app)
        sessions = store.purge_expired()
        click.echo(
            f"buried {report.buried} expired deletions, purged {report.purged} tombstones, "
            f"changed {report.spaces} spaces, purged {sessions} expired sessions"
        )
