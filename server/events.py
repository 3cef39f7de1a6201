"""What happened, for whoever needs to know: sent after the change has committed.

Domains announce here instead of calling each other, so that pairing does not
import the push queue or the live channel: they subscribe to what they need.
"""

from __future__ import annotations

from blinker import Namespace

_events = Namespace()

# Two users became a couple: user_ids, space_id.
paired = _events.signal("paired")
# A couple ended: by (who unpaired), others (the former partners).
unpaired = _events.signal("unpaired")
# A user's display name or time zone changed: user_id.
profile_changed = _events.signal("profile-changed")
