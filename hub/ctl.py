"""Start and stop the course's local JupyterHub: what ``make hub`` and ``make hub-stop`` run.

``start`` builds (or updates) the student repository ``build/hub/student-repo``, prints the
address, the password and the nbgitpuller link that hands the chapters out, and runs JupyterHub in
the foreground on 127.0.0.1 (Ctrl-C stops the hub process; learners' servers keep running, as they
would through a hub restart). ``stop`` ends everything the hub started: hub, proxy, every learner's
server and kernel. Learners' files in ``build/hub/homes/`` are never deleted.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # hub/ is a folder of scripts, not a package

import harness  # noqa: E402
import student_repo  # noqa: E402

STATE = Path(os.environ.get("COURSE_HUB_DIR") or harness.ROOT / "build" / "hub").resolve()


def start(port: int) -> int:
    proxy = harness.proxy_command()
    if proxy is None:
        print("configurable-http-proxy is missing: run `make hub` (it installs it with npm).", file=sys.stderr)
        return 1
    repo = STATE / "student-repo"
    changed = student_repo.update_repo(repo)
    password = os.environ.get("COURSE_HUB_PASSWORD") or secrets.token_urlsafe(8)
    hub_url = f"http://127.0.0.1:{port}"
    print(f"Student repository: {repo} ({'updated' if changed else 'up to date'})")
    print(f"Hub:       {hub_url}  (loopback only)")
    print(f"Log in:    any name; password {password}  (learner 'instructor' is the admin)")
    print(f"Hand-out:  {student_repo.nbgitpuller_link(hub_url, repo.as_uri())}")
    print(f"日本語版:  {student_repo.nbgitpuller_link(hub_url, repo.as_uri(), notebook='ja/01_loss_functions.ipynb')}")
    print("Stop:      Ctrl-C stops the hub; `make hub-stop` also ends every learner's server.\n", flush=True)
    env = dict(os.environ, COURSE_HUB_DIR=str(STATE), COURSE_HUB_PORT=str(port),
               COURSE_HUB_PROXY=proxy, COURSE_HUB_PASSWORD=password)
    env["PATH"] = f"{harness.BIN}{os.pathsep}{env.get('PATH', '')}"
    os.chdir(STATE)
    os.execve(str(harness.BIN / "jupyterhub"), ["jupyterhub", "-f", str(harness.CONFIG)], env)
    return 0  # not reached


def stop(port: int) -> int:
    hub = harness.Hub(STATE, port=port)
    pid_file = STATE / "jupyterhub.pid"
    procs = hub.processes()
    hub.shutdown()
    print(f"Stopped {len(procs)} process(es) of the hub in {STATE}; learners' files are kept in {STATE / 'homes'}.")
    if pid_file.exists() and not procs:
        pid_file.unlink()
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["start", "stop"])
    parser.add_argument("--port", type=int, default=int(os.environ.get("COURSE_HUB_PORT") or 8000),
                        help="public port on 127.0.0.1 (the hub also uses the next two)")
    args = parser.parse_args(argv)
    STATE.mkdir(parents=True, exist_ok=True)
    return start(args.port) if args.command == "start" else stop(args.port)


if __name__ == "__main__":
    sys.exit(main())
