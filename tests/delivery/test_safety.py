"""Outbound safety and backoff: where callbacks and webhooks may go, and how long retries wait."""

from __future__ import annotations

import ipaddress
import random

import pytest

from candidly.delivery.backoff import retry_delay
from candidly.delivery.posting import HttpSender
from candidly.delivery.safety import UnsafeTarget, check_target
from candidly.domain.deliveries import IpAddress
from tests.delivery.conftest import Receiver


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("http://localhost:8080/hook", "loopback"),
        ("http://127.0.0.2/hook", "loopback"),
        ("http://[::1]/hook", "loopback"),
        ("http://169.254.169.254/latest/meta-data", "link-local"),
        ("https://10.1.2.3/hook", "private"),
        ("https://192.168.0.10/hook", "private"),
        ("http://[::ffff:127.0.0.1]/hook", "loopback"),
        ("http://0.0.0.0/hook", "unspecified"),
        ("http://100.64.0.1/hook", "not globally routable"),  # carrier-grade NAT
        ("http://100.100.100.200/latest/meta-data", "not globally routable"),  # a cloud's metadata service
        ("http://[2002:7f00:1::1]/hook", "loopback"),  # 6to4 around 127.0.0.1
        ("http://[2002:5db8:d822::1]/hook", "not globally routable"),
        ("http://[fec0::1]/hook", "not globally routable"),  # site-local
        ("http://[64:ff9b::a00:1]/hook", "reserved"),  # NAT64 around 10.0.0.1
    ],
)
def test_internal_addresses_are_refused(url: str, kind: str) -> None:
    with pytest.raises(UnsafeTarget, match=kind):
        check_target(url, allow_private=False)


def test_public_addresses_pass_and_the_operator_may_allow_internal_ones() -> None:
    check_target("https://93.184.216.34/hook", allow_private=False)
    check_target("http://localhost:8080/hook", allow_private=True)


@pytest.mark.parametrize("url", ["ftp://example.com/x", "file:///etc/passwd", "http:///nohost"])
def test_only_http_urls_with_a_host_are_called(url: str) -> None:
    with pytest.raises(UnsafeTarget):
        check_target(url, allow_private=True)


def test_retry_delays_double_with_jitter_up_to_the_cap() -> None:
    rng = random.Random(1)
    for attempts, (low, high) in enumerate([(5, 10), (10, 20), (20, 40), (40, 80)], start=1):
        assert low <= retry_delay(attempts, 10, 3600, rng).total_seconds() < high
    assert 1800 <= retry_delay(30, 10, 3600, rng).total_seconds() < 3600


def test_a_refusal_names_the_host_and_the_kind_of_address_never_the_address() -> None:
    with pytest.raises(UnsafeTarget) as refused:
        check_target("http://metadata.internal.test/x", allow_private=False, resolve=lambda _h, _p: [_ip("10.9.8.7")])
    assert "metadata.internal.test" in str(refused.value) and "private" in str(refused.value)
    assert "10.9.8.7" not in str(refused.value)


def _ip(text: str) -> IpAddress:
    return ipaddress.ip_address(text)


class CountingResolver:
    """Answers each name with the next address of a script, like a DNS server that rebinds between lookups."""

    def __init__(self, *answers: str) -> None:
        self.answers = [_ip(a) for a in answers]
        self.lookups = 0

    def __call__(self, _host: str, _port: int) -> list[IpAddress]:
        self.lookups += 1
        return [self.answers[min(self.lookups, len(self.answers)) - 1]]


def test_the_connection_goes_to_the_address_resolved_and_checked_with_the_host_header_kept(receiver: Receiver) -> None:
    port = receiver.url.split(":")[2].split("/")[0]
    resolver = CountingResolver("127.0.0.1", "10.0.0.1")  # a second lookup would get another address
    sender = HttpSender(timeout=5, allow_private=True, resolve=resolver)
    outcome = sender.post(f"http://hooks.candidly.invalid:{port}/hook", b"{}", {})
    sender.close()
    assert outcome.ok, outcome  # the name does not resolve on this machine: only the checked address was used
    assert resolver.lookups == 1
    [request] = receiver.requests
    assert request.headers["Host"] == f"hooks.candidly.invalid:{port}"


def test_a_name_resolving_to_an_internal_address_is_refused_at_connect_and_nothing_is_sent(receiver: Receiver) -> None:
    port = receiver.url.split(":")[2].split("/")[0]
    sender = HttpSender(timeout=5, allow_private=False, resolve=CountingResolver("127.0.0.1"))
    outcome = sender.post(f"http://hooks.candidly.invalid:{port}/hook", b"{}", {})
    sender.close()
    assert not outcome.ok and outcome.permanent and "loopback" in (outcome.error or "")
    assert "127.0.0.1" not in (outcome.error or "")
    assert receiver.requests == []


def test_a_receivers_answer_is_not_kept_in_the_error(receiver: Receiver) -> None:
    receiver.script = [500]
    sender = HttpSender(timeout=5, allow_private=True)
    outcome = sender.post(receiver.url, b"{}", {})
    sender.close()
    assert outcome.error == "HTTP 500" and outcome.receiver_failed
