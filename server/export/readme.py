"""The README.txt inside every export: the format in plain words."""

from __future__ import annotations

from datetime import datetime

TEXT = """\
Your Hearth data
================

Exported on {made_at} (UTC).

This archive holds everything in Hearth that is yours or that your partner
shared with you. Your partner's private entries are not in it: they were never
yours to see.

What is inside
--------------

README.txt    This file.

hearth.json   Everything else, as JSON (UTF-8):

  format, format_version   "hearth-export" and 1: what this file is.
  exported_at              When it was made (ISO 8601, UTC).
  account                  You: id, email, display name, time zone, since when.
  space, partner           Your space (solo or couple; how it began if an
                           unpairing made it) and your partner, if you have one.
  devices                  The devices signed in to your account when you
                           exported: browser, first and last use.
  notification_devices     The browsers that receive notifications: since
                           when, and when they last asked.
  notification_settings    Your previews, quiet hours and which kinds you hear
                           about.
  records                  Every entry, one JSON object each, grouped by kind,
                           oldest first. Each has: id, kind, author_id (you,
                           your partner, or the all-zero id for an account
                           deleted since), visibility ("private": only its
                           author sees it; "shared": both of you), archived
                           (a read-only copy kept after an unpairing), deleted
                           and deleted_at (in the bin, still restorable),
                           created_at, updated_at, version, and the fields of
                           its kind, with its history where the kind keeps one
                           (a memory's earlier words and photos, an agreement's
                           every revision and who accepted it, a promise's
                           life, a repair's steps).
                           The kinds: checkin, memory, agreement, promise,
                           repair, repair_entry, question_answer,
                           weekly_note, weekly_topic, weekly_reply, ritual,
                           ritual_done, date_night, next_visit, anniversary
                           (whichever you have used).
  photos                   One entry per photo: its hash (SHA-256 of the photo
                           as it was first sent), the file holding it, its
                           type and size in pixels. Memories name their photos
                           by this hash.

photos/       The photos of your memories, each named <hash>.<jpg|png|webp>,
              as Hearth shows them (full size, without location or camera
              data).

Times are ISO 8601 with their offset. Dates of check-ins are the local day of
whoever wrote them.
"""


def text(made_at: datetime) -> str:
    """Return the README for an export made at this time."""
    return TEXT.format(made_at=made_at.strftime("%Y-%m-%d %H:%M"))
