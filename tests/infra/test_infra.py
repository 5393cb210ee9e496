"""The deployment files (Dockerfile, compose, Helm chart, prefect.yaml, docs) agree with the code.

No container engine or Helm binary is needed: the files are parsed and cross-checked against the
settings object, the typer command tree and the flow sources. Every check also runs on a broken
fixture, so a check that cannot fail would be noticed.
"""

from __future__ import annotations

import base64
import copy
import json
from pathlib import Path

import pytest
import yaml
from dotenv import dotenv_values

from services.receipts.signing import ReceiptSigner
from services.settings import Settings
from tests.infra import checks
from tests.infra.checks import CHART, INFRA, ROOT


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((INFRA / "compose.yaml").read_text())


@pytest.fixture(scope="module")
def dockerfile() -> str:
    return (ROOT / "Dockerfile").read_text()


@pytest.fixture(scope="module")
def chart_values() -> dict:
    return yaml.safe_load((CHART / "values.yaml").read_text())


def _texts_with_variables() -> dict[str, str]:
    paths = [*checks.infra_text_files(), ROOT / "Dockerfile", ROOT / "docs" / "deployment.md"]
    return checks.read_texts(p for p in paths if p.exists())


# ---- YAML ------------------------------------------------------------------------------------------------


def test_every_infra_yaml_file_parses():
    files = checks.infra_text_files()
    assert {INFRA / "compose.yaml", INFRA / "prefect.yaml", INFRA / "otel-collector.yaml"} <= set(files)
    assert checks.parse_yaml_files(files) == []


def test_yaml_check_reports_a_broken_file(tmp_path: Path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("services:\n  portal:\n    image: [unclosed\n")
    assert checks.parse_yaml_files([bad]) != []


# ---- settings -------------------------------------------------------------------------------------------


def test_every_ozgflow_variable_in_infra_is_a_setting():
    texts = _texts_with_variables()
    assert any("OZGFLOW_DATABASE_URL" in t for t in texts.values())
    assert checks.unknown_ozgflow_variables(texts) == []


def test_settings_check_reports_a_misspelt_variable(tmp_path: Path):
    broken = (INFRA / "compose.yaml").read_text().replace("OZGFLOW_EFILE_URL", "OZGFLOW_E_FILE_URL")
    problems = checks.unknown_ozgflow_variables({"compose.yaml": broken})
    assert problems == ["compose.yaml: OZGFLOW_E_FILE_URL is not a field of services.settings.Settings"]


# What an operator puts in place of each "change-me" placeholder of infra/.env.example (the commands its comments
# name produce values of this shape).
FILLED_PLACEHOLDERS = {
    "OZGFLOW_SECRET_KEY": "k" * 64,
    "OZGFLOW_RECEIPT_SIGNING_KEY": base64.b64encode(bytes(range(32))).decode(),
    "OZGFLOW_ENCRYPTION_MASTER_KEYS": json.dumps({"2026-1": base64.b64encode(bytes(range(1, 33))).decode()}),
}


def _production_from_env_example(drop: str = "") -> Settings:
    """Settings as a compose deployment from infra/.env.example gets them (compose builds three from infra secrets)."""
    values = {k: v or "" for k, v in dotenv_values(INFRA / ".env.example").items() if k != drop}
    values |= {k: v for k, v in FILLED_PLACEHOLDERS.items() if k in values}
    ozgflow = {k.removeprefix("OZGFLOW_").lower(): v for k, v in values.items() if k.startswith("OZGFLOW_")}
    ozgflow["database_url"] = "postgresql+psycopg://ozgflow:secret@postgres:5432/ozgflow"
    ozgflow["efile_url"] = "s3://ozgflow-efile:secret@minio:9000/ozgflow-efile?secure=false&sse=s3"
    ozgflow["inbound_api_keys"] = json.dumps({"verbis": values["VERBIS_API_KEY"]})
    return Settings.model_validate({k: json.loads(v) if v[:1] in "[{" else v for k, v in ozgflow.items()})


def test_env_example_passes_every_production_check_once_its_placeholders_are_filled():
    placeholders = {
        k for k, v in dotenv_values(INFRA / ".env.example").items() if k.startswith("OZGFLOW_") and "change-me" in v
    }
    assert placeholders == set(FILLED_PLACEHOLDERS)
    settings = _production_from_env_example()
    assert settings.environment == "production" and not settings.dev_mode
    assert ReceiptSigner.from_settings(settings).keys.key_id  # the filled receipt key is one the portal can sign with


@pytest.mark.parametrize(
    "variable",
    [
        "OZGFLOW_AUTH_JWKS_URL",
        "OZGFLOW_RECEIPT_SIGNING_KEY",
        "OZGFLOW_SECRET_KEY",
        "OZGFLOW_CLAMD_URL",
        "OZGFLOW_ENCRYPTION_MASTER_KEYS",
    ],
)
def test_env_example_check_notices_a_missing_production_secret(variable: str):
    with pytest.raises(ValueError, match=variable):
        _production_from_env_example(drop=variable)


def test_every_prefect_variable_is_a_prefect_setting():
    assert checks.unknown_prefect_variables(_texts_with_variables()) == []


def test_prefect_check_reports_an_unknown_variable():
    problems = checks.unknown_prefect_variables({"x.yaml": "PREFECT_API_DATABASE_CONNECTON_URL: x"})
    assert problems == ["x.yaml: PREFECT_API_DATABASE_CONNECTON_URL is not a Prefect setting"]


# ---- commands -------------------------------------------------------------------------------------------


def test_every_ozgflow_command_exists(compose, dockerfile):
    found = list(checks.all_commands(compose, checks.chart_templates(), dockerfile))
    words = {" ".join(argv[:2]) for _, argv in found}
    assert {"portal --host", "worker", "simulator --port", "db upgrade"} <= words
    problems = [f"{where}: {p}" for where, argv in found for p in checks.command_problems(argv)]
    assert problems == []


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["portl"], "no such command"),
        (["db"], "needs a subcommand"),
        (["db", "migrate"], "no such command"),
        (["simulator", "--host", "0.0.0.0"], "has no option --host"),
    ],
)
def test_command_check_reports_a_wrong_command(argv, expected):
    problems = checks.command_problems(argv)
    assert len(problems) == 1 and expected in problems[0]


def test_command_check_finds_commands_in_a_broken_compose_copy(compose, dockerfile):
    broken = copy.deepcopy(compose)
    broken["services"]["migrate"]["command"] = ["database", "upgrade"]
    found = dict(checks.all_commands(broken, {}, dockerfile))
    assert checks.command_problems(found["compose service migrate"]) != []


# ---- Dockerfile -----------------------------------------------------------------------------------------


def test_dockerfile_is_pinned_and_does_not_run_as_root(dockerfile):
    assert checks.dockerfile_problems(dockerfile) == []
    assert checks.dockerfile_ozgflow_command(dockerfile) == ["portal"]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda t: t.replace("python:3.11.11-slim-bookworm AS runtime", "python:latest AS runtime"), "floating tag"),
        (lambda t: t.replace("python:3.11.11-slim-bookworm AS build", "python AS build"), "not pinned"),
        (lambda t: t.replace("USER ozgflow:ozgflow", ""), "no USER line"),
        (lambda t: t.replace("USER ozgflow:ozgflow", "USER root"), "runs as root"),
        (lambda t: t.replace('ENTRYPOINT ["ozgflow"]', 'ENTRYPOINT ["python"]'), "ENTRYPOINT"),
    ],
)
def test_dockerfile_check_reports_a_bad_dockerfile(dockerfile, change, expected):
    broken = change(dockerfile)
    assert broken != dockerfile
    assert any(expected in p for p in checks.dockerfile_problems(broken))


def test_dockerignore_keeps_local_state_and_secrets_out():
    ignored = (ROOT / ".dockerignore").read_text().splitlines()
    for entry in (".git", ".venv", ".ozgflow", ".env", "infra/.env"):
        assert entry in ignored


# ---- compose ----------------------------------------------------------------------------------------------


def test_compose_is_consistent(compose):
    assert checks.compose_problems(compose) == []
    services = compose["services"]
    assert services["worker"]["deploy"]["replicas"] == 2
    assert services["portal"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    api = services["prefect-api"]
    assert "--no-services" in api["command"] and api["environment"]["PREFECT_MESSAGING_BROKER"] == (
        "prefect_redis.messaging"
    )
    assert services["prefect-services"]["command"] == ["prefect", "server", "services", "start"]


def test_compose_ozgflow_services_use_the_s3_efile_store(compose):
    for name in ("portal", "worker", "migrate", "simulator"):
        env = compose["services"][name]["environment"]
        assert env["OZGFLOW_EFILE_URL"].startswith("s3://"), name
        assert env["OZGFLOW_DATABASE_URL"].startswith("postgresql+psycopg://"), name


def test_compose_efile_url_is_understood_by_the_s3_store(compose):
    s3_config = pytest.importorskip("services.efile.s3_config")
    url = checks._resolve_interpolation(compose["x-ozgflow-env"]["OZGFLOW_EFILE_URL"])
    config = s3_config.parse_s3_url(url)
    assert (config.endpoint, config.bucket, config.secure) == ("minio:9000", "ozgflow-efile", False)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda s: s["portal"]["depends_on"].update({"migrations": {"condition": "service_started"}}), "unknown"),
        (lambda s: s["redis"].update({"image": "redis:latest"}), "floating tag"),
        (lambda s: s["redis"].update({"image": "redis"}), "not pinned"),
        (lambda s: s["simulator"].update({"ports": ["8000:8100"]}), "host port 8000"),
        (lambda s: s["worker"]["depends_on"].update({"migrate": {"condition": "service_healthy"}}), "no healthcheck"),
    ],
)
def test_compose_check_reports_a_bad_compose_file(compose, change, expected):
    broken = copy.deepcopy(compose)
    change(broken["services"])
    assert any(expected in p for p in checks.compose_problems(broken))


# ---- Helm -------------------------------------------------------------------------------------------------


def test_helm_chart_templates_match_values_and_helpers(chart_values):
    templates = checks.chart_templates()
    expected = {"portal-deployment.yaml", "worker-deployment.yaml", "migration-job.yaml", "configmap.yaml"}
    assert expected <= set(templates)
    helpers = (CHART / "templates" / "_helpers.tpl").read_text()
    assert checks.helm_template_problems(templates, helpers, chart_values) == []
    yaml.safe_load((CHART / "Chart.yaml").read_text())


def test_helm_migration_job_runs_before_install_and_upgrade():
    job = (CHART / "templates" / "migration-job.yaml").read_text()
    assert '"helm.sh/hook": pre-install,pre-upgrade' in job
    assert 'args: ["db", "upgrade"]' in job


def test_helm_settings_are_real_settings_and_secrets_stay_out_of_values(chart_values):
    known = checks.settings_variables()
    assert set(chart_values["settings"]) <= known
    for secret in ("OZGFLOW_DATABASE_URL", "OZGFLOW_EFILE_URL", "OZGFLOW_INBOUND_API_KEYS"):
        assert secret not in chart_values["settings"]


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("replicas: {{ .Values.portal.replicaCount }}\n", ".Values.portal.replicaCount is not in values.yaml"),
        ('name: {{ include "ozgflow.fulname" . }}\n', 'include "ozgflow.fulname" is not defined'),
        ("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }\n", "unbalanced"),
        ("apiVersion: v1\nmetadata:\n  name: x\n", "lacks apiVersion, kind or metadata"),
        ("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [x\n", "not YAML"),
    ],
)
def test_helm_check_reports_a_bad_template(chart_values, template, expected):
    helpers = (CHART / "templates" / "_helpers.tpl").read_text()
    problems = checks.helm_template_problems({"bad.yaml": template}, helpers, chart_values)
    assert any(expected in p for p in problems), problems


def test_prefect_server_values_separate_services_and_use_redis():
    values = yaml.safe_load((INFRA / "helm" / "prefect-server-values.yaml").read_text())
    assert values["backgroundServices"]["runAsSeparateDeployment"] is True
    assert values["server"]["replicaCount"] >= 2
    assert values["postgresql"]["enabled"] is False
    assert (
        checks.image_pin_problems(f"prefecthq/prefect:{values['global']['prefect']['image']['prefectTag']}", "x") == []
    )
    env = {e["name"] for e in values["global"]["prefect"]["env"]}
    assert {"PREFECT_SERVER_DOCKET_URL", "PREFECT_MESSAGING_BROKER", "PREFECT_SERVER_CONCURRENCY_LEASE_STORAGE"} <= env


# ---- prefect.yaml -----------------------------------------------------------------------------------------


def test_prefect_deployment_entrypoints_exist():
    prefect_yaml = yaml.safe_load((INFRA / "prefect.yaml").read_text())
    assert checks.prefect_entrypoint_problems(prefect_yaml) == []


def test_entrypoint_check_reports_missing_files_and_functions(tmp_path: Path):
    (tmp_path / "flows").mkdir()
    (tmp_path / "flows" / "maintenance.py").write_text("async def maintenance():\n    pass\n\nother = 1\n")
    deployment = {"name": "d", "work_pool": {"name": "p"}, "schedules": [{"cron": "*/5 * * * *"}]}

    def problems(entrypoint: str, **extra) -> list[str]:
        doc = {"deployments": [{**deployment, "entrypoint": entrypoint, **extra}]}
        return checks.prefect_entrypoint_problems(doc, root=tmp_path)

    assert problems("flows/maintenance.py:maintenance") == []
    assert "does not exist" in problems("flows/missing.py:maintenance")[0]
    assert "defines no function 'sweep'" in problems("flows/maintenance.py:sweep")[0]
    assert "not 'path.py:function'" in problems("flows/maintenance.py")[0]
    assert "5 fields" in problems("flows/maintenance.py:maintenance", schedules=[{"cron": "* * *"}])[0]
    assert "work_pool" in problems("flows/maintenance.py:maintenance", work_pool={})[0]
