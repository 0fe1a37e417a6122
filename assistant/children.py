"""The one way PlanQA runs a child process (the Streamlit UI, the embedded model server).

Every child:
- runs in its own process group, so stopping it stops whatever it started too (SIGTERM to the
  group, SIGKILL after a timeout);
- follows one orphan rule: it gets SIGTERM the moment the process that started it dies, even by
  SIGKILL, so a crashed `planqa run` never leaves a 2 GB model or a UI port behind. The rule is set
  by a small trampoline (`python -m assistant.children _exec <parent> …`) before the child's own
  program starts, and survives its exec (Linux PR_SET_PDEATHSIG). Linux ties that signal to the
  *thread* that started the child, so a child is started from a thread that lives as long as the
  child is wanted (the main thread, or the model supervisor's thread);
- writes stdout and stderr to its own log file, whose tail goes into error messages.

    ui = Child("ui", ["-m", "streamlit", "run", "ui/app.py"], log_path=Path("data/logs/ui.log"))
    ui.start(); ui.running()   # → True
    ui.stop()                  # the group is gone; ui.returncode → -15
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO

log = logging.getLogger(__name__)

STOP_TIMEOUT = 10.0
ORPHAN_SIGNAL = signal.SIGTERM
_PR_SET_PDEATHSIG = 1


class Child:
    """A child Python process started through the orphan-rule trampoline (see the module docstring)."""

    def __init__(self, name: str, argv: Sequence[str], *, env: Mapping[str, str] | None = None,
                 cwd: Path | None = None, log_path: Path | None = None) -> None:
        self.name = name
        self.argv = list(argv)
        self.env = dict(env) if env is not None else None
        self.cwd = cwd
        self.log_path = log_path
        self.returncode: int | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    def command(self) -> list[str]:
        return [sys.executable, "-m", "assistant.children", "_exec", str(os.getpid()), "--", *self.argv]

    def start(self) -> None:
        """Start the child (no-op while it runs)."""
        if self.running():
            return
        out: int | IO[bytes] = subprocess.DEVNULL
        if self.log_path is not None:
            self.log_path.parent.mkdir(parents=True, exist_ok=True)
            out = self._log = self.log_path.open("ab")
        self.returncode = None
        log.info("starting %s: %s", self.name, " ".join(self.argv))
        self._proc = subprocess.Popen(self.command(), stdin=subprocess.DEVNULL, stdout=out,
                                      stderr=subprocess.STDOUT, env=self.env,
                                      cwd=str(self.cwd) if self.cwd else None, start_new_session=True)

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    def running(self) -> bool:
        if self._proc is None:
            return False
        code = self._proc.poll()
        if code is not None:
            self.returncode = code
            return False
        return True

    def stop(self, timeout: float = STOP_TIMEOUT) -> None:
        """SIGTERM the child's process group, SIGKILL it after ``timeout``; safe to call twice."""
        proc, self._proc = self._proc, None
        if proc is not None:
            if proc.poll() is None:
                _signal_group(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(timeout)
                except subprocess.TimeoutExpired:
                    log.warning("%s did not stop within %.0f s after SIGTERM: killing it", self.name, timeout)
                    _signal_group(proc.pid, signal.SIGKILL)
                    proc.wait(timeout)
            else:
                _signal_group(proc.pid, signal.SIGKILL)  # anything it left behind in its group
            self.returncode = proc.returncode
        if self._log is not None:
            self._log.close()
            self._log = None

    def log_tail(self, lines: int = 15) -> str:
        """The last lines of the child's log ('' when it has none)."""
        if self.log_path is None or not self.log_path.is_file():
            return ""
        with self.log_path.open("rb") as f:
            f.seek(max(0, self.log_path.stat().st_size - 8192))
            return "\n".join(f.read().decode("utf-8", "replace").splitlines()[-lines:])


def describe_exit(code: int | None) -> str:
    """'exited with code 1' / 'killed by SIGILL (illegal instruction)'."""
    if code is None:
        return "still running"
    if code < 0:
        try:
            sig = signal.Signals(-code)
        except ValueError:
            return f"killed by signal {-code}"
        detail = signal.strsignal(sig) or ""
        return f"killed by {sig.name}" + (f" ({detail.lower()})" if detail else "")
    return f"exited with code {code}"


def _signal_group(pid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, sig)


def die_with_parent(parent: int) -> None:
    """In the child, before its program starts: ORPHAN_SIGNAL when ``parent`` dies; exit if it already has."""
    if sys.platform.startswith("linux"):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(_PR_SET_PDEATHSIG, int(ORPHAN_SIGNAL)) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
    if os.getppid() != parent:  # it died before the rule was in place
        sys.exit(1)


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) < 4 or args[0] != "_exec" or args[2] != "--" or not args[1].isdigit():
        print("usage: python -m assistant.children _exec <parent-pid> -- <python arguments>  "
              "(internal: started by assistant.children.Child)", file=sys.stderr)
        return 2
    die_with_parent(int(args[1]))
    os.execv(sys.executable, [sys.executable, *args[3:]])
    return 0  # not reached


if __name__ == "__main__":
    sys.exit(main())
