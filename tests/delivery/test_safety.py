"""Outbound safety and backoff: where callbacks and webhooks may go, and how long retries wait."""

from __future__ import annotations

import random

import pytest

from candidly.delivery.backoff import retry_delay
from candidly.delivery.safety import UnsafeTarget, check_target


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
