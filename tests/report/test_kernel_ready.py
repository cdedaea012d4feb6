"""The kernel client's readiness wait (kernels._wait_for_ready), on scripted channels: it ends at
the event that proves IOPub is subscribed, not after a pause of silence, and asks again when that
event was missed."""

from __future__ import annotations

import asyncio
from queue import Empty

import pytest

from kamreport.report import kernels


class _Channel:
    def __init__(self, script):
        self.script, self.timeouts = list(script), []

    def get_msg(self, timeout=None):
        self.timeouts.append(timeout)
        item = self.script.pop(0) if self.script else Empty
        if item is Empty:
            raise Empty
        return item(self) if callable(item) else item


class _Client:
    """What _wait_for_ready uses of a kernel client; kernel_info ids are k1, k2, ..."""

    def __init__(self, shell, iopub, alive=True):
        self.shell_channel, self.iopub_channel = _Channel(shell), _Channel(iopub)
        self.asked, self.handled, self.alive = [], None, alive

    def kernel_info(self):
        self.asked.append(f"k{len(self.asked) + 1}")
        return self.asked[-1]

    def _handle_kernel_info_reply(self, msg):
        self.handled = msg

    async def _async_is_alive(self):
        return self.alive


def _reply(parent="k1"):
    return {"msg_type": "kernel_info_reply", "parent_header": {"msg_id": parent}, "content": {}}


def _status(state, parent):
    return {"msg_type": "status", "parent_header": {"msg_id": parent}, "content": {"execution_state": state}}


WELCOME = {"msg_type": "iopub_welcome", "parent_header": {}, "content": {"subscription": ""}}


def _wait(client, timeout=5):
    asyncio.run(kernels._wait_for_ready(client, timeout))


def test_ready_at_the_welcome_of_its_subscription_without_waiting_for_silence():
    client = _Client([_reply()], [_status("busy", "k1"), WELCOME, _status("idle", "k1")])
    _wait(client)
    assert client.handled["msg_type"] == "kernel_info_reply" and client.asked == ["k1"]
    assert client.iopub_channel.script == [_status("idle", "k1")]     # nothing read after the welcome


def test_ready_at_the_idle_status_of_its_request_from_a_kernel_without_welcome():
    client = _Client([_reply()], [_status("busy", "other"), _status("idle", "other"), _status("busy", "k1"),
                                  _status("idle", "k1")])
    _wait(client)
    assert client.asked == ["k1"] and not client.iopub_channel.script


def test_it_asks_again_when_the_subscription_came_after_the_reply():
    # the first request's IOPub messages were published before the client subscribed
    client = _Client([_reply("k1"), _reply("k2")], [Empty, _status("busy", "k2"), _status("idle", "k2")])
    _wait(client)
    assert client.asked == ["k1", "k2"] and client.handled["parent_header"]["msg_id"] == "k2"
    assert max(client.iopub_channel.timeouts) <= 0.2


def test_an_idle_status_of_an_earlier_request_also_proves_the_subscription():
    client = _Client([Empty, _reply("k1")], [_status("idle", "k1")])
    _wait(client)
    assert client.asked == ["k1", "k2"]


def test_other_shell_messages_are_skipped():
    client = _Client([{"msg_type": "execute_reply", "parent_header": {}, "content": {}}, _reply()], [WELCOME])
    _wait(client)
    assert client.asked == ["k1"]


def test_a_kernel_that_died_or_never_answers_is_an_error():
    with pytest.raises(RuntimeError, match="died before replying"):
        _wait(_Client([], [], alive=False))
    with pytest.raises(RuntimeError, match="didn't respond in 0 seconds"):
        _wait(_Client([], []), timeout=0)


def test_the_clients_of_our_kernel_managers_wait_this_way():
    assert kernels.ReadyClient.wait_for_ready is not kernels.BlockingKernelClient.wait_for_ready
    assert kernels.AsyncReadyClient.wait_for_ready is kernels._wait_for_ready
    km = kernels.kernel_manager("python3")
    assert km.client_class == "kamreport.report.kernels.ReadyClient"
