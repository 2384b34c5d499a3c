"""Wrong codes from one address are slowed, then refused for a while; the clock is moved by hand, never slept on."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from candidly.access_page.limiter import FailureLimiter, Verdict, address_key
from tests.access_page.conftest import Page, candidate, sign_in
from tests.helpers import FakeClock, Org, TestClient

WRONG = "ZZZZ-ZZZZ-ZZZZ"


def test_wrong_codes_are_free_then_slowed_then_refused_until_the_window_passes(
    client: TestClient, org: Org, task: dict[str, Any], clock: FakeClock
) -> None:
    code = candidate(client, org, task)["invitationCode"]
    assert [sign_in(client, WRONG).status_code for _ in range(2)] == [403, 403]
    third = sign_in(client, WRONG)
    assert Page(third.text).alert == (
        "This invitation code is not valid. Check it and try again. You can try again in 2 seconds."
    )
    too_soon = sign_in(client, code)  # even a valid code waits its turn
    assert (too_soon.status_code, too_soon.headers["retry-after"]) == (429, "2")
    assert Page(too_soon.text).alert == "Too many wrong attempts. Try again in 2 seconds."
    for wait in (2, 4, 8, 16, 32, 64):  # the wait doubles with every further wrong code
        clock.advance(seconds=wait)
        assert sign_in(client, WRONG).status_code == 403
    clock.advance(seconds=128)
    locked = sign_in(client, WRONG)  # the tenth within the window locks the address out
    assert (locked.status_code, locked.headers["retry-after"]) == (429, "900")
    assert Page(locked.text).alert == (
        "Too many wrong attempts from your address. Signing in is blocked; try again in 15 minutes."
    )
    clock.advance(minutes=14)
    assert sign_in(client, code).status_code == 429
    assert client.get(f"/access/{code}").status_code == 429
    # An opening's credentials page keeps its own count (tests/security/test_access_lockout.py).
    assert client.get(f"/access/login/{task['id']}").status_code == 200
    clock.advance(minutes=1)
    assert sign_in(client, code).status_code == 303


def test_direct_links_and_unknown_openings_count_as_wrong_codes_and_credentials_per_opening(
    client: TestClient, task: dict[str, Any], clock: FakeClock
) -> None:
    client.get("/access/ZZZZ-ZZZZ-ZZZY")
    client.get("/access/login/0123456789abcdef0123456789abcdef")
    assert sign_in(client, WRONG).status_code == 403
    assert sign_in(client, WRONG).status_code == 429
    clock.advance(seconds=2)
    assert sign_in(client, WRONG).status_code == 403
    page = f"/access/login/{task['id']}"
    assert [client.post(page, data={"credential1": "nobody"}).status_code for _ in range(4)] == [403, 403, 403, 429]


def test_other_addresses_are_not_held_up(clock: FakeClock) -> None:
    limiter = FailureLimiter(clock, free_failures=0, max_failures=2)
    limiter.fail("203.0.113.7")
    assert limiter.check("203.0.113.7") == Verdict(False, 2)
    assert limiter.check("203.0.113.8") == Verdict(True)
    assert limiter.fail("203.0.113.7") == Verdict(False, 900, locked=True)
    assert limiter.check("198.51.100.1") == Verdict(True)


def test_failures_age_out_of_the_window(clock: FakeClock) -> None:
    limiter = FailureLimiter(clock, free_failures=5, max_failures=3, window=timedelta(minutes=10))
    limiter.fail("a")
    limiter.fail("a")
    clock.advance(minutes=10)
    assert limiter.fail("a") == Verdict(True)  # the first two are forgotten: one in the window


def test_an_ipv6_subscriber_is_one_address_and_a_mapped_ipv4_is_its_ipv4() -> None:
    assert address_key("2001:db8:1:2:aaaa::1") == address_key("2001:db8:1:2:bbbb::2") == "2001:db8:1:2::/64"
    assert address_key("2001:db8:1:3::1") != address_key("2001:db8:1:2::1")
    assert address_key("::ffff:192.0.2.1") == "192.0.2.1"
    assert address_key("testclient") == "testclient"


def test_the_limiter_keeps_a_bounded_number_of_addresses(clock: FakeClock) -> None:
    limiter = FailureLimiter(clock, free_failures=0, max_tracked=2)
    for host in ("192.0.2.1", "192.0.2.2", "192.0.2.3"):
        limiter.fail(host)
    assert limiter.check("192.0.2.1") == Verdict(True)  # the oldest was forgotten
    assert not limiter.check("192.0.2.3").allowed
