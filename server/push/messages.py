"""What a notification says: who did what kind of thing, never what they wrote."""

from __future__ import annotations

from dataclasses import dataclass

from server.push.models import NONE

GENERIC_TITLE = "Hearth"
GENERIC_BODY = "Something new in Hearth"
PAIRING = "pairing"
UNPAIRED = "pairing.unpair"

# Phrases that follow the partner's name, per mutation (and per kind for record.share).
PHRASES = {
    "checkin.save": "checked in",
    "checkin.update": "updated their check-in",
    "checkin.ack": "answered your check-in",
    "memory.save": "updated a memory",
    "memory.add_photo": "added a photo to a memory",
    "memory.restore": "brought back a memory",
    "agreement.propose": "proposed an agreement",
    "agreement.amend": "suggested a change to an agreement",
    "agreement.accept": "accepted an agreement",
    "agreement.withdraw": "asked to review an agreement",
    "agreement.retire": "retired an agreement",
    "promise.make": "made a promise",
    "promise.update": "changed a promise",
    "promise.done": "kept a promise",
    "promise.confirm": "confirmed your promise was kept",
    "promise.release": "released you from a promise",
    # A repair's notifications never say which step or what changed: only that it moved.
    "repair.open": "wrote in your repair",
    "repair.write": "wrote in your repair",
    "repair.rhythm": "wrote in your repair",
    "repair.agree_rhythm": "wrote in your repair",
    "repair.move_forward": "wrote in your repair",
    "repair.set_aside": "wrote in your repair",
    "repair.reopen": "wrote in your repair",
    # Told only to the first to answer, once the second answer makes the pair: never the words.
    "question.answer": "answered the daily question too",
}
SHARED_PHRASES = {
    "checkin": "shared a check-in",
    "memory": "shared a memory",
    "agreement": "shared an agreement",
    "promise": "shared a promise",
    "repair": "wrote in your repair",
}
# Kinds told (and muted) as another: a repair's entries are news of the repair.
TOLD_AS = {"repair_entry": "repair", "question_answer": "question"}
# Where the app opens, per kind (the PWA's sections).
SECTIONS = {
    "checkin": "/#today",
    "memory": "/#timeline",
    "agreement": "/#agreements",
    "promise": "/#promises",
    "repair": "/#repair",
    "question": "/#questions",
    PAIRING: "/#us",
}


def told_as(kind: str) -> str:
    """Return the kind a record's changes are notified (and muted) as."""
    return TOLD_AS.get(kind, kind)


def action_of(mutation: str, created: bool) -> str:
    """Name what happened: a new memory is shared, a second save of a check-in updates it."""
    if mutation == "memory.save" and created:
        return "record.share"
    if mutation == "checkin.save" and not created:
        return "checkin.update"
    if mutation == "question.answer" and not created:
        return "question.update"  # a rewritten answer, or the first answer turning shared
    return mutation


def phrase(action: str, kind: str) -> str | None:
    """Return what the partner did, or None for changes not worth a notification."""
    if action == "record.share":
        return SHARED_PHRASES.get(kind)
    return PHRASES.get(action)


@dataclass(frozen=True)
class Message:
    title: str
    body: str
    path: str
    tag: str


def compose(kind: str, action: str, author_name: str, count: int, preview: str) -> Message:
    """Write the notification of `count` changes of one kind, the latest being `action`."""
    if preview == NONE or action == UNPAIRED:
        # Not even the kind: the lock screen, the link and the tag say nothing.
        return Message(GENERIC_TITLE, GENERIC_BODY, "/", "hearth")
    tag = f"hearth-{kind}"
    path = SECTIONS.get(kind, "/")
    did = phrase(action, kind) or "changed something"
    more = count - 1
    body = (
        f"And {more} more {'change' if more == 1 else 'changes'}. Open Hearth to see."
        if more > 0
        else "Open Hearth to see."
    )
    return Message(f"{author_name} {did}", body, path, tag)


def payload(message: Message, origin: str) -> dict:
    """Return the declarative web push payload (DESIGN §5) for a device of this origin."""
    return {
        "web_push": 8030,
        "notification": {
            "title": message.title,
            "body": message.body,
            "navigate": origin + message.path,
            "tag": message.tag,
            "lang": "en",
        },
    }
