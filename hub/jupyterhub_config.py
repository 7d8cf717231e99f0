"""JupyterHub for a class of Backprop from Zero, on this machine and on loopback only.

Started by ``make hub`` (``hub/ctl.py start``) and by the hub tests and ``benchmarks/classroom.py``.
Everything is set by environment variables so that several hubs (a test beside an instructor's
demo) never share a port, a database or a home folder:

=========================  =====================================================================
``COURSE_HUB_DIR``         state folder: database, cookie secret, pid files, ``homes/<learner>``
                           (default ``build/hub`` in the repository)
``COURSE_HUB_PORT``        the public port on 127.0.0.1 (default 8000); the hub's own API listens
                           on PORT+1 and the proxy's API on PORT+2
``COURSE_HUB_PROXY``       the ``configurable-http-proxy`` command (default: the copy ``make hub``
                           installs in ``.venv/node_modules``)
``COURSE_HUB_PASSWORD``    the one password every learner types (unset: any password works)
``COURSE_HUB_API_TOKEN``   a token for the ``classroom`` service (admin rights), used by the tests
                           and the load test to create learners and start their servers
=========================  =====================================================================

What a learner gets: a login page (``DummyAuthenticator``: any name, the shared password), a
JupyterLab server of their own started by ``SimpleLocalProcessSpawner`` in their own home folder
``<state>/homes/<name>``, with the course's Python environment (this ``.venv``). Every per-user
file — IPython history, matplotlib's font cache, the MNIST download cache, Jupyter's runtime
files — lives in that home: ``HOME`` and the XDG folders point there.

This is a hub for one machine you control (a demo, a workshop, the tests). The spawner runs every
learner as the same system user, so learners are separated by folders, not by permissions; for a
real class use a hub that gives each learner a system user or a container (The Littlest
JupyterHub, or JupyterHub on Kubernetes) with the same environment — see TEACHING.md.
"""

import os
import sys
from pathlib import Path

c = get_config()  # noqa: F821  (provided by JupyterHub when it loads this file)

ROOT = Path(__file__).resolve().parents[1]
STATE = Path(os.environ.get("COURSE_HUB_DIR") or ROOT / "build" / "hub").resolve()
HOMES = STATE / "homes"
PORT = int(os.environ.get("COURSE_HUB_PORT") or 8000)
BIN = Path(sys.executable).parent  # the environment JupyterHub runs in: .venv/bin
PROXY = os.environ.get("COURSE_HUB_PROXY") or str(ROOT / ".venv" / "node_modules" / ".bin" / "configurable-http-proxy")
STATE.mkdir(parents=True, exist_ok=True)
HOMES.mkdir(exist_ok=True)

# --- network: loopback only ------------------------------------------------------------------
c.JupyterHub.bind_url = f"http://127.0.0.1:{PORT}"
c.JupyterHub.hub_bind_url = f"http://127.0.0.1:{PORT + 1}"
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{PORT + 2}"
c.ConfigurableHTTPProxy.command = [PROXY]
c.ConfigurableHTTPProxy.pid_file = str(STATE / "proxy.pid")

# --- state: one folder, nothing in the working directory ---------------------------------------
c.JupyterHub.db_url = f"sqlite:///{STATE / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(STATE / "jupyterhub.pid")
# A hub restart (a crash, a config change) must not end the class: learners' servers and the
# proxy keep running, and the new hub process takes them over. `make hub-stop` ends them all.
c.JupyterHub.cleanup_servers = False
c.JupyterHub.cleanup_proxy = False

# --- who may log in ------------------------------------------------------------------------
c.JupyterHub.authenticator_class = "dummy"
c.DummyAuthenticator.password = os.environ.get("COURSE_HUB_PASSWORD") or None
c.Authenticator.allow_all = True
c.Authenticator.admin_users = {"instructor"}
token = os.environ.get("COURSE_HUB_API_TOKEN")
if token:
    c.JupyterHub.services = [{"name": "classroom", "api_token": token}]
    c.JupyterHub.load_roles = [{"name": "admin", "services": ["classroom"]}]

# --- each learner's own server, in their own home ---------------------------------------------
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = str(HOMES / "{username}")
c.Spawner.notebook_dir = str(HOMES / "{username}")
c.Spawner.cmd = [str(BIN / "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab"
c.Spawner.args = ["--allow-root"] if os.geteuid() == 0 else []
c.Spawner.start_timeout = 180  # a full class logging in at once on two cores
c.Spawner.http_timeout = 180


def _in_home(sub: str):
    return lambda spawner: str(Path(spawner.home_dir) / sub)


c.Spawner.environment = {
    # Per-user files stay in the learner's home, whatever the hub's own environment says.
    "XDG_CACHE_HOME": _in_home(".cache"),  # course_lib's MNIST cache, matplotlib's font cache
    "XDG_CONFIG_HOME": _in_home(".config"),
    "XDG_DATA_HOME": _in_home(".local/share"),
    "MPLCONFIGDIR": _in_home(".config/matplotlib"),
    "IPYTHONDIR": _in_home(".ipython"),
    "JUPYTER_RUNTIME_DIR": _in_home(".local/share/jupyter/runtime"),
    # One core's worth of BLAS per learner: fair sharing, and the digits the notebooks store.
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "PYTHONHASHSEED": "0",
}
