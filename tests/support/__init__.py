"""Test support code: real servers the tests start for themselves."""
