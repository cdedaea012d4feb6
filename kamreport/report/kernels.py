"""Report kernels forked from a server that has already imported what the notebooks import.

A report's kernel used to start a Python, import IPython, pandas, scipy, matplotlib, semopy and
our package and read jieba's dictionary: 3-6 s of CPU for every report of a batch, the same work
each time. Here a fork server (:func:`serve`, one per process that runs reports and kernel
interpreter) does that work once (:mod:`kamreport.report.warm`), and each kernel is a fork of
it that becomes an ordinary IPython kernel: a process of its own, in its own session and process
group (as jupyter_client starts kernels), with the kernel's environment, arguments and working
folder, and nothing of any other report in it. jupyter_client drives it as any kernel, through
:class:`ForkedProvisioner` (a :class:`~jupyter_client.provisioning.LocalProvisioner` whose
launch asks the server for a fork instead of running the kernel command).

The server is started with the kernel spec's own interpreter (and its options) and reads one
request a line on its stdin, so it ends when the process that started it ends; its kernels, whose
parent it is, then see their parent gone and end too (ipykernel's parent poller). A kernel is
forked only where it would have run ``<python> -m ipykernel_launcher``; any other kernel command,
a platform without ``fork``, a server that failed, or ``KAMREPORT_FORK_KERNELS=0`` starts the
kernel as before.
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import json
import os
import pickle
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from pathlib import Path
from queue import Empty
from typing import Any

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.blocking import BlockingKernelClient
from jupyter_client.provisioning import LocalProvisioner
from jupyter_core.utils import ensure_async, run_sync

#: Interpreter options of a kernel command that the server takes as they are (ipykernel's kernel
#: spec has the first, for its debugger's sake: no frozen standard modules).
HARMLESS_FLAGS = {"-Xfrozen_modules=off"}
#: The server's program: a kernel interpreter without our package ends it at once (then kernels
#: start as before). Its arguments: the listening socket's descriptor, the modules to warm (JSON).
SERVE = ("import sys\ntry:\n    from kamreport.report.kernels import serve\nexcept ImportError:\n    raise SystemExit(3)\n"
         "serve(int(sys.argv[1]), sys.argv[2])")
#: How a batch's workers find the server the batch started: ``{"interpreter": [...], "socket": path}``.
SHARED = "KAMREPORT_KERNEL_SERVER"
_SERVERS: dict[tuple[str, ...], Server] = {}
_LOCK = threading.Lock()


def enabled() -> bool:
    """Whether kernels are forked here (``KAMREPORT_FORK_KERNELS=0`` turns it off)."""
    return hasattr(os, "fork") and sys.platform != "darwin" and os.environ.get("KAMREPORT_FORK_KERNELS", "1") != "0"


def split_command(cmd: list[str]) -> tuple[list[str], list[str]] | None:
    """``(interpreter command, kernel arguments)`` of a ``<python> [flags] -m ipykernel_launcher
    <args>`` kernel command, else None (not a command a fork of our server can stand in for)."""
    k = 1
    while k < len(cmd) and cmd[k] in HARMLESS_FLAGS:
        k += 1
    if cmd[k:k + 2] != ["-m", "ipykernel_launcher"]:
        return None
    return cmd[:k], cmd[k + 2:]


class Server:
    """A connection to a fork server (see :func:`serve`); the server itself when this process
    started it (``modules``: what it imports after :data:`~kamreport.report.warm.CORE`)."""

    def __init__(self, interpreter: list[str], modules: list[str] | None = None, reads: list | None = None, *,
                 socket_path: str | None = None):
        self.lock = threading.Lock()
        self.process: subprocess.Popen | None = None
        self.folder: str | None = None
        if socket_path is None:
            self.folder = tempfile.mkdtemp(prefix="kamreport-kernels-")     # 0700: ours alone
            socket_path = os.path.join(self.folder, "fork.sock")
            listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                listener.bind(socket_path)
                listener.listen(64)     # connections wait here while the server imports
                self.process = subprocess.Popen(
                    [*interpreter, "-c", SERVE, str(listener.fileno()), json.dumps(modules or [])],
                    stdin=subprocess.PIPE,      # its lifeline: it ends when this process ends
                    pass_fds=[listener.fileno()], start_new_session=True)   # a Ctrl-C is for us, not for it
            finally:
                listener.close()
            # the parameter sets through the pipe (nothing of them on disk), from a thread: a pipe
            # holds 64 KiB, and the server reads them only once it has started
            blob = pickle.dumps(reads or [])
            threading.Thread(target=self._send, args=(len(blob).to_bytes(8, "big") + blob,), daemon=True).start()
        self.interpreter, self.socket_path = list(interpreter), socket_path
        self._conn: socket.socket | None = None
        self._answers = b""

    def _send(self, data: bytes) -> None:
        with contextlib.suppress(OSError, ValueError):
            self.process.stdin.write(data)
            self.process.stdin.flush()

    def alive(self) -> bool:
        return self.process.poll() is None if self.process else os.path.exists(self.socket_path)

    def fork(self, argv: list[str], env: dict[str, str], cwd: str) -> int:
        """The pid of a new kernel ``ipykernel_launcher argv`` in ``cwd`` with ``env``; waits for
        the server's first imports. RuntimeError when the server is gone."""
        request = (json.dumps({"argv": argv, "env": env, "cwd": cwd}) + "\n").encode()
        with self.lock:
            try:
                if self._conn is None:
                    self._conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                    self._conn.connect(self.socket_path)
                self._conn.sendall(request)
                while b"\n" not in self._answers:
                    chunk = self._conn.recv(64)
                    if not chunk:
                        raise OSError("connection closed")
                    self._answers += chunk
            except OSError as exc:
                self._conn = None
                raise RuntimeError(f"the kernel fork server is gone: {exc}") from exc
            answer, _, self._answers = self._answers.partition(b"\n")
        if not answer.strip().isdigit():
            raise RuntimeError(f"the kernel fork server failed: {answer[:200]!r}")
        return int(answer)

    def close(self) -> None:
        with contextlib.suppress(Exception):
            if self._conn is not None:
                self._conn.close()
        if self.process is not None:
            with contextlib.suppress(Exception):
                self.process.stdin.close()
            with contextlib.suppress(Exception):
                self.process.wait(timeout=5)
            if self.process.poll() is None:
                self.process.kill()
        if self.folder:
            shutil.rmtree(self.folder, ignore_errors=True)


def server(interpreter: list[str], notebooks: list[Path] = ()) -> Server:
    """The fork server for ``interpreter``: the one a batch shares with its workers
    (:func:`share`), else this process's own (started now, warmed for what ``notebooks``
    import, or again if it died)."""
    from kamreport.report.warm import notebook_imports

    key = tuple(interpreter)
    with _LOCK:
        if key not in _SERVERS or not _SERVERS[key].alive():
            if not _SERVERS:
                atexit.register(close_servers)
            shared = json.loads(os.environ.get(SHARED) or "{}")
            _SERVERS[key] = (Server(interpreter, socket_path=shared["socket"])
                             if shared.get("interpreter") == list(interpreter) and os.path.exists(shared["socket"])
                             else Server(interpreter, notebook_imports(notebooks)))
        return _SERVERS[key]


def _interpreter(kernel: str) -> list[str] | None:
    """The interpreter command of kernel ``kernel`` when its kernels can be forked, else None."""
    from jupyter_client.kernelspec import KernelSpecManager

    if not enabled():
        return None
    try:
        parts = split_command(KernelSpecManager().get_kernel_spec(kernel).argv)
    except Exception:
        return None
    return None if parts is None else parts[0]


def share(kernel: str, notebooks: list[Path], reads: list | None = None) -> bool:
    """Start the fork server for kernel ``kernel``, warmed for ``notebooks`` (what they import)
    and with the local input files of the parameter sets ``reads`` read (what the kernels will
    read: :func:`kamreport.report.warm.local_reads`), and make it the one of this process and of
    the processes it starts from now on (a batch's workers); False when its kernels are not
    forked. :func:`close_servers` ends it."""
    from kamreport.report.warm import local_reads, notebook_imports

    if (interpreter := _interpreter(kernel)) is None:
        return False
    with _LOCK:
        if not _SERVERS:
            atexit.register(close_servers)
        old = _SERVERS.pop(tuple(interpreter), None)
        if old is not None:
            old.close()
        try:
            srv = Server(interpreter, notebook_imports(notebooks), local_reads(reads or []))
        except OSError:
            return False
        _SERVERS[tuple(interpreter)] = srv
        os.environ[SHARED] = json.dumps({"interpreter": interpreter, "socket": srv.socket_path})
    return True


def start(kernel: str, notebooks: list[Path]) -> None:
    """Have the fork server for kernel ``kernel`` running now (:func:`server`): the batch's
    when it shares one, else this process's own, warmed for ``notebooks`` (a report run alone:
    its later kernels start with what its notebook imports); nothing when kernels are not forked."""
    if (interpreter := _interpreter(kernel)) is not None:
        with contextlib.suppress(OSError):     # no server: the kernel's launch tries again, or starts as before
            server(interpreter, notebooks)


def forked(km) -> bool:
    """Whether the kernel of KernelManager ``km`` is a fork of a server (it has what the server imported)."""
    return isinstance(getattr(getattr(km, "provisioner", None), "process", None), ForkedKernel)


def close_servers() -> None:
    """End the fork servers this process started, and its connections to others."""
    with _LOCK:
        while _SERVERS:
            _, srv = _SERVERS.popitem()
            if srv.process is not None and json.loads(os.environ.get(SHARED) or "{}").get("socket") == srv.socket_path:
                os.environ.pop(SHARED, None)
            srv.close()


class ForkedKernel:
    """The part of :class:`subprocess.Popen` a provisioner uses, for a kernel forked by the
    server: it is the server's child, not ours, so its end is watched through a pidfd (immune
    to a reused pid) and its exit status stays with the server (0 here)."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None
        try:
            self._fd: int | None = os.pidfd_open(pid)
        except (AttributeError, OSError):
            self._fd = None      # no pidfd (old kernel) or already gone: os.kill tells

    def _ended(self, timeout: float) -> bool:
        if self._fd is not None:
            return bool(select.select([self._fd], [], [], timeout)[0])
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return True
        if timeout:
            select.select([], [], [], min(timeout, 0.05))
        return False

    def poll(self) -> int | None:
        if self.returncode is None and self._ended(0):
            self.returncode = 0
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None
        return self.returncode

    def wait(self, timeout: float | None = None) -> int | None:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            left = 1.0 if deadline is None else deadline - time.monotonic()
            if left <= 0:
                raise subprocess.TimeoutExpired("kernel", timeout)
            self._ended(min(left, 1.0))
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            # the kernel's group once the fork has made it (at once); before that, the fork alone
            (os.killpg if os.getpgid(self.pid) == self.pid else os.kill)(self.pid, signum)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


class ForkedProvisioner(LocalProvisioner):
    """Launches the kernel as a fork of the server for its interpreter when its command is
    ``<python> -m ipykernel_launcher ...``; as :class:`LocalProvisioner` does otherwise, or when
    the server fails."""

    async def launch_kernel(self, cmd: list[str], **kwargs: Any):
        parts = split_command(cmd) if enabled() else None
        if parts is not None:
            env = dict(kwargs.get("env") or os.environ)
            cwd = str(kwargs.get("cwd") or Path.cwd())
            try:
                pid = server(parts[0]).fork(parts[1], env, cwd)
            except (RuntimeError, OSError):
                pass                # a kernel as before; the report does not suffer for the server
            else:
                self.process = ForkedKernel(pid)
                self.pid, self.pgid, self.cwd = pid, None, cwd
                return self.connection_info
        return await super().launch_kernel(cmd, **kwargs)


async def _wait_for_ready(self, timeout: float | None = None) -> None:
    """A kernel client's ``wait_for_ready`` that ends when the kernel is ready, not 0.2 s later.

    jupyter_client's waits for a kernel_info reply, then for an IOPub message within 0.2 s (else
    it asks again), then for 0.2 s of IOPub silence: at least 0.2 s of sleep a client, and a
    report has two (its kernel's check, papermill's). This one waits for the reply, then for
    what proves the IOPub subscription is up: the kernel's ``iopub_welcome`` to it (ipykernel
    7) or the ``idle`` status of one of its kernel_info requests (older kernels), and asks
    again when neither comes in 0.2 s. What IOPub held before is read by then; what comes
    after belongs to no request of a report (nbclient reads only its requests' messages).
    """
    deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
    asked: set[str] = set()
    while True:
        asked.add(self.kernel_info())
        reply = None
        with contextlib.suppress(Empty):
            while reply is None:
                msg = await ensure_async(self.shell_channel.get_msg(timeout=1))
                reply = msg if msg["msg_type"] == "kernel_info_reply" else None
        if reply is not None:
            with contextlib.suppress(Empty):
                while True:
                    msg = await ensure_async(self.iopub_channel.get_msg(timeout=0.2))
                    if msg["msg_type"] == "iopub_welcome" or (
                            msg["msg_type"] == "status" and msg["content"].get("execution_state") == "idle"
                            and msg["parent_header"].get("msg_id") in asked):
                        self._handle_kernel_info_reply(reply)
                        return
        if not await self._async_is_alive():
            raise RuntimeError("Kernel died before replying to kernel_info")
        if time.monotonic() > deadline:
            raise RuntimeError(f"Kernel didn't respond in {timeout:.0f} seconds")


class ReadyClient(BlockingKernelClient):
    """A blocking kernel client whose ``wait_for_ready`` is :func:`_wait_for_ready`."""

    wait_for_ready = run_sync(_wait_for_ready)


class AsyncReadyClient(AsyncKernelClient):
    """An asynchronous kernel client (papermill's) whose ``wait_for_ready`` is :func:`_wait_for_ready`."""

    wait_for_ready = _wait_for_ready


def kernel_manager(name: str):
    """A :class:`~jupyter_client.manager.KernelManager` for kernel ``name`` whose kernel is forked
    (:class:`ForkedProvisioner`) where it can be, and whose clients (:class:`ReadyClient`) see
    it ready as soon as it is."""
    import uuid

    from jupyter_client.manager import KernelManager

    km = KernelManager(kernel_name=name, client_class=f"{__name__}.ReadyClient")
    if enabled():
        km.kernel_id = str(uuid.uuid4())
        km.provisioner = ForkedProvisioner(kernel_id=km.kernel_id, kernel_spec=km.kernel_spec, parent=km)
    return km


def serve(listener_fd: int, modules: str = "[]") -> None:
    """The fork server: :func:`kamreport.report.warm.steps` for ``modules`` (JSON), and for each
    request line on a connection to the listening socket ``listener_fd`` (``{"argv", "env",
    "cwd"}``) a forked kernel, whose pid is the answer line; requests that come while it warms
    are answered between two steps. It ends when its stdin (the starting process) closes."""
    if sys.path and sys.path[0] in ("", os.getcwd()):
        del sys.path[0]         # as ipykernel_launcher: nothing of the starting folder is importable
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)       # the kernels that end are reaped by the system
    # what ipykernel sets before it lets matplotlib choose a backend (kernelapp.init_gui_pylab)
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    from kamreport.report import warm

    lifeline = sys.stdin.fileno()
    size = int.from_bytes(_read_exactly(lifeline, 8), "big")
    reads = pickle.loads(_read_exactly(lifeline, size)) if size else []
    first, *rest = warm.steps(json.loads(modules), reads)
    warm.run(first)            # what every kernel needs: a kernel asked for now would do it too
    listener = socket.socket(fileno=listener_fd)
    conns: dict[int, tuple[socket.socket, bytearray]] = {}

    def handle(timeout: float | None) -> bool:
        """Serve what is waiting (or, with a timeout, what comes in it); False at the end."""
        ready, _, _ = select.select([lifeline, listener, *(c for c, _ in conns.values())], [], [], timeout)
        for r in ready:
            if r == lifeline:
                if not os.read(lifeline, 1 << 12):
                    return False
            elif r is listener:
                conn, _ = listener.accept()
                conns[conn.fileno()] = (conn, bytearray())
            else:
                conn, buffer = conns[r.fileno()]
                chunk = conn.recv(1 << 16)
                if not chunk:
                    del conns[conn.fileno()]
                    conn.close()
                    continue
                buffer += chunk
                while b"\n" in buffer:
                    line, _, rest_ = bytes(buffer).partition(b"\n")
                    buffer[:] = rest_
                    request = json.loads(line)
                    gc.freeze()    # what the server made is never scanned by a kernel's collector: it stays shared
                    pid = os.fork()
                    if pid == 0:
                        listener.close()
                        for c, _ in conns.values():
                            c.close()
                        _become_kernel(request["argv"], request["env"], request["cwd"])  # never returns
                    conn.sendall(f"{pid}\n".encode())
        return True

    from kamreport.inputs import remembered_reads

    with remembered_reads():   # what the server reads, its kernels start with (they leave by os._exit)
        for step in rest:
            if not handle(0):
                return
            warm.run(step)
        while handle(None):
            pass


def _read_exactly(fd: int, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = os.read(fd, size - len(data))
        if not chunk:
            raise SystemExit(0)          # the starting process ended before it said anything
        data += chunk
    return data


def _end_with_parent() -> None:
    """Have the system end this process when the server does (Linux); ipykernel's own poller
    only sees a parent gone when the orphan goes to pid 1, and a container's init or a
    subreaper may take it instead."""
    import ctypes

    server_pid = os.getppid()
    with contextlib.suppress(Exception):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)     # PR_SET_PDEATHSIG
    if os.getppid() != server_pid:     # the server ended before the request was made
        os._exit(1)


def _become_kernel(argv: list[str], env: dict[str, str], cwd: str) -> None:
    """In the forked child: the kernel ``ipykernel_launcher argv`` would have started; exits."""
    code = 1
    try:
        os.setsid()                     # its own session and process group, as jupyter_client's kernels
        _end_with_parent()
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        null = os.open(os.devnull, os.O_RDWR)
        os.dup2(null, 0)                # the server's lifeline is not the kernel's input
        os.close(null)
        os.chdir(cwd)
        os.environ.clear()
        os.environ.update(env)
        sys.argv = ["ipykernel_launcher", *argv]
        from ipykernel.kernelapp import IPKernelApp

        IPKernelApp.launch_instance(argv=argv)
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 1
    except BaseException:
        traceback.print_exc()
    finally:
        with contextlib.suppress(BaseException):
            atexit._run_exitfuncs()
        with contextlib.suppress(BaseException):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)
