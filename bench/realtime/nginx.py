"""`deploy/nginx.conf` as it is, run with Debian's nginx on loopback: for `make deploy-check`
(deploy_check.py) and tests/test_nginx.py.

Only two lines of the site are rewritten: the upstream's `server app:8000;` becomes the given
loopback ports, and `listen 80;` the given port. Everything else (the keepalive to the workers, the
WebSocket upgrade, the headers, /metrics kept from the public) is what production runs.
"""

import re
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "deploy" / "nginx.conf"


class ChangedShape(Exception):
    """deploy/nginx.conf no longer has the one upstream server and the one listen line rewritten here."""


def binary() -> str | None:
    """Debian's nginx (packages nginx or nginx-light), or None."""
    return shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)


def write_config(directory: Path, listen_port: int, upstream_ports: list[int]) -> Path:
    """Write deploy/nginx.conf with the upstream and listen port rewritten, inside a main
    configuration that keeps every file nginx writes in `directory`; return the main file."""
    site = SITE.read_text()
    servers = "".join(f"    server 127.0.0.1:{port};\n" for port in upstream_ports)
    site, upstreams = re.subn(r"    server app:8000;[^\n]*\n", servers, site)
    site, listens = re.subn(r"listen 80;", f"listen 127.0.0.1:{listen_port};", site)
    if upstreams != 1 or listens != 1:
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


def start(nginx: str, directory: Path, listen_port: int, upstream_ports: list[int]) -> subprocess.Popen:
    """nginx in the foreground, its own session; stop it with SIGQUIT (graceful) or kill()."""
    config = write_config(directory, listen_port, upstream_ports)
    return subprocess.Popen(  # noqa: S603 - our own command
        [nginx, "-p", str(directory), "-c", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=open(directory / "stderr.log", "wb"),  # noqa: SIM115 - lives as long as nginx
        start_new_session=True,
    )
