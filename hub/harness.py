"""Drive a local JupyterHub as a class would: learners log in, pull the course, run chapters.

Used by ``tests/test_hub.py`` (a small class and the fault tests) and ``benchmarks/classroom.py``
(the capacity measurement). Everything talks HTTP to the hub's public port on 127.0.0.1, as a
browser would: the hub's REST API (with the ``classroom`` service's admin token) to create
learners and start their servers, each learner's own token for their server's REST API, nbgitpuller's
``git-pull/api`` endpoint to hand out the chapters, and the kernel's websocket to execute cells.
Memory is read from ``/proc`` (Linux): the peak resident set (``VmHWM``) of each learner's
server and kernel processes.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import psutil
import requests
import websocket

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "hub" / "jupyterhub_config.py"
BIN = Path(sys.executable).parent
PROXY = ROOT / ".venv" / "node_modules" / ".bin" / "configurable-http-proxy"


def free_port_block(size: int = 3) -> int:
    """A port P such that P .. P+size-1 are free on 127.0.0.1 (the hub needs three)."""
    for _ in range(50):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        if port + size >= 65535:
            continue
        try:
            socks = []
            for p in range(port, port + size):
                s = socket.socket()
                socks.append(s)
                s.bind(("127.0.0.1", p))
            return port
        except OSError:
            continue
        finally:
            for s in socks:
                s.close()
    raise RuntimeError("no block of free ports on 127.0.0.1")


def proxy_command() -> str | None:
    """The configurable-http-proxy command to use, or None where it is not installed."""
    env = os.environ.get("COURSE_HUB_PROXY")
    if env:
        return env
    return str(PROXY) if PROXY.exists() else None


def peak_rss_mb(pid: int) -> float:
    """Peak resident memory (VmHWM) of a live process, in MB (10**6 bytes)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024 / 1e6
    raise RuntimeError(f"no VmHWM for pid {pid}")


class Hub:
    """A JupyterHub process started from ``hub/jupyterhub_config.py`` in its own state folder."""

    def __init__(self, state_dir: Path, *, port: int | None = None, password: str | None = None):
        self.state_dir = Path(state_dir).resolve()
        self.port = port or free_port_block()
        self.token = secrets.token_hex(16)
        self.password = password or secrets.token_hex(8)
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None
        self.log_path = self.state_dir / "hub.log"

    def env(self) -> dict:
        proxy = proxy_command()
        if proxy is None:
            raise RuntimeError("configurable-http-proxy is not installed: run `make hub-proxy`")
        env = dict(os.environ)
        env.update(COURSE_HUB_DIR=str(self.state_dir), COURSE_HUB_PORT=str(self.port),
                   COURSE_HUB_PROXY=proxy, COURSE_HUB_PASSWORD=self.password,
                   COURSE_HUB_API_TOKEN=self.token)
        env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
        return env

    def start(self, timeout: float = 90) -> float:
        """Start the hub (and, through it, the proxy); return the seconds until its API answers."""
        self.state_dir.mkdir(parents=True, exist_ok=True)
        t0 = time.perf_counter()
        log = open(self.log_path, "ab")
        self.process = subprocess.Popen([str(BIN / "jupyterhub"), "-f", str(CONFIG)], cwd=self.state_dir,
                                        env=self.env(), stdout=log, stderr=subprocess.STDOUT,
                                        start_new_session=True)
        log.close()
        while time.perf_counter() - t0 < timeout:
            if self.process.poll() is not None:
                raise RuntimeError(f"the hub exited with {self.process.returncode}; see {self.log_path}")
            try:
                if self.api("GET", "/").status_code == 200:
                    return time.perf_counter() - t0
            except requests.ConnectionError:
                pass
            time.sleep(0.3)
        raise TimeoutError(f"the hub did not answer within {timeout} s; see {self.log_path}")

    def api(self, method: str, path: str, **kwargs) -> requests.Response:
        headers = {"Authorization": f"token {self.token}"}
        return requests.request(method, f"{self.url}/hub/api{path}", headers=headers, timeout=60, **kwargs)

    def stop(self, timeout: float = 30) -> None:
        """Stop the hub process only (learners' servers and the proxy keep running, by design)."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def processes(self) -> list[psutil.Process]:
        """Every process started for this hub: proxy and learners' servers and kernels."""
        homes = str(self.state_dir / "homes")
        found = []
        for proc in psutil.process_iter(["pid", "environ", "cmdline"]):
            env = proc.info.get("environ") or {}
            cmd = " ".join(proc.info.get("cmdline") or [])
            if env.get("COURSE_HUB_DIR") == str(self.state_dir) or env.get("HOME", "").startswith(homes + "/"):
                found.append(proc)
            elif "configurable-http-proxy" in cmd and f"--port {self.port}" in cmd:
                found.append(proc)
        return [p for p in found if p.pid != os.getpid()]

    def shutdown(self) -> None:
        """End the class: the hub, the proxy, every learner's server and kernel."""
        self.stop()
        procs = self.processes()
        for proc in procs:
            try:
                proc.terminate()
            except psutil.Error:
                pass
        _, alive = psutil.wait_procs(procs, timeout=10)
        for proc in alive:
            try:
                proc.kill()
            except psutil.Error:
                pass


@dataclass
class Run:
    """What executing one notebook through a learner's kernel gave."""

    seconds: float
    errors: list[tuple[int, str, str]] = field(default_factory=list)  # (cell index, ename, evalue)
    outputs: dict[int, list[dict]] = field(default_factory=dict)


class Learner:
    """One learner of the class, talking to the hub like their browser would."""

    def __init__(self, hub: Hub, name: str):
        self.hub, self.name = hub, name
        self.home = hub.state_dir / "homes" / name
        self.token: str | None = None
        self.base = f"{hub.url}/user/{name}"

    # -- logging in and starting the server --------------------------------------------------
    def login(self) -> None:
        """Log in through the hub's login page (the DummyAuthenticator's shared password)."""
        session = requests.Session()
        session.get(f"{self.hub.url}/hub/login", timeout=60)
        form = {"username": self.name, "password": self.hub.password, "_xsrf": session.cookies.get("_xsrf", "")}
        reply = session.post(f"{self.hub.url}/hub/login", data=form, allow_redirects=False, timeout=60)
        if reply.status_code != 302 or not any(c.name.startswith("jupyterhub-session") for c in session.cookies):
            raise RuntimeError(f"login of {self.name} failed: HTTP {reply.status_code}")

    def start_server(self, timeout: float = 300) -> None:
        """Start this learner's server and wait until it is ready; get the learner's token."""
        reply = self.hub.api("POST", f"/users/{self.name}/server")
        if reply.status_code not in (201, 202, 400):  # 400: already running
            raise RuntimeError(f"spawn of {self.name}: HTTP {reply.status_code} {reply.text}")
        t0 = time.perf_counter()
        while time.perf_counter() - t0 < timeout:
            server = self.hub.api("GET", f"/users/{self.name}").json().get("servers", {}).get("", {})
            if server.get("ready"):
                break
            time.sleep(0.3)
        else:
            raise TimeoutError(f"the server of {self.name} was not ready within {timeout} s")
        reply = self.hub.api("POST", f"/users/{self.name}/tokens", json={"note": "classroom", "expires_in": 7200})
        self.token = reply.json()["token"]

    def server(self, method: str, path: str, **kwargs) -> requests.Response:
        """A request to this learner's own server (Jupyter Server REST API) through the proxy."""
        headers = {"Authorization": f"token {self.token}"}
        kwargs.setdefault("timeout", 120)
        return requests.request(method, f"{self.base}{path}", headers=headers, **kwargs)

    # -- the course ----------------------------------------------------------------------------
    def pull(self, repo: str, branch: str = "main", targetpath: str = "backprop-from-zero") -> list[dict]:
        """What an nbgitpuller link does: clone or merge ``repo`` into ``~/<targetpath>``."""
        params = {"repo": repo, "branch": branch, "targetpath": targetpath}
        events = []
        with self.server("GET", "/git-pull/api", params=params, stream=True, timeout=300) as reply:
            reply.raise_for_status()
            for line in reply.iter_lines(decode_unicode=True):
                if line and line.startswith("data: "):
                    events.append(json.loads(line[6:]))
                    if events[-1].get("phase") in ("finished", "error"):
                        break
        if not events or events[-1].get("phase") != "finished":
            raise RuntimeError(f"nbgitpuller for {self.name} did not finish: {events[-3:]}")
        return events

    def notebook(self, path: str) -> dict:
        reply = self.server("GET", f"/api/contents/{path}", params={"content": 1})
        reply.raise_for_status()
        return reply.json()["content"]

    def save(self, path: str, nb: dict) -> None:
        reply = self.server("PUT", f"/api/contents/{path}", json={"type": "notebook", "format": "json", "content": nb})
        reply.raise_for_status()

    def start_kernel(self, path: str) -> str:
        body = {"path": path, "type": "notebook", "name": "", "kernel": {"name": "python3"}}
        reply = self.server("POST", "/api/sessions", json=body)
        reply.raise_for_status()
        return reply.json()["kernel"]["id"]

    def execute(self, kernel_id: str, codes: list[str], timeout: float = 600) -> Run:
        """Execute ``codes`` one after the other in the kernel, over its websocket, like JupyterLab."""
        url = f"ws://127.0.0.1:{self.hub.port}/user/{self.name}/api/kernels/{kernel_id}/channels"
        session = uuid.uuid4().hex
        ws = websocket.create_connection(f"{url}?session_id={session}", timeout=timeout,
                                         header=[f"Authorization: token {self.token}"])
        run = Run(0.0)
        t0 = time.perf_counter()
        try:
            for index, code in enumerate(codes):
                self._execute_one(ws, session, index, code, run)
        finally:
            ws.close()
        run.seconds = time.perf_counter() - t0
        return run

    def _execute_one(self, ws, session: str, index: int, code: str, run: Run) -> None:
        msg_id = uuid.uuid4().hex
        ws.send(json.dumps({
            "header": {"msg_id": msg_id, "username": self.name, "session": session,
                       "msg_type": "execute_request", "version": "5.3"},
            "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
            "content": {"code": code, "silent": False, "store_history": True, "user_expressions": {},
                        "allow_stdin": False, "stop_on_error": False},
        }))
        replied = idle = False
        while not (replied and idle):
            msg = json.loads(ws.recv())
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind = msg["header"]["msg_type"]
            if kind == "execute_reply":
                replied = True
            elif kind == "status" and msg["content"]["execution_state"] == "idle":
                idle = True
            elif kind == "error":
                run.errors.append((index, msg["content"]["ename"], msg["content"]["evalue"]))
            elif kind in ("stream", "display_data", "execute_result"):
                run.outputs.setdefault(index, []).append({"output_type": kind, **msg["content"]})

    def run_notebook(self, path: str) -> Run:
        """Open ``path`` in a new kernel and run every code cell, as "Run All" would (not stopping)."""
        nb = self.notebook(path)
        codes = [cell["source"] for cell in nb["cells"] if cell["cell_type"] == "code"]
        kernel = self.start_kernel(path)
        return self.execute(kernel, codes)

    # -- processes -------------------------------------------------------------------------------
    def server_process(self) -> psutil.Process:
        for proc in psutil.process_iter(["environ", "cmdline"]):
            env = proc.info.get("environ") or {}
            if env.get("JUPYTERHUB_USER") == self.name and env.get("HOME") == str(self.home) and \
                    any("jupyterhub-singleuser" in part for part in proc.info.get("cmdline") or []):
                return proc
        raise RuntimeError(f"no server process for {self.name}")

    def kernel_processes(self) -> list[psutil.Process]:
        return [p for p in self.server_process().children(recursive=True)
                if any("ipykernel" in part for part in p.cmdline())]
