"""Photo endpoints: /api/blobs/<sha256>."""

from __future__ import annotations

import flask
from flask import Response, current_app, request
from flask_smorest import Blueprint
from werkzeug.exceptions import RequestEntityTooLarge

from server.accounts.sessions import USER_KEY, session_required, signed_in_user_id
from server.blobs import images, service
from server.blobs.schemas import BlobAnswerSchema
from server.errors import ApiError
from server.extensions import limiter

blp = Blueprint("blobs", __name__, url_prefix="/api/blobs", description="Photos")

# A photo is named by the SHA-256 of its bytes (422 otherwise).
HASH_PARAMETER = [
    {
        "in": "path",
        "name": "sha256",
        "required": True,
        "schema": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
    }
]

# Only the service worker's photo cache keeps photos, and sign-out empties it. A browser's HTTP
# cache would keep them past sign-out: even a `no-cache` copy is given to
# `fetch(url, {cache: "force-cache"})` without asking the server. The ETag still serves `304`s.
PHOTO_CACHE_CONTROL = "private, no-store"
IMAGE_BODY = {
    "required": True,
    "content": {
        kind: {"schema": {"type": "string", "format": "binary"}}
        for kind in sorted(images.CONTENT_TYPES)
    },
}


def _read_body() -> bytes:
    limit = current_app.config["BLOB_MAX_BYTES"]
    too_large = ApiError(
        413, "too_large", f"A photo may be at most {limit // (1024 * 1024)} MB. Send a smaller one."
    )
    if (request.content_length or 0) > limit:
        raise too_large
    # Photos may be larger than JSON bodies. A body without a length is read up to one
    # byte past the limit: reaching the limit exactly ends the read without an error.
    request.max_content_length = limit + 1
    try:
        data = request.get_data(cache=False)
    except RequestEntityTooLarge:
        raise too_large from None
    if len(data) > limit:
        raise too_large
    return data


def _uploader_key() -> str:
    return f"blob-upload:{flask.session.get(USER_KEY)}"


def _anonymous() -> bool:
    return flask.session.get(USER_KEY) is None


@blp.route("/<string:sha256>", methods=["PUT"], parameters=HASH_PARAMETER)
@limiter.limit(
    lambda: current_app.config["LIMIT_BLOB_UPLOAD_PER_USER"],
    key_func=_uploader_key,
    exempt_when=_anonymous,
    # A photo stored already costs a hash and a lookup; a busy server decoded nothing.
    deduct_when=lambda response: response.status_code not in (200, 503),
)
@session_required
@blp.doc(requestBody=IMAGE_BODY)
@blp.response(200, BlobAnswerSchema, description="Stored already: nothing changed.")
@blp.alt_response(201, schema=BlobAnswerSchema, description="Stored now.")
def put(sha256: str):
    """Upload a photo whose SHA-256 is the address (JPEG, PNG, WebP or HEIC)."""
    if request.mimetype not in images.CONTENT_TYPES:
        accepted = ", ".join(sorted(images.CONTENT_TYPES))
        raise ApiError(415, "unsupported_media_type", f"Send the photo as one of: {accepted}.")
    data = _read_body()
    blob, created = service.upload(signed_in_user_id(), sha256, data, request.mimetype)
    return service.answer(blob), 201 if created else 200


def _serve(sha256: str, variant: str) -> Response:
    blob = service.readable(signed_in_user_id(), sha256)
    etag = service.etag_of(blob, variant)
    if request.if_none_match.contains(etag):
        response = Response(status=304)
    else:
        response = Response(service.read(blob, variant), mimetype=blob.content_type)
    response.set_etag(etag)
    response.headers["Cache-Control"] = PHOTO_CACHE_CONTROL
    return response


@blp.route("/<string:sha256>", methods=["GET"], parameters=HASH_PARAMETER)
@session_required
@blp.doc(responses={"200": {"description": "The photo (original size, no metadata)."}})
def get(sha256: str):
    """The photo, to its uploader and to whoever can see a memory holding it."""
    return _serve(sha256, service.ORIGINAL)


@blp.route("/<string:sha256>/thumb", methods=["GET"], parameters=HASH_PARAMETER)
@session_required
@blp.doc(responses={"200": {"description": "The thumbnail (longest side 400 px)."}})
def thumb(sha256: str):
    """The photo's thumbnail, to the same people as the photo."""
    return _serve(sha256, service.THUMB)
