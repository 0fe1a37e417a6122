"""Every child process (UI, model server) is started one way: stopped with whatever it started,
and gone when the process that started it dies, even by SIGKILL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from assistant.children import Child, describe_exit, main
from tests.servers import free_port

REPO = Path(__file__).resolve().parents[2]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie still has a pid: only its parent (here: not us) would reap it
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.is_file() and stat.read_text().split(") ")[-1].startswith("Z"))


def _gone_within(pid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not _alive(pid):
            return True
        time.sleep(0.1)
    return False


def _serving(url: str) -> bool:
    try:
        return httpx.get(url, timeout=1.0).status_code == 200
    except httpx.HTTPError:
        return False


def _wait_serving(url: str, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while not _serving(url):
        assert time.monotonic() < deadline, f"{url} did not answer"
        time.sleep(0.1)


def test_exit_codes_are_told_as_people_read_them() -> None:
    assert "SIGILL" in describe_exit(-signal.SIGILL) and "illegal instruction" in describe_exit(-signal.SIGILL)
    assert "SIGKILL" in describe_exit(-9)
    assert describe_exit(1) == "exited with code 1"
    assert describe_exit(None) == "still running"


def test_stop_ends_the_child_and_everything_it_started(tmp_path: Path, hardening_record: Any) -> None:
    hardening_record.expect("process", 2)
    grandchild = tmp_path / "grandchild.pid"
    code = textwrap.dedent(f"""
        import subprocess, sys, time
        p = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
        open({str(grandchild)!r}, "w").write(str(p.pid))
        print("started", flush=True)
        time.sleep(600)
    """)
    child = Child("sleeper", ["-c", code], log_path=tmp_path / "sleeper.log")
    child.start()
    deadline = time.monotonic() + 20
    while not grandchild.is_file() or not grandchild.read_text():
        assert child.running() and time.monotonic() < deadline
        time.sleep(0.05)
    gpid = int(grandchild.read_text())
    child.stop(timeout=5)
    assert not child.running() and child.returncode == -signal.SIGTERM
    assert _gone_within(gpid, 5), "the grandchild outlived its group's stop"
    assert "started" in child.log_tail()
    child.stop()  # twice is harmless
    hardening_record.add("process", "a child (UI, model server) stopped while it has children of its own",
                         "its whole process group ends; nothing it started is left")


def test_a_child_is_gone_when_its_parent_is_killed(tmp_path: Path, hardening_record: Any) -> None:
    """A parent that starts a real HTTP server as its child, then is SIGKILLed: the server's port
    goes quiet (the kernel's death signal, not any cleanup of the parent's)."""
    port = free_port()
    parent_code = textwrap.dedent(f"""
        import sys, time
        sys.path.insert(0, {str(REPO)!r})
        from assistant.children import Child
        c = Child("http", ["-m", "http.server", "{port}", "--bind", "127.0.0.1", "--directory", {str(tmp_path)!r}])
        c.start()
        print(c.pid, flush=True)
        time.sleep(600)
    """)
    parent = subprocess.Popen([sys.executable, "-c", parent_code], stdout=subprocess.PIPE, text=True)
    try:
        assert parent.stdout is not None
        child_pid = int(parent.stdout.readline())
        _wait_serving(f"http://127.0.0.1:{port}/")
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait(10)
        assert _gone_within(child_pid, 10), "the child outlived its SIGKILLed parent"
        assert not _serving(f"http://127.0.0.1:{port}/")
        hardening_record.add("process", "`planqa run` killed by SIGKILL while its children serve",
                             "each child gets SIGTERM from the kernel and exits; its port goes quiet")
    finally:
        if parent.poll() is None:
            parent.kill()


def test_the_trampoline_refuses_a_malformed_call(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["_exec", "notapid", "--", "-c", "pass"]) == 2
    assert "usage" in capsys.readouterr().err


def test_a_child_whose_parent_is_already_gone_does_not_start(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    r = subprocess.run([sys.executable, "-m", "assistant.children", "_exec", str(gone.pid), "--",
                        "-c", f"open({str(marker)!r}, 'w')"], cwd=REPO, timeout=30)
    assert r.returncode == 1 and not marker.exists()
