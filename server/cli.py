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
        consumer = queue.huey.create_consumer(
            workers=count, worker_type="thread", periodic=False, max_delay=1.0
        )
        consumer.run()
