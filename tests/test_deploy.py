"""What deploy/ ships, checked without a daemon or a cluster: the Compose file against the
Compose specification's schema (vendored in deploy/schemas/), the Kubernetes manifests against
the API's schemas (kubernetes-validate), and the alert rules and the dashboard against the
metrics a running bot exports."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import pytest
import yaml

from bot.config import PROJECT_ROOT
from composition.settings import EnsembleSettings
from sandbox.rocketchat import RocketChatSandbox
from tests.e2e.conftest import start_bot, stop_bot

DEPLOY = PROJECT_ROOT / "deploy"
COMPOSE = DEPLOY / "compose" / "docker-compose.yml"
KUBERNETES = DEPLOY / "kubernetes"
K8S_VERSION = "1.30.0"
# Custom resources: their operators' schemas are not bundled; checked for shape below.
CUSTOM_KINDS = {("monitoring.coreos.com/v1", "ServiceMonitor"),
                ("postgresql.cnpg.io/v1", "Cluster")}
ONE_SHOT = {"provision"}
PUBLISHED = {"proxy", "jitsi-jvb"}


def _compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(COMPOSE.read_text("utf-8"))
    return loaded


def _settings_variables() -> set[str]:
    """Every ENSEMBLE_… variable the bot reads."""
    names: set[str] = set()

    def walk(model: type[Any], prefix: str) -> None:
        for field_name, field in model.model_fields.items():
            annotation = field.annotation
            name = f"{prefix}{field_name.upper()}"
            if isinstance(annotation, type) and hasattr(annotation, "model_fields"):
                walk(annotation, name + "__")
            else:
                names.add(name)

    walk(EnsembleSettings, "ENSEMBLE_")
    return names


def test_the_compose_file_follows_the_compose_specification() -> None:
    schema = json.loads((DEPLOY / "schemas" / "compose-spec.json").read_text("utf-8"))
    jsonschema.Draft7Validator(schema).validate(_compose())


def test_the_compose_stack_pins_its_images_and_checks_every_service() -> None:
    services = _compose()["services"]
    for name, service in services.items():
        image = service.get("image", "")
        last = image.split("/")[-1]
        tag = last.split(":", 1)[1] if ":" in last else ""
        # A version number, or the bot's own release variable (built from this repository).
        assert re.match(r"(v?\d|stable-\d|\$\{ENSEMBLE_VERSION)", tag), f"{name}: {image!r}"
        if name not in ONE_SHOT:
            assert "healthcheck" in service, f"{name} has no healthcheck"
            assert service.get("restart") == "unless-stopped", name
    for name in ONE_SHOT:
        assert services[name].get("restart") == "no"


def test_only_the_proxy_and_the_media_port_are_published() -> None:
    services = _compose()["services"]
    assert {name for name, service in services.items() if service.get("ports")} == PUBLISHED
    assert services["jitsi-jvb"]["ports"] == ["10000:10000/udp"]


def test_two_bot_replicas_read_what_provision_wrote() -> None:
    services = _compose()["services"]
    bots = {name: s for name, s in services.items() if name.startswith("bot-") and
            name != "bot-db"}
    assert len(bots) == 2
    provision = services["provision"]
    assert provision["command"][:1] == ["provision"]
    env_file = Path(provision["command"][provision["command"].index("--env-file") + 1])
    for name, bot in bots.items():
        assert bot["depends_on"]["provision"] == {"condition": "service_completed_successfully"}
        assert Path(bot["working_dir"]) / ".env" == env_file, name  # pydantic-settings' .env
        assert bot["environment"]["ENSEMBLE_STORE__URL"].startswith("postgresql+asyncpg://")
        assert set(bot["environment"]) <= _settings_variables(), name


def test_every_variable_of_the_compose_file_is_in_its_env_example() -> None:
    text = COMPOSE.read_text("utf-8")
    used = set(re.findall(r"\$\{([A-Z_][A-Z0-9_]*)", text))
    example = (DEPLOY / "compose" / ".env.example").read_text("utf-8")
    documented = set(re.findall(r"^([A-Z_][A-Z0-9_]*)=", example, flags=re.M))
    assert sorted(used - documented) == []


def test_every_named_volume_is_declared() -> None:
    compose = _compose()
    used = {
        volume.split(":")[0]
        for service in compose["services"].values()
        for volume in service.get("volumes", [])
        if not volume.startswith((".", "/"))
    }
    assert used == set(compose["volumes"])


def _manifests() -> list[tuple[Path, dict[str, Any]]]:
    found = []
    for path in sorted(KUBERNETES.rglob("*.yaml")):
        if path.name == "kustomization.yaml":
            continue
        found += [(path, doc) for doc in yaml.safe_load_all(path.read_text("utf-8")) if doc]
    return found


def test_the_kubernetes_manifests_follow_the_api_schemas() -> None:
    manifests = _manifests()
    kinds = {doc["kind"] for _, doc in manifests}
    assert {"Deployment", "Service", "PodDisruptionBudget", "ConfigMap", "NetworkPolicy",
            "ServiceAccount", "ServiceMonitor", "Cluster"} <= kinds
    for path, doc in manifests:
        if (doc["apiVersion"], doc["kind"]) in CUSTOM_KINDS:
            assert doc["metadata"]["name"] and isinstance(doc["spec"], dict), path
            continue
        kubernetes_validate.validate(doc, K8S_VERSION, strict=True)


def test_every_kustomization_names_files_that_exist() -> None:
    for kustomization in KUBERNETES.rglob("kustomization.yaml"):
        content = yaml.safe_load(kustomization.read_text("utf-8"))
        for resource in content.get("resources", []):
            assert (kustomization.parent / resource).exists(), (kustomization, resource)


def _deployment() -> dict[str, Any]:
    return next(doc for _, doc in _manifests() if doc["kind"] == "Deployment")


def test_the_deployment_is_highly_available_and_locked_down() -> None:
    deployment = _deployment()
    spec = deployment["spec"]
    assert spec["replicas"] == 2
    assert spec["strategy"]["rollingUpdate"]["maxUnavailable"] == 0
    pod = spec["template"]["spec"]
    assert pod["affinity"]["podAntiAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    (container,) = pod["containers"]
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    assert container["resources"]["requests"] and container["resources"]["limits"]


def test_secrets_reach_the_bot_as_files_of_real_settings() -> None:
    container = _deployment()["spec"]["template"]["spec"]["containers"][0]
    mounts = {m["name"]: m["mountPath"] for m in container["volumeMounts"]}
    variables = _settings_variables()
    for env in container["env"]:
        assert env["name"].endswith("_FILE") and "valueFrom" not in env, env["name"]
        assert env["name"].removesuffix("_FILE") in variables, env["name"]
        assert env["value"].startswith(mounts["secrets"] + "/"), env["name"]
    config = next(doc for _, doc in _manifests() if doc["kind"] == "ConfigMap")
    assert sorted(set(config["data"]) - variables) == []
    overlay = yaml.safe_load((KUBERNETES / "overlays" / "production" /
                              "kustomization.yaml").read_text("utf-8"))
    files = {Path(f).name for f in overlay["secretGenerator"][0]["files"]}
    assert {Path(env["value"]).name for env in container["env"]} == files


def _alert_rules() -> list[dict[str, Any]]:
    rules = yaml.safe_load((DEPLOY / "monitoring" / "alerts.yaml").read_text("utf-8"))
    return [rule for group in rules["groups"] for rule in group["rules"]]


def test_the_alert_rules_have_the_shape_prometheus_loads() -> None:
    rules = _alert_rules()
    names = [rule["alert"] for rule in rules]
    assert len(names) == len(set(names))
    for rule in rules:
        assert set(rule) <= {"alert", "expr", "for", "labels", "annotations",
                             "keep_firing_for"}, rule["alert"]
        assert rule["expr"].strip() and rule["labels"]["severity"] in ("critical", "warning")
        assert rule["annotations"]["summary"]
        assert rule["expr"].count("(") == rule["expr"].count(")"), rule["alert"]
        if "for" in rule:
            assert re.fullmatch(r"\d+[smhd]", rule["for"]), rule["alert"]
    wanted = {"EnsembleBotDown", "EnsembleNoLeader", "EnsembleReconnectStorm",
              "EnsembleCommandErrors", "EnsembleScheduledJobFailures", "EnsembleWebhookBacklog"}
    assert wanted <= set(names)


def _dashboard_exprs() -> list[str]:
    dashboard = json.loads((DEPLOY / "monitoring" / "grafana-dashboard.json").read_text("utf-8"))
    ids = [panel["id"] for panel in dashboard["panels"]]
    assert len(ids) == len(set(ids))
    return [target["expr"] for panel in dashboard["panels"] for target in panel["targets"]]


def _exported(text: str) -> set[str]:
    names: set[str] = set()
    for line in text.splitlines():
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split()
            names.add(name)
            if kind == "histogram":
                names.update(f"{name}_{suffix}" for suffix in ("bucket", "count", "sum"))
            if kind == "counter":
                names.add(name.removesuffix("_total") + "_total")
        elif line and not line.startswith("#"):
            names.add(re.split(r"[{ ]", line, maxsplit=1)[0])
    return names


@pytest.fixture
async def exported_metrics(tmp_path: Path) -> set[str]:
    chat = RocketChatSandbox()
    await chat.start()
    bot = await start_bot(chat, tmp_path)
    try:
        text = await bot.metrics()
    finally:
        await stop_bot(bot)
        await chat.stop()
    return _exported(text)


async def test_every_metric_of_the_alerts_and_the_dashboard_is_exported(
    exported_metrics: set[str],
) -> None:
    exprs = [rule["expr"] for rule in _alert_rules()] + _dashboard_exprs()
    used = {name for expr in exprs for name in re.findall(r"\bensemble_[a-z_]+", expr)}
    assert len(used) >= 8
    assert sorted(used - exported_metrics) == []
