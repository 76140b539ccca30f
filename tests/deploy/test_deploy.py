import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(shutil.which("docker-compose") is None, reason="docker-compose (Debian) not installed")
def test_the_compose_file_validates(tmp_path):
    shutil.copy(ROOT / "docker-compose.yml", tmp_path / "docker-compose.yml")
    shutil.copy(ROOT / ".env.example", tmp_path / ".env")
    result = subprocess.run(
        [
            "docker-compose",
            "--project-directory",
            str(tmp_path),
            "-f",
            str(tmp_path / "docker-compose.yml"),
            "config",
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    for service in ("db", "redis", "web", "worker-long", "worker-short", "beat", "init"):
        assert f"  {service}:" in result.stdout

    # Only `init` (migrations) connects as the owner of the tables; the portal's processes run as a
    # role of their own and are never given the owner's credentials.
    import dj_database_url
    import yaml

    services = yaml.safe_load(result.stdout)["services"]
    owner = dj_database_url.parse(services["init"]["environment"]["DATABASE_OWNER_URL"])
    assert owner["USER"] == services["db"]["environment"]["POSTGRES_USER"]
    assert "migrate" in " ".join(services["init"]["command"])
    for name in ("web", "worker-long", "worker-short", "beat"):
        environment = services[name]["environment"]
        portal = dj_database_url.parse(environment["DATABASE_URL"])
        assert portal["USER"] != owner["USER"], name
        assert not environment.get("DATABASE_OWNER_URL") and not environment.get("POSTGRES_PASSWORD"), name


def _manage(*args, env_extra):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(env_extra)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )


PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "nq57portal.settings.production",
    "SECRET_KEY": "x" * 20 + "-production-like-secret-key-for-the-check-only-0123456789",
    "ALLOWED_HOSTS": "nq57.example.gov.vn",
}
MAIL = {"EMAIL_HOST": "smtp.example.gov.vn", "EMAIL_PORT": "587", "EMAIL_USE_TLS": "1"}


def test_production_settings_pass_check_deploy():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env_extra={**PRODUCTION, **MAIL})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_fails_when_mail_is_left_unset_in_production(monkeypatch):
    for name in [k for k in os.environ if k.startswith("EMAIL_")]:
        monkeypatch.delenv(name)
    result = _manage("check", "--deploy", env_extra=PRODUCTION)
    assert result.returncode != 0
    assert "ops.E002" in result.stderr and "EMAIL_HOST is not set" in result.stderr
    # A backend that delivers nothing is refused too.
    result = _manage(
        "check",
        "--deploy",
        env_extra={**PRODUCTION, **MAIL, "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"},
    )
    assert result.returncode != 0
    assert "ops.E001" in result.stderr


def test_production_reads_the_mail_server_from_the_environment(monkeypatch):
    for name in [k for k in os.environ if k.startswith("EMAIL_")]:
        monkeypatch.delenv(name)
    script = (
        "from django.core.mail import get_connection; c = get_connection(); "
        "print(type(c).__module__, c.host, c.port, c.use_tls, c.use_ssl, c.username, c.password, c.timeout)"
    )
    result = _manage(
        "shell",
        "-c",
        script,
        env_extra={
            **PRODUCTION,
            **MAIL,
            "EMAIL_HOST_USER": "no-reply@example.gov.vn",
            "EMAIL_HOST_PASSWORD": "mat-khau",
        },
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].split() == [
        "django.core.mail.backends.smtp",
        "smtp.example.gov.vn",
        "587",
        "True",
        "False",
        "no-reply@example.gov.vn",
        "mat-khau",
        "30",
    ]


def test_production_refuses_to_start_without_a_secret_key():
    result = _manage(
        "check",
        env_extra={
            "DJANGO_SETTINGS_MODULE": "nq57portal.settings.production",
            "SECRET_KEY": "",
            "ALLOWED_HOSTS": "x",
        },
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


@pytest.mark.django_db
def test_every_page_carries_a_strict_content_security_policy(client):
    response = client.get(reverse("login"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_the_interface_stays_vietnamese_when_the_browser_asks_for_english(client):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.headers["Content-Language"] == "vi"
    client.cookies["django_language"] = "en"
    assert client.get(reverse("login")).headers["Content-Language"] == "en"


def test_the_language_cookie_is_secure_in_production():
    result = _manage(
        "diffsettings",
        "--all",
        env_extra={
            "DJANGO_SETTINGS_MODULE": "nq57portal.settings.production",
            "SECRET_KEY": "x" * 20 + "-production-like-secret-key-for-the-check-only-0123456789",
            "ALLOWED_HOSTS": "nq57.example.gov.vn",
        },
    )
    assert result.returncode == 0, result.stderr
    settings_text = result.stdout
    for line in (
        "LANGUAGE_COOKIE_SECURE = True",
        "LANGUAGE_COOKIE_SAMESITE = 'Lax'",
        "LANGUAGE_COOKIE_HTTPONLY = True",
    ):
        assert line in settings_text, line


@pytest.mark.django_db
def test_the_language_cookie_goes_to_this_sites_pages_only_and_not_to_scripts(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("login")})
    cookie = response.cookies["django_language"]
    assert cookie.value == "en"
    assert cookie["samesite"] == "Lax" and cookie["httponly"] is True


@pytest.mark.django_db
def test_signed_in_pages_are_private_and_not_stored(client):
    from tests.factories import UserFactory
    from units.models import Role

    # Nobody is signed in: a page open to all (the health check) carries no such rule.
    assert "Cache-Control" not in client.get(reverse("healthz"))
    assert "Cache-Control" not in client.get(reverse("home"))  # the way to the login page
    client.force_login(UserFactory(roles=[Role.STAFF]))
    for url in (reverse("home"), reverse("kpis:my_tasks"), reverse("notifications:bell")):
        response = client.get(url)
        directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
        assert {"private", "no-store"} <= directives, (url, response.get("Cache-Control"))
    # Signed out, the next answer is anyone's again.
    client.post(reverse("logout"))
    assert "Cache-Control" not in client.get(reverse("home"))


@pytest.mark.skipif(shutil.which("docker-compose") is None, reason="docker-compose (Debian) not installed")
def test_the_compose_file_runs_a_worker_per_kind_of_job_and_one_beat(tmp_path):
    import yaml

    shutil.copy(ROOT / "docker-compose.yml", tmp_path / "docker-compose.yml")
    shutil.copy(ROOT / ".env.example", tmp_path / ".env")
    result = subprocess.run(
        ["docker-compose", "--project-directory", str(tmp_path), "-f", str(tmp_path / "docker-compose.yml"),
         "config", "-q"],
        capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]

    def option(command, name):
        return command[command.index(name) + 1]

    long_, short = services["worker-long"]["command"], services["worker-short"]["command"]
    assert (option(long_, "-Q"), option(long_, "--prefetch-multiplier")) == ("long", "1")
    assert option(short, "-Q").split(",") == ["short", "celery"]
    assert services["beat"]["deploy"]["replicas"] == 1
    assert not [
        name for name, service in services.items() if "beat" in service.get("command", []) and name != "beat"
    ]
