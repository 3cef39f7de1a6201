"""flask CLI commands of Hearth."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask

from server.accounts.sessions import current_store


def init_app(app: Flask) -> None:
    """Register the commands."""

    @app.cli.command("maintain")
    def maintain() -> None:
        """Expire old soft deletes, purge old tombstones, mark overdue promises (run daily)."""
        from server.blobs import service as blobs
        from server.sync import maintenance

        report = maintenance.run()
        # After the burials above, so photos of memories gone for good go too.
        photos = blobs.collect_garbage()
        store = current_store(app)
        sessions = store.purge_expired()
        from server.push import service as push

        def live_devices(user_id: str) -> set[str]:
            found = (s.data.get(push.DEVICE_KEY) for s in store.list_for_user(user_id))
            return {d for d in found if isinstance(d, str)}

        subscriptions = push.forget_signed_out_devices(live_devices)
        click.echo(
            f"buried {report.buried} expired deletions, purged {report.purged} tombstones, "
            f"changed {report.spaces} spaces, purged {sessions} expired sessions "
            f"and {subscriptions} push subscriptions of expired sessions; "
            f"deleted {photos.blobs} unused photos ({photos.files} files)"
        )

    @app.cli.command("delete-user")
    @click.argument("email")
    @click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
    def delete_user(email: str, yes: bool) -> None:
        """Delete an account as DELETE /api/me does: sessions end, the couple is unpaired."""
        from sqlalchemy import select

        from server.accounts.deletion import delete_account
        from server.accounts.models import User
        from server.accounts.service import email_key
        from server.extensions import db

        user = db.session.scalar(select(User).where(User.email_key == email_key(email)))
        if user is None:
            raise click.ClickException(f"No account has the email {email}.")
        if not yes:
            click.confirm(
                f"Delete the account of {user.email} ({user.display_name}) and all of its data?",
                abort=True,
            )
        delete_account(user.id)
        click.echo(f"deleted the account of {email}")

    @app.cli.command("export-user")
    @click.argument("email")
    @click.option(
        "--output",
        "-o",
        type=click.Path(dir_okay=False, writable=True),
        help="The ZIP to write (default: hearth-export-DATE.zip here). Never overwritten.",
    )
    def export_user(email: str, output: str | None) -> None:
        """Write an account's export, as GET /api/export gives it, to a ZIP file."""
        import os
        from pathlib import Path

        from sqlalchemy import select

        from server.accounts.models import User
        from server.accounts.service import email_key
        from server.export import service as export
        from server.extensions import db

        user_id = db.session.scalar(select(User.id).where(User.email_key == email_key(email)))
        if user_id is None:
            raise click.ClickException(f"No account has the email {email}.")
        prepared = export.prepare(user_id)
        target = Path(output or prepared.file_name)
        if target.exists():
            raise click.ClickException(f"{target} exists already: name another file.")
        partial = target.with_name(target.name + ".part")
        written = 0
        # Owner-only: the archive is as private as the account.
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(descriptor, "wb") as out:
                for part in export.write(prepared):
                    out.write(part)
                    written += len(part)
            partial.rename(target)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        click.echo(
            f"wrote {target}: {prepared.records} records, {len(prepared.photos)} photos, "
            f"{written} bytes"
        )

    @app.cli.command("backup")
    @click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
    def backup(directory: Path) -> None:
        """Copy the database and the photos into a new folder, while the app serves."""
        from server.backup import service

        try:
            report = service.backup(directory)
        except service.BackupError as error:
            raise click.ClickException(str(error)) from None
        click.echo(service.describe_backup(report))

    @app.cli.command("restore")
    @click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
    @click.option("--force", is_flag=True, help="Replace a database that holds accounts.")
    def restore(directory: Path, force: bool) -> None:
        """Put a backup in place of the configured database and photos (stop the app first)."""
        from server.backup import service

        try:
            report = service.restore(directory, force=force)
        except service.BackupError as error:
            raise click.ClickException(str(error)) from None
        click.echo(service.describe_restore(report))

    @app.cli.command("reset-sync")
    def reset_sync() -> None:
        """Make every device replace its copy at its next sync (after a restore by other means)."""
        from server.backup import service

        service.start_epoch(None, None)
        click.echo("every device takes a fresh copy at its next sync")

    @app.cli.command("push-key")
    @click.option("--rotate", is_flag=True, help="Replace the key pair (devices subscribe again).")
    def push_key(rotate: bool) -> None:
        """Show the VAPID public key that browsers subscribe with, or rotate the key pair."""
        from server.push import keys, service

        if rotate:
            try:
                key = keys.rotate(app)
            except keys.KeyFromEnvironment:
                raise click.ClickException(
                    "The key comes from VAPID_PRIVATE_KEY: set a new one there."
                ) from None
            removed = service.forget_all_subscriptions()
            click.echo(f"new key; removed {removed} subscriptions made with the old one")
        else:
            key = keys.public_key(app)
        click.echo(key)

    @app.cli.command("push-worker")
    @click.option("--workers", type=int, default=None, help="Threads (default PUSH_WORKERS).")
    def push_worker(workers: int | None) -> None:
        """Deliver push notifications: run the task queue's consumer until interrupted."""
        from server.push.queue import queue_of

        queue = queue_of(app)
        if queue.huey.immediate:
            raise click.ClickException("PUSH_QUEUE=immediate runs tasks in place: no worker.")
        if app.config["PUSH_QUEUE"] == "memory":
            raise click.ClickException("PUSH_QUEUE=memory lives in one process: no worker.")
        count = workers or app.config["PUSH_WORKERS"]
        click.echo(f"push worker: {count} threads on the {app.config['PUSH_QUEUE']} queue")
        # Poll an idle SQLite queue at least every second (Redis blocks instead of polling).
        # Periodic tasks (the ritual reminders' round, every minute) run here too.
        consumer = queue.huey.create_consumer(
            workers=count, worker_type="thread", periodic=True, max_delay=1.0
        )
        consumer.run()
