"""docker-compose.yml cannot be run here (no Docker engine), so its topology is checked as data."""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def test_compose_runs_postgres_redis_two_app_replicas_and_a_load_balancer():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert services["postgres"]["image"].startswith("postgres:")
    assert services["redis"]["image"].startswith("redis:")
    assert services["lb"]["image"].startswith("nginx:")
    assert services["app"]["deploy"]["replicas"] == 2
    env = services["app"]["environment"]
    assert env["DATABASE_URL"].startswith("postgres://") and env["REDIS_URL"].startswith("redis://")
    assert "SECRET_KEY" in env
    assert services["migrate"]["command"][-2:] == ["migrate", "--noinput"]
    for name, service in services.items():
        for dependency in service.get("depends_on", {}):
            assert dependency in services, f"{name} depends on unknown {dependency}"


def test_the_load_balancer_passes_websockets_to_every_replica():
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    assert "server app:8000" in conf
    assert "proxy_set_header Upgrade $http_upgrade" in conf
    assert "proxy_set_header Connection $connection_upgrade" in conf


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
    assert conf.count("proxy_set_header X-Request-ID $request_id;") == conf.count("proxy_pass http://wijkverband;")
