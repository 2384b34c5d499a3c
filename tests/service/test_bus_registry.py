"""Every command has one handler, which takes that command and returns the command's declared ``R``.

mypy checks the return type at each ``@handles``; that the handler takes the very command it is registered for is
something the type system cannot tie to the registration, so it is checked here.
"""

from __future__ import annotations

import inspect
import typing

import pytest

import candidly.service.handlers  # noqa: F401 -- registers the handlers
from candidly.domain import commands as c
from candidly.service.bus import HANDLERS

COMMANDS = sorted(
    (cls for _, cls in inspect.getmembers(c, inspect.isclass) if issubclass(cls, c.Command) and cls is not c.Command),
    key=lambda cls: cls.__name__,
)


def declared_result(command: type[c.Command[typing.Any]]) -> object:
    (base,) = (b for b in command.__orig_bases__ if typing.get_origin(b) is c.Command)  # type: ignore[attr-defined]
    (result,) = typing.get_args(base)
    return type(None) if result is None else result


def test_every_command_has_a_handler() -> None:
    assert sorted(HANDLERS, key=lambda cls: cls.__name__) == COMMANDS


@pytest.mark.parametrize("command", COMMANDS, ids=lambda cls: cls.__name__)
def test_the_handler_takes_its_command_and_returns_what_the_command_declares(
    command: type[c.Command[typing.Any]],
) -> None:
    hints = typing.get_type_hints(HANDLERS[command])
    assert hints["cmd"] is command
    assert hints["return"] == declared_result(command)
