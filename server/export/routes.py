"""GET /api/export: my data as a ZIP, streamed as it is written (DESIGN §11)."""

from __future__ import annotations

from flask import Response, current_app, stream_with_context
from flask_login import current_user, login_required
from flask_smorest import Blueprint

from server.export import service
from server.extensions import limiter

blp = Blueprint("export", __name__, url_prefix="/api", description="Your data")

# The archive's likely length, for a progress bar: the real one is known only at its end.
ESTIMATE_HEADER = "Hearth-Export-Estimate"


@blp.route("/export", methods=["GET"])
@login_required
@limiter.limit(
    lambda: current_app.config["LIMIT_EXPORT_PER_USER"],
    key_func=lambda: f"export:{current_user.id}",
)
@blp.doc(
    responses={
        "200": {
            "description": "A ZIP: README.txt, hearth.json and photos/<sha256>.<ext>. Its "
            f"likely length is in the {ESTIMATE_HEADER} header (no Content-Length: it is "
            "written as it is sent).",
            "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
)
def export():
    """Everything that is mine or shared with me, with history, photos and a README."""
    export = service.prepare(current_user.id)
    response = Response(stream_with_context(service.write(export)), mimetype="application/zip")
    response.headers["Content-Disposition"] = f'attachment; filename="{export.file_name}"'
    response.headers["Cache-Control"] = "no-store"
    response.headers[ESTIMATE_HEADER] = str(export.estimated_bytes)
    return response
