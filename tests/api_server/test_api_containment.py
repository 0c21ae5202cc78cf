"""Containment in the fake API: hostile web-app and scripts.run executions run in worker processes
(api_server.workers); each ends with Apps Script's answer for a failed execution, and the server
keeps answering other requests. Small caps: a 32 MB heap, a 2 s execution cap (room to fill that
heap on a busy machine)."""

from __future__ import annotations

import os
import selectors
import signal
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

from gas_emulator import Settings
from gas_emulator.api_server import FakeApiServer
from gas_emulator.api_server.testing import (
    WEB_AND_API_MANIFEST,
    checked_client,
    checked_logging_client,
    js_file,
    web_request,
)
from gas_emulator.api_server.testing import content_files as files
from gas_emulator.api_server.workers import ProcessEngine
from gas_emulator.clock import RealClock
from gas_emulator.runtime.webapp import response_for
from gas_emulator.store.memory import MemoryStore

TIMEOUT = "Exceeded maximum execution time"
OOM = Settings().out_of_memory_message
HOSTILE = """function doGet(e) { return ContentService.createTextOutput(this[e.parameter.mode]()); }
function fine() { return "fine"; }
function loop() { while (true) { Utilities.getUuid(); } }
function wait() { Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0); }
function grow() { var a = []; while (true) { a.push({n: a.length}); } }
function fill() { return new Array(1e9).fill(0).length; }
function buffers() { var a = []; while (true) { a.push(new Uint8Array(5e7).fill(1)); } }
function logThenFill() { console.log("about to fill"); Logger.log("still here"); return fill(); }
"""


@pytest.fixture(scope="module")
def deployed():
    """A server whose executions run in workers, with HOSTILE deployed as web app and API target."""
    mp = pytest.MonkeyPatch()
    mp.setenv("GAS_EMU_V8_HEAP_MB", "32")  # read by each worker when it starts
    mp.setenv("GAS_EMU_DATA_MB", "1536")
    store = MemoryStore()
    engine = ProcessEngine(store, RealClock(), settings=Settings(max_execution_ms=2000), max_workers=3)
    with FakeApiServer(store, engine=engine) as server:
        api = checked_client(server)
        script_id = api.projects().create(body={"title": "hostile"}).execute()["scriptId"]
        api.projects().updateContent(scriptId=script_id, body={"files": files(
            js_file("Code", HOSTILE), manifest=WEB_AND_API_MANIFEST)}).execute()
        api.projects().versions().create(scriptId=script_id, body={}).execute()
        dep = api.projects().deployments().create(scriptId=script_id, body={"versionNumber": 1}).execute()
        yield api, dep, engine, server
    engine.close()
    mp.undo()


def fetch(url: str) -> tuple[int, str]:
    status, body = web_request(url)
    return status, body.decode()


def web(deployed, mode: str) -> tuple[int, str]:
    _, dep, *_ = deployed
    return fetch(dep["entryPoints"][0]["webApp"]["url"] + f"?mode={mode}")


def failed_page(message: str) -> tuple[int, str]:
    page = response_for(None, message, "doGet")
    return page.status, page.body


def run(deployed, function: str) -> dict:
    api, dep, *_ = deployed
    return api.scripts().run(scriptId=dep["deploymentId"], body={"function": function}).execute()


def test_a_service_call_loop_request_ends_at_the_cap(deployed):
    assert web(deployed, "loop") == failed_page(TIMEOUT)


def test_a_heap_filling_request_ends_with_the_out_of_memory_message(deployed):
    assert web(deployed, "grow") == failed_page(OOM)


def test_a_builtin_exhausting_memory_answers_and_the_next_request_is_served(deployed):
    assert web(deployed, "fill") == failed_page(OOM)
    assert web(deployed, "fine") == (200, "fine")


def test_an_array_buffer_flood_fails_in_javascript(deployed):
    assert web(deployed, "buffers") == failed_page("Array buffer allocation failed")


def test_scripts_run_of_a_builtin_exhausting_memory_is_an_execution_error(deployed):
    op = run(deployed, "fill")
    assert (op["error"]["code"], op["error"]["details"][0]["errorMessage"]) == (3, OOM)


def test_what_an_execution_logged_before_its_worker_died_is_listed(deployed):
    op = run(deployed, "logThenFill")  # V8 out of memory for good: the worker process ends
    assert op["error"]["details"][0]["errorMessage"] == OOM
    server = deployed[3]
    listed = checked_logging_client(server).entries().list(body={
        "resourceNames": ["projects/my-gcp-project"],
        "filter": 'resource.labels.function_name="logThenFill"'}).execute()["entries"]
    assert [(e["severity"], e["textPayload"]) for e in listed][:2] == [
        ("DEBUG", "about to fill"), ("INFO", "still here")]


def test_scripts_run_of_a_loop_is_script_timeout(deployed):
    op = run(deployed, "loop")
    assert (op["error"]["code"], op["error"]["details"][0]["errorMessage"]) == (10, TIMEOUT)


def test_two_atomics_wait_requests_do_not_hold_up_a_normal_one(deployed):
    with ThreadPoolExecutor(max_workers=2) as pool:
        waits = [pool.submit(web, deployed, "wait") for _ in range(2)]
        assert web(deployed, "fine") == (200, "fine")
        assert [w.result() for w in waits] == [failed_page(TIMEOUT)] * 2


def test_a_worker_that_dies_is_not_reused(deployed):
    _, _, engine, _ = deployed
    web(deployed, "fill")  # V8 out of memory for good: that worker ends
    assert all(worker.process.is_alive() for worker in engine.pool.idle_workers())
    assert web(deployed, "fine") == (200, "fine")


class _Url:
    def __init__(self, url: str) -> None:
        self.base_url = url


def test_serve_api_answers_after_a_runaway_and_a_fatal_out_of_memory(tmp_path):
    env = {**os.environ, "GAS_EMU_V8_HEAP_MB": "32", "GAS_EMU_DATA_MB": "1536"}
    proc = subprocess.Popen([sys.executable, "-m", "gas_emulator.cli", "serve-api", "--max-seconds", "0.5"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    try:
        with selectors.DefaultSelector() as sel:
            sel.register(proc.stdout, selectors.EVENT_READ)
            assert sel.select(timeout=60), "serve-api printed nothing in 60 s"
        api = checked_client(_Url(proc.stdout.readline().strip()))
        script_id = api.projects().create(body={"title": "cli"}).execute()["scriptId"]
        api.projects().updateContent(scriptId=script_id, body={"files": files(
            js_file("Code", HOSTILE), manifest=WEB_AND_API_MANIFEST)}).execute()
        api.projects().versions().create(scriptId=script_id, body={}).execute()
        dep = api.projects().deployments().create(scriptId=script_id, body={"versionNumber": 1}).execute()
        url = dep["entryPoints"][0]["webApp"]["url"]
        answers = [fetch(f"{url}?mode={mode}") for mode in ("loop", "fill", "fine")]
        assert answers == [failed_page(TIMEOUT), failed_page(OOM), (200, "fine")]
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
