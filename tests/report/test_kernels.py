"""Report kernels forked from a pre-imported server: each a kernel of its own, driven as any."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kamreport.report import kernels
from kamreport.report.render import kernel_name

pytestmark = pytest.mark.slow


def test_only_a_python_ipykernel_command_is_forked():
    assert kernels.split_command(["/v/bin/python", "-m", "ipykernel_launcher", "-f", "c.json"]) == (
        ["/v/bin/python"], ["-f", "c.json"])
    assert kernels.split_command(["/v/bin/python", "-Xfrozen_modules=off", "-m", "ipykernel_launcher", "-f", "c"]) == (
        ["/v/bin/python", "-Xfrozen_modules=off"], ["-f", "c"])
    assert kernels.split_command(["/v/bin/python", "-Xutf8", "-m", "ipykernel_launcher"]) is None
    assert kernels.split_command(["R", "--slave", "-e", "IRkernel::main()"]) is None
    assert kernels.split_command(["python"]) is None


def _run(client, code: str) -> dict:
    """The kernel's reply and its last output (text) for ``code``."""
    out: list[str] = []

    def keep(msg):
        if msg["msg_type"] in ("stream", "execute_result"):
            out.append(msg["content"].get("text") or msg["content"]["data"]["text/plain"])
        if msg["msg_type"] == "error":
            out.append(msg["content"]["ename"])
    reply = client.execute_interactive(code, output_hook=keep, timeout=60)
    return {"status": reply["content"]["status"], "out": "".join(out).strip()}


@pytest.fixture
def forked(tmp_path, monkeypatch):
    """Start kernels as a report does (render's spare kernel), with a marker in their environment."""
    monkeypatch.setenv("KAMREPORT_TEST_MARK", "seen")
    started = []

    def start():
        km = kernels.kernel_manager(kernel_name())
        km.start_kernel(cwd=str(tmp_path), extra_arguments=["--log-level=CRITICAL"])
        client = km.client()
        client.start_channels()
        client.wait_for_ready(timeout=120)
        started.append((km, client))
        return km, client
    yield start
    for km, client in started:
        client.stop_channels()
        if km.is_alive():
            km.shutdown_kernel(now=True)


def test_a_forked_kernel_is_a_kernel_of_its_own_with_the_packages_imported(forked, tmp_path):
    km, client = forked()
    other_km, other = forked()
    proc = km.provisioner.process
    assert isinstance(proc, kernels.ForkedKernel), "the kernel was started, not forked"
    assert proc.pid != other_km.provisioner.process.pid
    facts = _run(client, "import os, sys, matplotlib\n"
                         "print(os.getpid(), os.getpgid(0), os.getsid(0), os.getcwd(), os.environ.get('KAMREPORT_TEST_MARK'),"
                         " 'pandas' in sys.modules, 'inline' in matplotlib.get_backend(), sep='|')")
    pid, group, session, cwd, mark, pandas, inline = facts["out"].split("|")
    assert int(pid) == int(group) == int(session) == proc.pid      # own process, group and session
    assert Path(cwd) == tmp_path and mark == "seen"                 # the kernel's folder and environment
    assert pandas == "True" and inline == "True"                    # imported before the fork; inline plots
    _run(client, "x = 41")
    assert _run(client, "x + 1")["out"] == "42"
    assert _run(other, "x")["out"] == "NameError"                   # nothing of one kernel in another
    assert _run(client, "import subprocess; subprocess.run(['true']).returncode")["out"] == "0"  # children are waited for


def test_a_forked_kernel_is_interrupted_and_shut_down(forked):
    km, client = forked()
    msg = client.execute("import time; time.sleep(60)")
    time.sleep(1)
    km.interrupt_kernel()
    reply = client.get_shell_msg(timeout=20)
    assert reply["parent_header"]["msg_id"] == msg and reply["content"]["ename"] == "KeyboardInterrupt"
    assert _run(client, "1 + 1")["out"] == "2"                      # still alive after the interrupt
    proc = km.provisioner.process
    km.shutdown_kernel(now=True)
    assert proc.poll() is not None and not km.is_alive()
    with pytest.raises(ProcessLookupError):
        os.kill(proc.pid, 0)


def test_kernels_end_with_their_server(forked):
    km, _ = forked()
    pid = km.provisioner.process.pid
    kernels.close_servers()                              # the process that runs reports ends: so does its server
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and km.provisioner.process.poll() is None:
        time.sleep(0.2)
    assert km.provisioner.process.poll() is not None, f"kernel {pid} outlived its server"


def test_a_failing_server_means_a_kernel_started_as_before(forked, monkeypatch):
    def gone(self, *args):
        raise RuntimeError("the kernel fork server is gone")
    monkeypatch.setattr(kernels.Server, "fork", gone)
    km, client = forked()
    assert not isinstance(km.provisioner.process, kernels.ForkedKernel)
    assert _run(client, "6 * 7")["out"] == "42"


def test_a_batch_server_is_warmed_for_its_notebooks_and_shared_with_the_processes_it_starts(monkeypatch):
    from kamreport.report import warm
    from kamreport.report.render import NOTEBOOK_DIR

    modules = warm.notebook_imports([NOTEBOOK_DIR / "01_satisfaction.ipynb", NOTEBOOK_DIR / "03_account_review.ipynb"])
    assert "kamreport.satisfaction.analysis" in modules and "kamreport.report.notebook" in modules
    assert "kamreport.account_comments" in modules
    own = [m for m in modules if m not in warm.CORE]
    assert len(warm.steps(modules)) == 1 + len(own) + 2  # core, each import, semopy, comment lexicons
    assert len(warm.steps(["kamreport.value.analysis"])) == 2 and len(warm.steps()) == 1
    monkeypatch.delenv(kernels.SHARED, raising=False)
    assert kernels.share(kernel_name(), [NOTEBOOK_DIR / "02_customer_value.ipynb"])
    try:
        shared = json.loads(os.environ[kernels.SHARED])
        code = ("import json, os; from kamreport.report import kernels\n"
                "s = kernels.server(json.loads(os.environ[kernels.SHARED])['interpreter'])\n"
                "print(s.process is None, s.socket_path)")
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
        assert out == ["True", shared["socket"]]         # a worker connects to the batch's server, starts none
    finally:
        kernels.close_servers()
    assert kernels.SHARED not in os.environ and not Path(shared["socket"]).exists()


def test_a_report_run_alone_starts_a_server_of_its_own_once_and_never_beside_a_batchs(forked, monkeypatch):
    from kamreport.report.render import NOTEBOOK_DIR

    monkeypatch.delenv(kernels.SHARED, raising=False)
    kernels.close_servers()
    try:
        kernels.start(kernel_name(), [NOTEBOOK_DIR / "02_customer_value.ipynb"])
        (own,) = kernels._SERVERS.values()
        assert own.process is not None and own.alive() and kernels.SHARED not in os.environ
        kernels.start(kernel_name(), [NOTEBOOK_DIR / "01_satisfaction.ipynb"])
        assert list(kernels._SERVERS.values()) == [own]          # one server a process
        km, client = forked()
        assert kernels.forked(km) and _run(client, "import sys; print('pandas' in sys.modules)")["out"] == "True"
        kernels.close_servers()
        assert kernels.share(kernel_name(), [])
        shared = json.loads(os.environ[kernels.SHARED])
        (batch,) = kernels._SERVERS.values()
        kernels._SERVERS.clear()          # as a batch's worker: the batch's server is known by its socket only
        kernels.start(kernel_name(), [NOTEBOOK_DIR / "02_customer_value.ipynb"])
        (worker,) = kernels._SERVERS.values()
        assert worker.process is None and worker.socket_path == shared["socket"]   # a worker starts none of its own
        assert kernels.server(shared["interpreter"]) is worker
        batch.close()
    finally:
        kernels.close_servers()
        monkeypatch.delenv(kernels.SHARED, raising=False)


def test_forking_can_be_turned_off(forked, monkeypatch):
    monkeypatch.setenv("KAMREPORT_FORK_KERNELS", "0")
    km, client = forked()
    assert not isinstance(km.provisioner.process, kernels.ForkedKernel) and not kernels.forked(km)
    assert _run(client, "6 * 7")["out"] == "42"


def test_a_kernel_forked_after_the_servers_reads_starts_with_the_batchs_input_files(mobi_project, forked, monkeypatch):
    from kamreport.params import Params
    from kamreport.report import warm
    from kamreport.report.render import NOTEBOOK_DIR

    params = Params.from_file(mobi_project / "mobi.yaml")
    remote = params.model_copy(update={"data": params.data.model_copy(update={"survey": "postgresql://u:pw@db/x"})})
    assert warm.local_reads([params, remote]) == [params]   # a database is the report's to reach, not the server's
    monkeypatch.delenv(kernels.SHARED, raising=False)
    assert kernels.share(kernel_name(), [NOTEBOOK_DIR / "01_satisfaction.ipynb"], [params])
    try:
        time.sleep(8)                                    # the server imports and reads meanwhile
        km, client = forked()
        survey = str(Path(params.resolve(params.data.survey)).resolve())
        out = _run(client, "import kamreport.inputs as i\nprint(sorted(k[1] for k in (i._MEMO or {})))")["out"]
        assert survey in out, out
        rows = _run(client, "from kamreport.params import Params\n"
                            f"len(i.load_inputs(Params.from_file({str(mobi_project / 'mobi.yaml')!r})).survey)")["out"]
        from kamreport.inputs import load_inputs
        assert rows == str(len(load_inputs(params).survey))     # what a kernel would have read itself
    finally:
        kernels.close_servers()
