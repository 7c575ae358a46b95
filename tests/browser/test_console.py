"""End-to-end browser tests of the staff console (console/static/) against the real running
front door, Rasa server and action server.

Two browser contexts play the citizen (the chat widget on the demo page) and a member of staff
(the console). Accounts come from the `staff_login` fixture, which creates them with the CLI in
the servers' database. The queue is shared by every test in the run, so the tests find their
own conversations by id rather than by position (except where position is the point).
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

REPO_ROOT = Path(__file__).resolve().parents[2]
AXE_JS = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"

pytestmark = [pytest.mark.model, pytest.mark.servers, pytest.mark.browser]

REPLY_TIMEOUT_MS = 45_000  # the bot's answer through Rasa
LIVE_TIMEOUT_MS = 15_000  # a change reaching an open console without reloading
WIDGET_REPLIES = ",".join(f'[role="log"] [data-sender="{s}"]' for s in ("bot", "staff", "system", "error"))
NASTY = '<img src=x onerror="window.__pwned=1">hello<script>window.__pwned=2</script>'


# ---------------------------------------------------------------- fixtures and helpers
@pytest.fixture
def new_page(_browser):
    """Opens pages, each in its own browser context (its own cookies and storage)."""
    contexts = []

    def make(width: int = 1366, height: int = 768) -> Page:
        context = _browser.new_context(viewport={"width": width, "height": height})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(20_000)
        page.errors = []  # uncaught script errors, checked by the tests
        page.on("pageerror", lambda e: page.errors.append(str(e)))
        return page

    yield make
    for context in contexts:
        context.close()


def sign_in(page: Page, base_url: str, username: str, password: str) -> None:
    page.goto(base_url + "/console/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/console/?$"))
    expect(page.locator("#user-name")).not_to_have_text("…")
    # The live connection is up (not the 5-second polling fallback).
    expect(page.locator("body")).to_have_attribute("data-live", "socket", timeout=LIVE_TIMEOUT_MS)


def queue_item(page: Page, conversation_id: str):
    return page.locator(f'#queue-list .q-item[data-id="{conversation_id}"]')


def open_conversation(page: Page, conversation_id: str) -> None:
    item = queue_item(page, conversation_id)
    expect(item).to_be_visible(timeout=LIVE_TIMEOUT_MS)
    item.locator("button.q-select").click()
    expect(item.locator("button.q-select")).to_have_attribute("aria-current", "true")
    expect(page.locator("#conversation-body")).to_be_visible()


def transcript(page: Page):
    return page.get_by_role("log", name="Transcript")


def status_region(page: Page):
    return page.locator("#action-status")


def handoff(servers, text: str = "can I talk to a person") -> str:
    body = servers.chat(text)
    assert body["status"] == "waiting", f"no handoff for {text!r}: {body}"
    return body["conversation_id"]


def run_axe(page: Page) -> list:
    assert AXE_JS.is_file(), f"{AXE_JS} is missing: run `npm ci` in {REPO_ROOT}"
    page.evaluate(AXE_JS.read_text())  # through DevTools: the page's CSP (script-src 'self') rightly refuses a script tag
    results = page.evaluate(
        """async () => {
            const r = await axe.run(document, {resultTypes: ['violations']});
            return r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => ({target: n.target, summary: n.failureSummary})),
            }));
        }"""
    )
    if results:
        print("axe violations:\n" + json.dumps(results, indent=2))
    return [v for v in results if v["impact"] in ("serious", "critical")]


def tab_to(page: Page, selector: str, limit: int = 300, backwards: bool = False) -> None:
    """Press Tab (or Shift+Tab) until the focused element matches `selector`."""
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        if page.evaluate("(sel) => !!document.activeElement && document.activeElement.matches(sel)", selector):
            return
    pytest.fail(f"{selector} cannot be reached with the Tab key")


def assert_focus_visible(page: Page) -> None:
    style = page.evaluate(
        """() => { const s = getComputedStyle(document.activeElement);
                   return {outline: s.outlineStyle, width: s.outlineWidth, shadow: s.boxShadow}; }"""
    )
    assert (style["outline"] != "none" and style["width"] != "0px") or style["shadow"] != "none", style


# citizen side (the widget on the demo page)
def citizen_opens_chat(page: Page, base_url: str) -> None:
    page.goto(base_url + "/")
    page.evaluate("() => sessionStorage.clear()")
    page.reload()
    page.get_by_role("button", name="Chat with us / Sgwrsio â ni").click()
    expect(page.get_by_role("dialog", name="Chat with us")).to_be_visible()


def citizen_says(page: Page, text: str) -> str:
    """Send `text` from the widget and return the text of the answer."""
    before = page.locator(WIDGET_REPLIES).count()
    box = page.get_by_role("textbox", name="Type your message")
    box.fill(text)
    box.press("Enter")
    page.wait_for_function(
        """([sel, n]) => document.querySelectorAll(sel).length > n
               && !document.querySelector('[data-iaa-chat] .iaa-typing').textContent""",
        arg=[WIDGET_REPLIES, before],
        timeout=REPLY_TIMEOUT_MS,
    )
    replies = page.locator(WIDGET_REPLIES)
    new = [replies.nth(i) for i in range(before, replies.count())]
    errors = [r.inner_text() for r in new if r.get_attribute("data-sender") == "error"]
    assert not errors, f"the widget showed an error instead of a reply: {errors}"
    return "\n".join(r.inner_text() for r in new)


# ---------------------------------------------------------------- tests
def test_citizen_and_staff_talk_live(new_page, servers, staff_login) -> None:
    username, password, first_name = staff_login()
    staff = new_page()
    sign_in(staff, servers.url, username, password)
    staff.evaluate("() => { window.__sameDocument = true; }")

    citizen = new_page(1280, 800)
    citizen_opens_chat(citizen, servers.url)
    citizen_says(citizen, "can I talk to a person please")
    expect(citizen.locator("[data-iaa-chat] .iaa-status")).to_contain_text("Waiting for a member of staff")
    conversation_id = citizen.evaluate("() => sessionStorage.getItem('iaa-chat:conversation_id')")
    assert conversation_id

    # The conversation arrives in the open console by itself.
    item = queue_item(staff, conversation_id)
    expect(item).to_be_visible(timeout=LIVE_TIMEOUT_MS)
    assert staff.evaluate("() => window.__sameDocument") is True, "the console reloaded"
    expect(item).to_contain_text("Web chat")
    expect(item).to_contain_text("Not claimed")

    open_conversation(staff, conversation_id)
    expect(transcript(staff)).to_contain_text("can I talk to a person please")
    staff.get_by_role("button", name="Claim", exact=True).click()
    expect(status_region(staff)).to_contain_text("You have claimed this conversation")
    expect(item).to_contain_text("With you", timeout=LIVE_TIMEOUT_MS)

    staff.get_by_role("textbox", name="Reply to the citizen").fill("Hello, I'm here to help")
    staff.get_by_role("button", name="Send reply").click()
    expect(transcript(staff).locator('[data-sender="staff"]').last).to_contain_text("Hello, I'm here to help")

    citizen_log = citizen.get_by_role("log")
    # API.md has "Sam has joined the conversation."; the back end says "Sam from our team has joined ...".
    expect(citizen_log).to_contain_text(re.compile(rf"{re.escape(first_name)}( from our team)? has joined"),
                                        timeout=LIVE_TIMEOUT_MS)
    expect(citizen_log.locator('[data-sender="staff"]').last).to_contain_text("Hello, I'm here to help",
                                                                           timeout=LIVE_TIMEOUT_MS)

    # Back to the bot: the conversation leaves the queue and the citizen's next question is answered.
    staff.get_by_role("button", name="Return to bot").click()
    expect(status_region(staff)).to_contain_text("Returned to the assistant")
    expect(item).to_have_count(0, timeout=LIVE_TIMEOUT_MS)
    expect(citizen.locator("[data-iaa-chat] .iaa-status")).to_be_hidden(timeout=LIVE_TIMEOUT_MS)
    answer = citizen_says(citizen, "what are direct payments")
    assert "direct payment" in answer.lower(), f"unexpected answer: {answer!r}"

    assert not staff.errors and not citizen.errors, staff.errors + citizen.errors


def test_safeguarding_jumps_the_queue(new_page, servers, staff_login) -> None:
    username, password, _ = staff_login()
    staff = new_page()
    sign_in(staff, servers.url, username, password)

    first = handoff(servers)
    second = handoff(servers)
    # The disclosure comes from a citizen in the widget, after the two ordinary handoffs.
    citizen = new_page(1280, 800)
    citizen_opens_chat(citizen, servers.url)
    said = citizen_says(citizen, "my husband hits me and I'm scared")
    assert "Thank you for telling us" in said and "999" in said, said
    urgent = citizen.evaluate("() => sessionStorage.getItem('iaa-chat:conversation_id')")
    assert urgent

    for cid in (first, second, urgent):
        expect(queue_item(staff, cid)).to_be_visible(timeout=LIVE_TIMEOUT_MS)
    # Said out loud to screen reader users, not only shown.
    expect(staff.locator("#announce-urgent")).to_contain_text("Urgent: new safeguarding conversation waiting")

    items = staff.eval_on_selector_all(
        "#queue-list .q-item", "els => els.map(e => [e.dataset.id, e.dataset.priority, e.dataset.reason])")
    order = [i[0] for i in items]
    assert items[0][1] == "urgent" and items[0][2] == "safeguarding", items[0]
    assert order.index(urgent) < order.index(first) and order.index(urgent) < order.index(second), items
    priorities = [i[1] for i in items]
    assert priorities == sorted(priorities, key=lambda p: p != "urgent"), f"urgent not first: {priorities}"

    # Marked by words as well as colour.
    top = staff.locator("#queue-list .q-item").first
    expect(top.locator(".badge--urgent")).to_have_text(re.compile("urgent", re.I))
    expect(queue_item(staff, urgent)).to_contain_text("Safeguarding")
    expect(queue_item(staff, first).locator(".badge--urgent")).to_have_count(0)

    # Staff take the urgent one first; the citizen hears them; then back to the bot.
    open_conversation(staff, urgent)
    staff.get_by_role("button", name="Claim", exact=True).click()
    expect(status_region(staff)).to_contain_text("You have claimed this conversation")
    staff.get_by_role("textbox", name="Reply to the citizen").fill("I'm here. Are you safe right now?")
    staff.get_by_role("button", name="Send reply").click()
    citizen_log = citizen.get_by_role("log")
    expect(citizen_log.locator('[data-sender="staff"]').last).to_contain_text("Are you safe right now?",
                                                                           timeout=LIVE_TIMEOUT_MS)
    staff.get_by_role("button", name="Return to bot").click()
    expect(queue_item(staff, urgent)).to_have_count(0, timeout=LIVE_TIMEOUT_MS)
    answer = citizen_says(citizen, "how do I complain")
    assert "complain" in answer.lower(), answer
    assert not staff.errors and not citizen.errors, staff.errors + citizen.errors


def test_citizen_away_catches_up_and_answers_the_feedback_question(new_page, servers, staff_login) -> None:
    from sqlalchemy import create_engine, text

    username, password, first_name = staff_login()
    staff = new_page()
    sign_in(staff, servers.url, username, password)
    citizen = new_page(1280, 800)
    citizen_opens_chat(citizen, servers.url)
    citizen_says(citizen, "I'd like to speak to someone please")
    cid = citizen.evaluate("() => sessionStorage.getItem('iaa-chat:conversation_id')")

    # The citizen's page is gone (another page in the same tab) while staff join and reply.
    citizen.goto("about:blank")
    open_conversation(staff, cid)
    staff.get_by_role("button", name="Claim", exact=True).click()
    expect(status_region(staff)).to_contain_text("You have claimed this conversation")
    staff.get_by_role("textbox", name="Reply to the citizen").fill("Sorry to keep you, how can I help?")
    staff.get_by_role("button", name="Send reply").click()
    expect(transcript(staff).locator('[data-sender="staff"]').last).to_contain_text("how can I help?")

    # Back on the council's page, the widget catches up on what it missed, once each.
    citizen.goto(servers.url + "/")
    citizen.get_by_role("button", name="Chat with us / Sgwrsio â ni").click()
    log = citizen.get_by_role("log")
    expect(log.locator('[data-sender="staff"]')).to_contain_text("how can I help?", timeout=LIVE_TIMEOUT_MS)
    expect(log).to_contain_text(f"{first_name} from our team has joined")
    expect(log.locator('[data-sender="staff"]', has_text="how can I help?")).to_have_count(1)

    # Staff close it; the citizen answers the closing question, and it is counted.
    staff.locator("#close-outcome").select_option("information")
    staff.locator("#action-close").click()
    expect(status_region(staff)).to_contain_text("Closed with the outcome")
    expect(log).to_contain_text("did you get the right information or advice", timeout=LIVE_TIMEOUT_MS)
    log.get_by_role("button", name="Yes", exact=True).click()  # out of hours "Yes, call me back" is there too
    expect(log).to_contain_text("recorded anonymously", timeout=LIVE_TIMEOUT_MS)
    engine = create_engine(servers.group.settings.database_url, future=True)
    with engine.connect() as c:
        feedback = c.execute(text("SELECT e.feedback FROM conversation c JOIN enquiry e ON e.id = c.enquiry_id"
                                  " WHERE c.id = :id"), {"id": cid}).scalar_one()
    engine.dispose()
    assert feedback == "yes"
    assert not staff.errors and not citizen.errors, staff.errors + citizen.errors


def test_citizen_markup_is_inert_in_the_console(new_page, servers, staff_login) -> None:
    cid = handoff(servers)
    servers.chat(NASTY, cid)
    username, password, _ = staff_login()
    staff = new_page()
    sign_in(staff, servers.url, username, password)
    open_conversation(staff, cid)

    log = transcript(staff)
    expect(log).to_contain_text(NASTY)
    expect(log.locator("img")).to_have_count(0)
    expect(log.locator("script")).to_have_count(0)

    # The same for a note written with markup in it.
    staff.get_by_label("New note").fill(NASTY)
    staff.get_by_role("button", name="Add note").click()
    expect(staff.locator("#notes-list")).to_contain_text(NASTY)
    expect(staff.locator("#notes-list img, #notes-list script")).to_have_count(0)

    staff.wait_for_timeout(500)  # time for an injected onerror handler to have run
    assert staff.evaluate("() => typeof window.__pwned") == "undefined"
    assert not staff.errors, staff.errors


def test_no_serious_accessibility_violations(new_page, servers, staff_login) -> None:
    page = new_page()
    page.goto(servers.url + "/console/login")
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    bad = run_axe(page)
    assert not bad, "login page:\n" + json.dumps(bad, indent=2)

    # With a wrong password: the error shown in the alert region.
    page.get_by_label("Username").fill("nobody-at-all")
    page.get_by_label("Password", exact=True).fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("Wrong username or password")
    bad = run_axe(page)
    assert not bad, "login page with an error:\n" + json.dumps(bad, indent=2)

    cid = handoff(servers)
    username, password, _ = staff_login()
    sign_in(page, servers.url, username, password)
    open_conversation(page, cid)
    expect(transcript(page)).to_contain_text("can I talk to a person")
    bad = run_axe(page)
    assert not bad, "console with a conversation open:\n" + json.dumps(bad, indent=2)

    page.get_by_role("button", name="Claim", exact=True).click()
    expect(page.get_by_role("textbox", name="Reply to the citizen")).to_be_visible()
    bad = run_axe(page)
    assert not bad, "console with a claimed conversation:\n" + json.dumps(bad, indent=2)
    assert not page.errors, page.errors


def test_queue_and_actions_work_with_the_keyboard(new_page, servers, staff_login) -> None:
    cid = handoff(servers)
    username, password, _ = staff_login()
    page = new_page()

    # Sign in with the keyboard alone.
    page.goto(servers.url + "/console/login")
    expect(page.get_by_label("Username")).to_be_focused()
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    page.keyboard.type(password)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/console/?$"))
    expect(page.locator("body")).to_have_attribute("data-live", "socket", timeout=LIVE_TIMEOUT_MS)
    expect(queue_item(page, cid)).to_be_visible(timeout=LIVE_TIMEOUT_MS)

    # The queue item: reached with Tab, opened with Enter, and the focus ring is visible.
    tab_to(page, f'.q-select[data-id="{cid}"]')
    assert_focus_visible(page)
    page.keyboard.press("Enter")
    expect(queue_item(page, cid).locator(".q-select")).to_have_attribute("aria-current", "true")
    expect(transcript(page)).to_contain_text("can I talk to a person")

    # Claim.
    tab_to(page, "#action-claim")
    assert_focus_visible(page)
    page.keyboard.press("Enter")
    expect(status_region(page)).to_contain_text("You have claimed this conversation")
    reply_box = page.get_by_role("textbox", name="Reply to the citizen")
    expect(reply_box).to_be_focused()

    # A saved reply, chosen and inserted with the keyboard, if there are any.
    if page.locator("#canned-select option").count() > 1:
        tab_to(page, "#canned-select")
        page.keyboard.press("ArrowDown")
        tab_to(page, "#canned-insert")
        page.keyboard.press("Enter")
        expect(reply_box).to_be_focused()
        assert reply_box.input_value().strip(), "the saved reply was not inserted"
        reply_box.fill("")

    # Reply: type, Tab to Send, Enter.
    page.keyboard.type("Typed with the keyboard")
    tab_to(page, "#reply-send")
    assert_focus_visible(page)
    page.keyboard.press("Enter")
    expect(transcript(page).locator('[data-sender="staff"]').last).to_contain_text("Typed with the keyboard")

    # A note.
    tab_to(page, "#note-text")
    page.keyboard.type("Note from the keyboard")
    tab_to(page, "#note-add")
    page.keyboard.press("Enter")
    expect(page.locator("#notes-list")).to_contain_text("Note from the keyboard")

    # Close with an outcome chosen with the arrow keys.
    tab_to(page, "#close-outcome", backwards=True)
    page.keyboard.press("ArrowDown")
    assert page.locator("#close-outcome").input_value() == "information"
    tab_to(page, "#action-close")
    page.keyboard.press("Enter")
    expect(status_region(page)).to_contain_text("Closed with the outcome")
    expect(page.locator("#conversation-state")).to_contain_text("Closed")
    expect(queue_item(page, cid)).to_have_count(0, timeout=LIVE_TIMEOUT_MS)

    # Focus stays somewhere useful (not lost to the page body) after the buttons went away.
    assert page.evaluate("() => document.activeElement && document.activeElement !== document.body")

    # Sign out with the keyboard.
    tab_to(page, "#sign-out")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/console/login"))
    expect(page.get_by_role("status")).to_contain_text("You have signed out")
    assert not page.errors, page.errors


def test_planner_insights_and_admin_audit(new_page, servers, staff_login) -> None:
    # A planner lands on the insights page: tables with captions, counts only.
    username, password, _ = staff_login("planner")
    page = new_page()
    page.goto(servers.url + "/console/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/insights"))
    expect(page.locator("#stats")).to_be_visible()
    expect(page.locator("#stats-total")).to_contain_text("enquir")
    expect(page.get_by_role("table", name="Topics")).to_be_visible()
    assert page.locator("table caption").count() >= 5
    assert "can I talk to a person" not in page.content()
    # trends drawn on the server as SVG, each with its data table; cross-tabulations; exports
    expect(page.get_by_role("table", name="Theme by outcome")).to_be_visible()
    expect(page.get_by_role("table", name="Welsh asked for (rows) against Welsh given (columns)")).to_be_visible()
    expect(page.get_by_role("table", name="Enquiries by month (data)")).to_be_visible()
    expect(page.get_by_role("table", name="Handoffs and safeguarding by week (data)")).to_be_visible()
    charts = page.locator("figure.chart img")
    assert charts.count() == 2
    page.wait_for_function("() => [...document.querySelectorAll('figure.chart img')].every(i => i.complete && i.naturalWidth > 0)")
    expect(page.get_by_role("link", name=re.compile("theme, topic and outcome"))).to_be_visible()
    bad = run_axe(page)
    assert not bad, "insights page:\n" + json.dumps(bad, indent=2)
    # a financial year, quarter or month instead of a range
    period = page.get_by_label("Or a financial year, quarter or month")
    period.select_option(index=1)
    page.wait_for_url(re.compile(r"period=\d{4}-\d{2}"))
    expect(page.get_by_role("link", name=re.compile("return by core theme"))).to_be_visible()
    # The date range form checks its input before asking.
    page.get_by_label("From", exact=True).fill("2030-01-02")
    page.get_by_label("To", exact=True).fill("2030-01-01")
    page.get_by_role("button", name="Show counts").click()
    expect(page.get_by_role("alert")).to_contain_text("on or before")

    # An administrator reads the audit log, which records what staff did.
    username, password, _ = staff_login("admin")
    admin = new_page()
    sign_in(admin, servers.url, username, password)
    admin.get_by_role("link", name="Audit log").click()
    admin.wait_for_url(re.compile(r"/console/audit"))
    table = admin.get_by_role("table")
    expect(table.locator("caption")).to_contain_text("Audit log: entries 1 to")
    expect(table.locator("tbody tr").first).to_be_visible()
    expect(table).to_contain_text("Login")
    bad = run_axe(admin)
    assert not bad, "audit page:\n" + json.dumps(bad, indent=2)
    assert not page.errors and not admin.errors, page.errors + admin.errors


def test_staff_see_why_a_message_was_flagged_and_say_whether_it_was_right(new_page, servers, staff_login) -> None:
    from sqlalchemy import create_engine, text

    cid = handoff(servers)
    username, password, _ = staff_login()
    staff = new_page()
    sign_in(staff, servers.url, username, password)
    open_conversation(staff, cid)

    # The citizen discloses while waiting: the flag's badge reaches the open conversation live.
    servers.chat("my husband hits me and I'm scared", cid)
    flagged = transcript(staff).locator('[data-sender="citizen"]', has_text="my husband hits me")
    badge = flagged.locator(".flag")
    expect(badge).to_be_visible(timeout=LIVE_TIMEOUT_MS)
    engine = create_engine(servers.group.settings.database_url, future=True)
    with engine.connect() as c:
        flag_id, cue, tier = c.execute(text("SELECT id, cue, tier FROM safeguarding_flag WHERE conversation_id = :id"),
                                       {"id": cid}).one()
    assert tier == "urgent" and cue != "learned"
    expect(badge).to_contain_text("Urgent")
    expect(badge.locator(".flag__cue")).to_have_text(cue)
    expect(badge).not_to_contain_text("hits")  # why, not the words again

    # Staff say it was a false alarm; the toggle shows which is chosen, and it can be changed.
    false_alarm = badge.get_by_role("button", name="False alarm")
    real = badge.get_by_role("button", name="Real concern")
    expect(false_alarm).to_have_attribute("aria-pressed", "false")
    false_alarm.click()
    expect(false_alarm).to_have_attribute("aria-pressed", "true")
    expect(real).to_have_attribute("aria-pressed", "false")
    expect(status_region(staff)).to_contain_text("false alarm")
    expect(badge).to_contain_text("Marked as a false alarm")
    with engine.connect() as c:
        review = c.execute(text("SELECT review FROM safeguarding_flag WHERE id = :id"), {"id": flag_id}).scalar_one()
    assert review == "false_alarm"
    bad = run_axe(staff)
    assert not bad, "console with a flagged message:\n" + json.dumps(bad, indent=2)

    # Still marked after a reload.
    staff.reload()
    badge = transcript(staff).locator(f'.flag[data-flag-id="{flag_id}"]')
    expect(badge.get_by_role("button", name="False alarm")).to_have_attribute("aria-pressed", "true")

    # The safeguarding lead's page: precision by week, by cue, and what is left to review.
    staff.get_by_role("link", name="Safeguarding flags").click()
    staff.wait_for_url(re.compile(r"/console/safeguarding"))
    weeks = staff.get_by_role("table", name=re.compile("Flags by week"))
    expect(weeks.locator("tbody tr")).to_have_count(12)
    expect(weeks.locator("tbody tr").last).to_contain_text("this week")
    expect(weeks.locator("tfoot")).to_contain_text("All 12 weeks")
    assert int(weeks.locator("tbody tr").last.locator("td").nth(4).inner_text()) >= 1  # false alarms this week
    cues = staff.get_by_role("table", name=re.compile("Flags by cue"))
    expect(cues.locator(f'tr[data-cue="{cue}"][data-tier="urgent"]')).to_be_visible()
    expect(staff.locator(f'#pending-list .flag-item[data-flag-id="{flag_id}"]')).to_have_count(0)
    assert staff.locator("#export-section").is_hidden()  # the export is for administrators
    bad = run_axe(staff)
    assert not bad, "safeguarding flags page:\n" + json.dumps(bad, indent=2)

    # The same in Welsh.
    staff.get_by_role("button", name="Cymraeg").click()
    expect(staff.get_by_role("heading", level=1)).to_have_text("Fflagiau diogelu")
    expect(staff.locator("html")).to_have_attribute("lang", "cy")
    expect(staff.get_by_role("table", name=re.compile("Fflagiau fesul wythnos"))).to_be_visible()
    expect(staff.get_by_role("button", name="English")).to_be_focused()
    staff.get_by_role("button", name="English").click()
    expect(staff.get_by_role("heading", level=1)).to_have_text("Safeguarding flags")
    engine.dispose()
    assert not staff.errors, staff.errors
