"""docker-compose.yml cannot be run here (no Docker engine), so its topology is checked as data."""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def test_compose_runs_postgres_redis_page_and_socket_replicas_and_a_load_balancer():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert services["postgres"]["image"].startswith("postgres:")
    assert services["redis"]["image"].startswith("redis:")
    assert services["lb"]["image"].startswith("nginx:")
    # The pages and the live sockets on workers of their own (docs/scaling.md), two of each so that a
    # rolling deploy always leaves one of each kind serving (docs/deploy.md).
    for name in ("app", "sockets"):
        service = services[name]
        assert service["deploy"]["replicas"] == 2
        env = service["environment"]
        assert env["DATABASE_URL"].startswith("postgres://") and env["REDIS_URL"].startswith("redis://")
        assert "SECRET_KEY" in env
        assert "command" not in service  # the image's own uvicorn command, the same for both
        assert "healthz" in " ".join(service["healthcheck"]["test"])
        assert service["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert services["sockets"]["environment"] == services["app"]["environment"]
    assert set(services["lb"]["depends_on"]) == {"app", "sockets"}
    assert services["migrate"]["command"][-2:] == ["migrate", "--noinput"]
    for name, service in services.items():
        for dependency in service.get("depends_on", {}):
            assert dependency in services, f"{name} depends on unknown {dependency}"


def test_the_load_balancer_sends_websockets_to_the_socket_replicas_and_pages_to_the_others():
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    assert "server app:8000" in conf and "server sockets:8000" in conf
    sockets = conf.split("location /ws/ {", 1)[1].split("}", 1)[0]
    assert "proxy_pass http://wijkverband_sockets;" in sockets
    assert "proxy_set_header Upgrade $http_upgrade" in sockets
    assert "proxy_set_header Connection $connection_upgrade" in sockets
    pages = conf.split("location / {", 1)[1].split("}", 1)[0]
    assert "proxy_pass http://wijkverband;" in pages
    assert 'proxy_set_header Connection "";' in pages


def test_compose_runs_the_task_worker_as_its_own_service():
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    worker = services["worker"]
    assert worker["command"] == ["python", "manage.py", "qcluster"]
    env = worker["environment"]
    assert env["DATABASE_URL"] == services["app"]["environment"]["DATABASE_URL"]  # the queue is in PostgreSQL
    assert env["REDIS_URL"].startswith("redis://") and "SITE_URL" in env
    assert "migrate" in worker["depends_on"]


def test_make_run_starts_the_worker_beside_the_web_server():
    recipe = (ROOT / "Makefile").read_text().split("\nrun: ", 1)[1].split("\n\n", 1)[0]
    assert "manage.py qcluster &" in recipe and "uvicorn" in recipe and "trap" in recipe


def test_the_load_balancer_keeps_metrics_from_the_public_and_passes_a_request_id():
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    block = conf.split("location = /metrics {", 1)[1].split("}", 1)[0]
    assert block.strip() == "return 404;"
    assert conf.count("proxy_set_header X-Request-ID $request_id;") == conf.count("proxy_pass http://") == 3


def test_the_image_compiles_our_code_so_that_a_worker_does_not_at_every_start():
    """With PYTHONDONTWRITEBYTECODE no worker writes the compiled modules it imports: the image
    compiles them once, after copying the code, or every restart pays for it again."""
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "PYTHONDONTWRITEBYTECODE=1" in dockerfile
    after_copy = dockerfile.split("COPY . .", 1)[1].split("USER ", 1)[0]
    command = next(line for line in after_copy.splitlines() if "compileall" in line)
    assert command.split("compileall", 1)[1].rstrip(" \\").split() == ["-q", "config", "wijkverband"]
