"""Downloading my data from Us: the account as a ZIP, its progress shown, offline said plainly."""

from __future__ import annotations

import json
import re
import zipfile

from playwright.sync_api import expect

from tests.browser.helpers import (
    add_memory,
    go_offline,
    open_section,
    paired_phones,
    save_checkin,
    sync_now,
    unexpected,
)

WATCH_STATUS = """() => {
  window.exportSaid = [];
  const status = document.querySelector('#export-status');
  const bar = document.querySelector('#export-progress');
  new MutationObserver(() => {
    window.exportSaid.push(status.textContent);
    if (bar.offsetParent !== null) window.exportBarShown = true;
  }).observe(status, { childList: true, characterData: true, subtree: true });
}"""


def test_my_data_downloads_with_what_i_wrote_offline_and_nothing_private_of_sams(phone):
    alex_phone, _, alex, sam = paired_phones(phone)
    save_checkin(sam, "Sam's own thoughts", private=True)
    open_section(sam, "Timeline")
    add_memory(sam, "Our bench by the river")
    sync_now(sam)
    expect(sam.locator("#sync-status")).to_contain_text(re.compile("Synced|Live"))

    # Written on the train, with no connection.
    go_offline(alex_phone, alex)
    save_checkin(alex, "Written on the train", private=True)
    open_section(alex, "Us")
    card = alex.locator("#export")
    expect(card).to_contain_text("private entries are never in it")
    card.get_by_role("button", name="Download my data").click()
    expect(card.get_by_role("alert")).to_have_text(
        "You seem to be offline: downloading your data needs a connection."
    )
    expect(card.get_by_role("button", name="Download my data")).to_be_enabled()

    alex_phone.set_offline(False)
    alex.evaluate(WATCH_STATUS)
    with alex.expect_download() as started:
        card.get_by_role("button", name="Download my data").click()
    download = started.value
    assert re.fullmatch(r"hearth-export-\d{4}-\d{2}-\d{2}\.zip", download.suggested_filename)
    expect(card.get_by_role("status")).to_have_text(
        re.compile(r"^Your data is in hearth-export-[\d-]+\.zip \(\d+ KB\), in your downloads\.$")
    )
    expect(card.locator("[role=alert]")).to_be_empty()
    said = alex.evaluate("window.exportSaid")
    assert any(s.startswith("Downloading… ") and " of about " in s for s in said), said
    assert alex.evaluate("window.exportBarShown") is True

    archive = zipfile.ZipFile(download.path())
    assert archive.testzip() is None
    data = json.loads(archive.read("hearth.json"))
    notes = {r.get("note") for r in data["records"] if r["kind"] == "checkin"}
    assert "Written on the train" in notes
    assert "Sam's own thoughts" not in notes
    titles = {r.get("title") for r in data["records"] if r["kind"] == "memory"}
    assert "Our bench by the river" in titles
    assert data["account"]["display_name"] == "Alex" and data["partner"]["display_name"] == "Sam"
    for name in archive.namelist():
        assert b"Sam's own thoughts" not in archive.read(name)
    offline = re.compile("ERR_INTERNET_DISCONNECTED")
    assert [p for p in unexpected(alex_phone) if not offline.search(p)] == []
