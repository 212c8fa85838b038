"""A Dask cluster on this machine, with Dask's own commands: one ``dask scheduler`` and N
``dask worker`` processes on 127.0.0.1 (``invoke cluster``, the cluster tests, the bench).

Each process is started in a session of its own, with this checkout first on PYTHONPATH, and
stopped by its id (SIGTERM, then SIGKILL after a grace period): nothing is left running.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import config


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def dask_command(*args: str) -> list[str]:
    """``dask <args>`` of this interpreter's environment."""
    exe = Path(sys.executable).with_name("dask")
    return [str(exe), *args] if exe.exists() else [sys.executable, "-m", "dask", *args]


def environment(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(config.ROOT), env.get("PYTHONPATH", "")) if p)
    env.update(extra or {})
    return env


def _wait_port(host: str, port: int, proc: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"dask scheduler exited with status {proc.returncode}")
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"dask scheduler not listening on {host}:{port} after {timeout:.0f} s")


@dataclass
class LocalCluster:
    host: str = "127.0.0.1"
    port: int = 0  # 0: a free port
    nthreads: int = 1
    preload: list[str] = field(default_factory=list)  # modules or files every worker loads
    env: dict[str, str] = field(default_factory=dict)
    logs: Path | None = None  # folder for the processes' output; None: discarded
    # The scheduler exits after this long without work (workers follow after their
    # --death-timeout): a safety net for tests whose runner is killed. None: never.
    idle_timeout: str | None = None
    scheduler: subprocess.Popen[bytes] | None = None
    workers: list[subprocess.Popen[bytes]] = field(default_factory=list)

    @property
    def address(self) -> str:
        return f"tcp://{self.host}:{self.port}"

    def _spawn(self, args: list[str], name: str) -> subprocess.Popen[bytes]:
        out: int | object = subprocess.DEVNULL
        if self.logs:
            self.logs.mkdir(parents=True, exist_ok=True)
            out = open(self.logs / f"{name}.log", "ab")  # noqa: SIM115 (the child holds it)
        try:
            return subprocess.Popen(dask_command(*args), env=environment(self.env), stdin=subprocess.DEVNULL,
                                    stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
                                    cwd=str(config.ROOT))
        finally:
            if out is not subprocess.DEVNULL:
                out.close()  # type: ignore[union-attr]

    def start(self, workers: int, timeout: float = 60) -> LocalCluster:
        """The scheduler, then ``workers`` workers; returns when all have joined."""
        self.port = self.port or free_port(self.host)
        args = ["scheduler", "--host", self.host, "--port", str(self.port), "--no-dashboard"]
        if self.idle_timeout:
            args += ["--idle-timeout", self.idle_timeout]
        self.scheduler = self._spawn(args, "scheduler")
        try:
            _wait_port(self.host, self.port, self.scheduler, timeout)
            for _ in range(workers):
                self.add_worker()
            self.wait(workers, timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def add_worker(self) -> subprocess.Popen[bytes]:
        """One more ``dask worker`` process (one thread, no nanny: its pid is the worker's)."""
        args = ["worker", self.address, "--host", self.host, "--nthreads", str(self.nthreads),
                "--no-nanny", "--no-dashboard", "--memory-limit", "0", "--death-timeout", "30",
                "--name", f"cb-{len(self.workers)}"]
        for p in self.preload:
            args += ["--preload", p]
        proc = self._spawn(args, f"worker-{len(self.workers)}")
        self.workers.append(proc)
        return proc

    def wait(self, workers: int, timeout: float = 60) -> None:
        from distributed import Client

        with Client(self.address, timeout=f"{timeout}s", set_as_default=False) as client:
            client.wait_for_workers(workers, timeout=timeout)

    def kill_worker(self, proc: subprocess.Popen[bytes]) -> None:
        """SIGKILL: the worker is gone at once, mid-task, as when its machine dies."""
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()

    def stop(self, grace: float = 5.0) -> None:
        procs = [p for p in [*self.workers, self.scheduler] if p is not None]
        for p in procs:
            if p.poll() is None:
                try:
                    os.killpg(p.pid, signal.SIGTERM)  # its own session: it and any child
                except ProcessLookupError:
                    pass
        deadline = time.monotonic() + grace
        for p in procs:
            try:
                p.wait(max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(p.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                p.wait()
        self.workers.clear()
        self.scheduler = None

    def __enter__(self) -> LocalCluster:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
