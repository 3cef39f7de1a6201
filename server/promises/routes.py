"""Promise endpoints: /api/promises/*."""

from __future__ import annotations

from flask_login import current_user, login_required
from flask_smorest import Blueprint

from server.promises import service
from server.promises.schemas import TrackRecordSchema

blp = Blueprint("promises", __name__, url_prefix="/api/promises", description="Promises")


@blp.route("/track-record", methods=["GET"])
@login_required
@blp.response(200, TrackRecordSchema)
def track_record():
    """Promises kept and missed by me and my partner over the last 90 days."""
    return service.track_record(current_user)
