"""Photo files in an S3-compatible object store (AWS S3, MinIO, Ceph, R2) through boto3.

BLOB_STORAGE=s3 with S3_BUCKET, and S3_ENDPOINT_URL for a store other than AWS;
S3_REGION and S3_PREFIX are optional. Credentials come from boto3's usual chain
(AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, a profile, an instance role).
"""

from __future__ import annotations

import mimetypes
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from server.blobs.storage import StorageUnavailable, check_key
from server.config import ConfigurationError

# A photo request waits this long for the store, in seconds, per attempt.
CONNECT_TIMEOUT = 5
READ_TIMEOUT = 15
# Attempts in all, with boto3's backoff between them (its "standard" retry mode).
MAX_ATTEMPTS = 3
# Connections kept open to the store per process: one per photo request in flight.
POOL_SIZE = 20
# Codes by which the store says that a key holds nothing: HeadObject answers a bare 404.
MISSING = frozenset({"NoSuchKey", "NotFound", "404"})
# Codes by which a store says it is overloaded or slow, whatever the status.
BUSY = frozenset({"SlowDown", "RequestTimeout", "ServiceUnavailable", "InternalError"})


def _code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def _missing(error: ClientError) -> bool:
    return _code(error) in MISSING


@contextmanager
def _answering() -> Iterator[None]:
    """Turn the store's failures to answer into StorageUnavailable; let the others through."""
    try:
        yield
    except ClientError as error:
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0
        if status >= 500 or _code(error) in BUSY:
            raise StorageUnavailable(f"the photo store failed: {error}") from error
        raise
    except BotoCoreError as error:  # no connection, a timeout, a body cut short
        raise StorageUnavailable(f"the photo store did not answer: {error}") from error


class S3Storage:
    """Objects in one bucket, under an optional key prefix that is Hearth's alone."""

    # Keys per ListObjectsV2 request (S3's own largest page).
    page_size = 1000

    def __init__(self, config: Mapping[str, Any]) -> None:
        self.bucket = (config.get("S3_BUCKET") or "").strip()
        if not self.bucket:
            raise ConfigurationError("BLOB_STORAGE=s3 needs S3_BUCKET, the bucket of the photos.")
        prefix = (config.get("S3_PREFIX") or "").strip().strip("/")
        self.prefix = f"{prefix}/" if prefix else ""
        endpoint = (config.get("S3_ENDPOINT_URL") or "").strip() or None
        options: dict[str, Any] = {
            "connect_timeout": CONNECT_TIMEOUT,
            "read_timeout": READ_TIMEOUT,
            "retries": {"mode": "standard", "max_attempts": MAX_ATTEMPTS},
            "max_pool_connections": POOL_SIZE,
        }
        if endpoint:
            # Other stores (MinIO, Ceph, R2) all take the bucket in the path, not all in the
            # host name; and not all know the checksums boto3 adds to every upload since 1.36.
            options.update(
                s3={"addressing_style": "path"},
                request_checksum_calculation="when_required",
                response_checksum_validation="when_required",
            )
        # A session is not safe across threads, its client is: one client serves every request.
        session = boto3.session.Session()
        self.client = session.client(
            "s3",
            endpoint_url=endpoint,
            region_name=(config.get("S3_REGION") or "").strip() or None,
            config=Config(**options),
        )

    def _key(self, key: str) -> str:
        return self.prefix + check_key(key)

    def put(self, key: str, data: bytes) -> None:
        """Store the bytes in one PutObject: the object appears whole or not at all."""
        name = self._key(key)
        content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        with _answering():
            self.client.put_object(
                Bucket=self.bucket, Key=name, Body=data, ContentType=content_type
            )

    def get(self, key: str) -> bytes:
        """Return the object's bytes; raise KeyError when there is none."""
        name = self._key(key)
        with _answering():
            try:
                answer = self.client.get_object(Bucket=self.bucket, Key=name)
            except ClientError as error:
                if _missing(error):
                    raise KeyError(key) from None
                raise
            body = answer["Body"]
            try:
                return body.read()
            finally:
                body.close()

    def delete(self, key: str) -> None:
        """Remove the object; S3 answers a missing key like a deleted one."""
        name = self._key(key)
        with _answering():
            self.client.delete_object(Bucket=self.bucket, Key=name)

    def _head(self, key: str) -> dict[str, Any] | None:
        name = self._key(key)
        with _answering():
            try:
                return self.client.head_object(Bucket=self.bucket, Key=name)
            except ClientError as error:
                if _missing(error):
                    return None
                raise

    def exists(self, key: str) -> bool:
        """Tell whether the key holds an object."""
        return self._head(key) is not None

    def ready(self) -> bool:
        """Tell whether the store answers and the bucket is there for these credentials."""
        try:
            self.client.head_bucket(Bucket=self.bucket)
        except (ClientError, BotoCoreError):
            return False
        return True

    def size(self, key: str) -> int:
        """Return the object's size in bytes; raise KeyError when there is none."""
        head = self._head(key)
        if head is None:
            raise KeyError(key)
        return int(head["ContentLength"])

    def listing(self) -> Iterator[tuple[str, datetime]]:
        """Yield every key under the prefix with the time it was written, page by page."""
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket,
            Prefix=self.prefix,
            PaginationConfig={"PageSize": self.page_size},
        )
        with _answering():
            for page in pages:
                for item in page.get("Contents", ()):
                    key = item["Key"][len(self.prefix) :]
                    try:
                        check_key(key)
                    except ValueError:  # not a name Hearth makes: never offered for deletion
                        continue
                    yield key, item["LastModified"].astimezone(UTC)
