"""Backup and restore drill (make backup-drill, docs/operations.md): the whole round trip, on
PostgreSQL, from a fresh database to a restored one that serves a signed-in demo user.

1. a fresh source database: migrate, seed_demo (teams, people, agreements, threads, audit chains)
2. pg_dump --format=custom of it
3. pg_restore into another fresh database
4. the restored database: the same rows in every table, no migration missing, every audit chain
   intact (manage.py verify_audit)
5. the app (uvicorn) on the restored database: /healthz answers 200; the demo coordinator signs in
   with password and TOTP code and sees the thread "Medicatieoverdracht"; a new message is posted
   (the ids continue after the restored ones) and the audit chains still verify
6. both databases are dropped (--keep leaves them)

    DRILL_DATABASE_URL=postgres://postgres@127.0.0.1:5432/wv_drill .venv/bin/python deploy/backup_drill.py

The restored database is named after the source with "_restore" appended. Both are dropped and
created anew on every run: never point DRILL_DATABASE_URL at a database you want to keep.
Exit status 0 only when every step passed.
"""

import argparse
import http.cookiejar
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import dj_database_url
import psycopg
import pyotp
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/wv_drill"
# The demo coordinator of Wijkverband Utrecht Oost (README, "Demo accounts").
DEMO_EMAIL = "coordinator@demo.wijkverband.nl"
DEMO_PASSWORD = "wijkverband-demo"  # noqa: S105 - the published demo password
DEMO_TOTP = "A7HRI4K3ULNNFL2VDR3RKZSPHQEOKS6O"
TEAM = "utrecht-oost"
THREAD_TITLE = "Medicatieoverdracht"


class DrillFailed(Exception):
    pass


def step(title: str):
    """Print the step and its time; a DrillFailed inside ends the drill."""

    class Step:
        def __enter__(self):
            self.start = time.perf_counter()
            print(f"-- {title}", flush=True)

        def __exit__(self, kind, error, tb):
            if kind is None:
                print(f"   ok ({time.perf_counter() - self.start:.1f} s)", flush=True)

    return Step()


def _admin(config):
    return psycopg.connect(
        host=config["HOST"], port=config["PORT"] or 5432, user=config["USER"], password=config["PASSWORD"] or None,
        dbname="postgres", autocommit=True,
    )  # fmt: skip


def recreate(config, name: str) -> None:
    with _admin(config) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def drop(config, name: str) -> None:
    with _admin(config) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def url_for(config, name: str) -> str:
    auth = config["USER"] + (f":{config['PASSWORD']}" if config["PASSWORD"] else "")
    return f"postgres://{auth}@{config['HOST']}:{config['PORT'] or 5432}/{name}"


def app_env(url: str) -> dict:
    """The app's environment on one database: the drill needs PostgreSQL only (no Redis)."""
    env = {k: v for k, v in os.environ.items() if k not in {"CI", "REDIS_URL", "DATABASE_URL"}}
    return {**env, "DATABASE_URL": url, "DEBUG": "true", "DJANGO_SETTINGS_MODULE": "config.settings"}


def manage(url: str, *args: str) -> str:
    done = subprocess.run(  # noqa: S603 - our own command lines
        [PYTHON, "manage.py", *args], cwd=ROOT, env=app_env(url), capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise DrillFailed(f"manage.py {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


def run(*command: str) -> None:
    done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603 - pg tools, our arguments
    if done.returncode != 0:
        raise DrillFailed(f"{command[0]} failed:\n{done.stdout}{done.stderr}")


def row_counts(config, name: str) -> dict[str, int]:
    conninfo = {k: v for k, v in {"host": config["HOST"], "port": config["PORT"] or 5432, "user": config["USER"],
                "password": config["PASSWORD"] or None, "dbname": name}.items() if v is not None}  # fmt: skip
    with psycopg.connect(**conninfo) as connection:
        tables = [row[0] for row in connection.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        )]  # fmt: skip
        return {
            table: connection.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))).fetchone()[0]
            for table in tables
        }


class Browser:
    """A cookie-keeping HTTP client, enough to sign in through the real forms."""

    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path: str) -> tuple[int, str, str]:
        with self.opener.open(self.base + path, timeout=30) as response:
            return response.status, response.geturl(), response.read().decode()

    def post(self, path: str, fields: dict, accept: str = "text/html") -> tuple[int, str, str]:
        token = next(c.value for c in self.jar if c.name == "csrftoken")
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, **fields}).encode()
        request = urllib.request.Request(self.base + path, data=body, headers={"Accept": accept})  # noqa: S310
        with self.opener.open(request, timeout=30) as response:
            return response.status, response.geturl(), response.read().decode()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve_and_use(url: str) -> None:
    port = free_port()
    server = subprocess.Popen(  # noqa: S603 - our own command line
        [PYTHON, "-m", "uvicorn", "config.asgi:application", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT, env=app_env(url), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        browser = Browser(base)
        for _ in range(100):
            try:
                status, _url, body = browser.get("/healthz")
                break
            except urllib.error.HTTPError as error:
                raise DrillFailed(f"/healthz on the restored database: {error.code} {error.read().decode()}") from None
            except OSError:
                time.sleep(0.2)
        else:
            raise DrillFailed("the app did not start on the restored database")
        if status != 200 or json.loads(body)["status"] != "ok":
            raise DrillFailed(f"/healthz on the restored database: {status} {body}")
        browser.get("/accounts/login/")
        _status, landed, _body = browser.post("/accounts/login/", {"login": DEMO_EMAIL, "password": DEMO_PASSWORD})
        if "/2fa/" not in landed:
            raise DrillFailed(f"signing in with the demo password did not ask for the second factor (at {landed})")
        _status, landed, _body = browser.post(urllib.parse.urlsplit(landed).path, {"code": pyotp.TOTP(DEMO_TOTP).now()})
        if "/accounts/" in landed:
            raise DrillFailed(f"the TOTP code was not accepted (at {landed})")
        _status, _url, page = browser.get(f"/t/{TEAM}/threads/")
        link = re.search(rf'href="/t/{TEAM}/threads/([^/"]+)/"[^>]*>\s*{THREAD_TITLE}', page)
        if link is None:
            raise DrillFailed(f"the restored thread list of {TEAM} does not show {THREAD_TITLE!r}")
        print(f"   signed in as {DEMO_EMAIL}; /t/{TEAM}/threads/ shows {THREAD_TITLE!r}")
        _status, _url, answer = browser.post(
            f"/t/{TEAM}/threads/{link.group(1)}/post/",
            {"body": "Na de hersteloefening: alles is er nog.", "client_id": str(uuid.uuid4())},
            accept="application/json",
        )
        ack = json.loads(answer)
        print(f"   posted a message on the restored database: message {ack['message']}, seq {ack['seq']}")
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


def main() -> int:
    parser = argparse.ArgumentParser(description="Backup and restore drill on PostgreSQL.")
    parser.add_argument("--keep", action="store_true", help="keep both databases and the dump")
    args = parser.parse_args()
    url = os.environ.get("DRILL_DATABASE_URL", DEFAULT_URL)
    if not url.startswith("postgres"):
        sys.exit("DRILL_DATABASE_URL must name a PostgreSQL database.")
    config = dj_database_url.parse(url)
    source, target = config["NAME"], config["NAME"] + "_restore"
    source_url, target_url = url_for(config, source), url_for(config, target)
    started = time.perf_counter()
    workdir = tempfile.mkdtemp(prefix="wv-drill-")
    dump = Path(workdir) / f"{source}.dump"
    try:
        with step(f"fresh database {source}: migrate and seed_demo"):
            recreate(config, source)
            manage(source_url, "migrate", "--noinput")
            manage(source_url, "seed_demo")
            before = row_counts(config, source)
            print(f"   {sum(before.values())} rows in {len(before)} tables")
        with step(f"pg_dump --format=custom {source}"):
            run("pg_dump", "--format=custom", "--no-owner", f"--file={dump}", f"--dbname={source_url}")
            print(f"   {dump.stat().st_size / 1024:.0f} KiB")
        with step(f"pg_restore into a fresh database {target}"):
            recreate(config, target)
            run("pg_restore", "--exit-on-error", "--no-owner", f"--dbname={target_url}", str(dump))
        with step("the restored database holds the same rows, needs no migration, and its audit chains verify"):
            after = row_counts(config, target)
            differ = {
                t: (before.get(t), after.get(t)) for t in before.keys() | after.keys() if before.get(t) != after.get(t)
            }
            if differ:
                raise DrillFailed(f"row counts differ (source, restored): {differ}")
            manage(target_url, "migrate", "--check")
            print("   " + manage(target_url, "verify_audit").strip())
        with step("the app on the restored database: sign in as a demo user, read and post"):
            serve_and_use(target_url)
            print("   " + manage(target_url, "verify_audit").strip())
    except DrillFailed as failure:
        print(f"   FAILED: {failure}", file=sys.stderr)
        return 1
    finally:
        if not args.keep:
            drop(config, source)
            drop(config, target)
            dump.unlink(missing_ok=True)
            os.rmdir(workdir)
        else:
            print(f"kept: databases {source} and {target}, dump {dump}")
    print(f"backup drill passed in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
