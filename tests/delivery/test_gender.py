"""Gender detected from a first name answers as gender-guesser's Detector does, for every name it knows."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import gender_guesser.detector

from candidly.delivery.gender import detect_gender

ANSWERS = {"male": "male", "mostly_male": "male", "female": "female", "mostly_female": "female"}


def test_every_one_word_name_gets_the_detectors_answer() -> None:
    detector = gender_guesser.detector.Detector(case_sensitive=False)
    names = [name for name in detector.names if " " not in name]  # a first name's first word is asked
    assert len(names) > 50_000
    differing = [name for name in names if detect_gender(name) != ANSWERS.get(detector.get_gender(name))]
    assert differing == []


def test_the_first_word_decides_whatever_its_case_and_unknown_names_get_none() -> None:
    assert detect_gender("ADA") == "female"
    assert detect_gender("john ronald") == "male"
    assert detect_gender("Abdel-Aziz") == detect_gender("abdelaziz") == "male"  # the file's "Abdel+Aziz"
    assert detect_gender("Zzyzx") is None
    assert detect_gender("  ") is None
    assert detect_gender(None) is None


# In a process of its own: the test process may have loaded the table already (the tests above).
STARTED = textwrap.dedent(
    """
    import sys
    from fastapi.testclient import TestClient
    from candidly.delivery import gender
    from candidly.settings import Settings
    from candidly.web.app import create_app

    app = create_app(Settings(database_url=sys.argv[1], run_worker=False, access_log=False))
    print("built", gender.is_loaded())
    with TestClient(app):
        app.state.gender_table.join(60)  # the thread the start began: its end, not its speed
        print("started", gender.is_loaded())
    """
)


def test_the_app_loads_the_table_when_it_starts_not_at_the_first_invitation(sqlite_url: str) -> None:
    """The fan-out of the first invitation runs under the write lock: the table is read on a thread of its own
    when the app starts, and not when the app is built (no import-time work)."""
    done = subprocess.run([sys.executable, "-c", STARTED, sqlite_url], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["built", "False", "started", "True"]
