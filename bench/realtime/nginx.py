"""`deploy/nginx.conf` as it is, run with Debian's nginx on loopback: for `make deploy-check`
(deploy_check.py) and tests/test_nginx.py.

Only three lines of the site are rewritten: the pages' upstream (`server app:8000;`) and the
sockets' (`server sockets:8000;`) become the given loopback ports, and `listen 80;` the given port.
Everything else (/ws/ to the socket workers and the rest to the page workers, the keepalive to the
page workers, the WebSocket upgrade, the headers, /metrics kept from the public) is what production
runs.
"""

import re
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "deploy" / "nginx.conf"


class ChangedShape(Exception):
    """deploy/nginx.conf no longer has the two upstream servers and the one listen line rewritten here."""


def binary() -> str | None:
    """Debian's nginx (packages nginx or nginx-light), or None."""
    return shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)


def write_config(
    directory: Path, listen_port: int, upstream_ports: list[int], socket_ports: list[int] | None = None
) -> Path:
    """Write deploy/nginx.conf with the upstreams and the listen port rewritten, inside a main
    configuration that keeps every file nginx writes in `directory`; return the main file.

    `upstream_ports`: the page workers; `socket_ports`: the socket workers (/ws/), by default the
    same workers (one service serving both, as a small install may run it)."""
    site = SITE.read_text()
    site, pages = re.subn(r"    server app:8000;[^\n]*\n", _servers(upstream_ports), site)
    site, sockets = re.subn(r"    server sockets:8000;[^\n]*\n", _servers(socket_ports or upstream_ports), site)
    site, listens = re.subn(r"listen 80;", f"listen 127.0.0.1:{listen_port};", site)
    site, logs = re.subn(
        r"access_log /var/log/nginx/access\.log (\w+);", rf"access_log {directory}/access.log \1;", site
    )
    if (pages, sockets, listens, logs) != (1, 1, 1, 1):
        raise ChangedShape("deploy/nginx.conf changed shape: update bench/realtime/nginx.py")
    (directory / "site.conf").write_text(site)
    main = directory / "nginx.conf"
    main.write_text(
        f"""daemon off;
worker_processes 1;
pid {directory}/nginx.pid;
error_log {directory}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {directory}/body;
    proxy_temp_path {directory}/proxy;
    fastcgi_temp_path {directory}/fastcgi;
    uwsgi_temp_path {directory}/uwsgi;
    scgi_temp_path {directory}/scgi;
    include {directory}/site.conf;
}}
"""
    )
    return main


def _servers(ports: list[int]) -> str:
    return "".join(f"    server 127.0.0.1:{port};\n" for port in ports)


def start(
    nginx: str, directory: Path, listen_port: int, upstream_ports: list[int], socket_ports: list[int] | None = None
) -> subprocess.Popen:
    """nginx in the foreground, its own session; stop it with SIGQUIT (graceful) or kill()."""
    config = write_config(directory, listen_port, upstream_ports, socket_ports)
    return subprocess.Popen(  # noqa: S603 - our own command
        [nginx, "-p", str(directory), "-c", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=open(directory / "stderr.log", "wb"),  # noqa: SIM115 - lives as long as nginx
        start_new_session=True,
    )
