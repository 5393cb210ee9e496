"""Static checks of the deployment files in infra/ and the Dockerfile (no container engine, no Helm).

Each check is a function that takes paths or parsed content and returns a list of problems (empty =
fine), so the tests can run it on the real files and on deliberately broken copies.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import click
import typer
import yaml

ROOT = Path(__file__).resolve().parents[2]
INFRA = ROOT / "infra"
CHART = INFRA / "helm" / "ozgflow"

_OZGFLOW_VAR = re.compile(r"\bOZGFLOW_[A-Z0-9_]+\b")
_PREFECT_VAR = re.compile(r"\bPREFECT_[A-Z0-9_]+\b")
_TEMPLATE_EXPR = re.compile(r"{{.*?}}", re.DOTALL)
_VALUES_REF = re.compile(r"\.Values((?:\.[A-Za-z_][A-Za-z0-9_]*)+)")
_INCLUDE_REF = re.compile(r"""\b(?:include|template)\s+"([^"]+)\"""")
_DEFINE = re.compile(r"""{{-?\s*define\s+"([^"]+)"\s*-?}}""")
_INTERPOLATION = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?[-?+]([^}]*))?\}")


# ---- generic --------------------------------------------------------------------------------------


def infra_text_files(root: Path = INFRA) -> list[Path]:
    """Every text file under infra/ that configures something (YAML, templates, env examples, scripts)."""
    suffixes = {".yaml", ".yml", ".tpl", ".example", ".sh", ".txt"}
    return sorted(p for p in root.rglob("*") if p.is_file() and (p.suffix in suffixes or p.name.startswith(".env")))


def is_helm_template(path: Path) -> bool:
    return "templates" in path.parts


def parse_yaml_files(paths: Iterable[Path]) -> list[str]:
    """Every plain YAML file parses (Helm templates are checked by ``helm_template_problems``)."""
    problems = []
    for path in paths:
        if path.suffix not in {".yaml", ".yml"} or is_helm_template(path):
            continue
        try:
            list(yaml.safe_load_all(path.read_text(encoding="utf-8")))
        except yaml.YAMLError as exc:
            problems.append(f"{path.name}: not valid YAML: {exc}")
    return problems


# ---- settings ---------------------------------------------------------------------------------------


def settings_variables() -> set[str]:
    """The environment variable of every field of services.settings.Settings."""
    from services.settings import Settings

    prefix = Settings.model_config.get("env_prefix", "")
    return {f"{prefix}{name}".upper() for name in Settings.model_fields}


def unknown_ozgflow_variables(texts: dict[str, str], known: set[str] | None = None) -> list[str]:
    """Every OZGFLOW_* name mentioned in the given texts must be a real setting (a typo is otherwise
    silently ignored by pydantic-settings and the component runs on its default)."""
    known = settings_variables() if known is None else known
    problems = []
    for name, text in texts.items():
        for var in sorted(set(_OZGFLOW_VAR.findall(text))):
            if var not in known:
                problems.append(f"{name}: {var} is not a field of services.settings.Settings")
    return problems


def prefect_setting_variables() -> set[str]:
    """Every environment variable Prefect's settings accept (canonical names and aliases)."""
    from prefect.settings import Settings as PrefectSettings
    from prefect.settings.legacy import _get_valid_setting_names  # no public API lists the aliases

    return set(_get_valid_setting_names(PrefectSettings))


# prefect-redis (in the Prefect image, not in ozgflow's environment) reads these itself.
PREFECT_PLUGIN_PREFIXES = ("PREFECT_REDIS_MESSAGING_",)


def unknown_prefect_variables(texts: dict[str, str], known: set[str] | None = None) -> list[str]:
    known = prefect_setting_variables() if known is None else known
    problems = []
    for name, text in texts.items():
        for var in sorted(set(_PREFECT_VAR.findall(text))):
            if var not in known and not var.startswith(PREFECT_PLUGIN_PREFIXES):
                problems.append(f"{name}: {var} is not a Prefect setting")
    return problems


# ---- the ozgflow command line -------------------------------------------------------------------------


def cli_command() -> click.Command:
    from services.cli.main import app

    return typer.main.get_command(app)


def command_problems(argv: list[str], root: click.Command | None = None) -> list[str]:
    """``ozgflow ARGV`` must name an existing (sub)command, and each ``--option`` must belong to it."""
    command = cli_command() if root is None else root
    words = [str(a) for a in argv]
    path = ["ozgflow"]
    rest = list(words)
    while hasattr(command, "commands"):  # a group (typer's click may not be the click module's class)
        if not rest or rest[0].startswith("-"):
            return [f"`{' '.join(path)}` needs a subcommand (one of {sorted(command.commands)})"]  # type: ignore[attr-defined]
        name = rest.pop(0)
        sub = command.commands.get(name)  # type: ignore[attr-defined]
        if sub is None:
            return [f"`{' '.join([*path, name])}`: no such command (choices: {sorted(command.commands)})"]
        command, path = sub, [*path, name]
    options = {opt for param in command.params for opt in (*param.opts, *param.secondary_opts)}
    options.add("--help")
    problems = []
    for word in rest:
        if word.startswith("--"):
            flag = word.split("=", 1)[0]
            if flag not in options:
                problems.append(f"`{' '.join(path)}` has no option {flag} (options: {sorted(options)})")
    return problems


def _resolve_interpolation(value: str) -> str:
    """``${VAR:-default}`` → ``default`` (what compose uses when .env does not set VAR)."""
    return _INTERPOLATION.sub(lambda m: m.group(2) or "", value)


def compose_ozgflow_commands(compose: dict[str, Any]) -> dict[str, list[str]]:
    """The argv after the ``ozgflow`` entrypoint of every compose service built from the ozgflow image."""
    commands = {}
    for name, service in (compose.get("services") or {}).items():
        image = _resolve_interpolation(str(service.get("image", "")))
        if "build" in service or image.split("/")[-1].startswith("ozgflow"):
            command = service.get("command", [])
            commands[name] = command.split() if isinstance(command, str) else [str(c) for c in command]
    return commands


def helm_ozgflow_commands(template_texts: dict[str, str]) -> dict[str, list[str]]:
    """``args: [...]`` of the chart's containers (the image's entrypoint is ``ozgflow``)."""
    commands = {}
    for name, text in template_texts.items():
        for i, match in enumerate(re.finditer(r"^\s*args:\s*(\[.*\])\s*$", text, re.MULTILINE)):
            commands[f"{name}#{i}"] = [str(a) for a in yaml.safe_load(match.group(1))]
    return commands


def dockerfile_instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, with line continuations joined and comments dropped."""
    joined = re.sub(r"\\\n", " ", text)
    out = []
    for line in joined.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        word, _, args = stripped.partition(" ")
        out.append((word.upper(), args.strip()))
    return out


def dockerfile_ozgflow_command(text: str) -> list[str]:
    """ENTRYPOINT + CMD of the final stage, when the entrypoint is ``ozgflow``: the default command."""
    entry: list[str] = []
    cmd: list[str] = []
    for word, args in dockerfile_instructions(text):
        if word == "FROM":
            entry, cmd = [], []
        elif word == "ENTRYPOINT":
            entry = json.loads(args)
        elif word == "CMD":
            cmd = json.loads(args)
    return cmd if entry == ["ozgflow"] else []


# ---- Dockerfile -----------------------------------------------------------------------------------------


def dockerfile_problems(text: str) -> list[str]:
    problems = []
    instructions = dockerfile_instructions(text)
    stages: set[str] = set()
    final_user = None
    for word, args in instructions:
        if word == "FROM":
            parts = args.split()
            image = parts[0]
            if len(parts) >= 3 and parts[1].upper() == "AS":
                stages.add(parts[2].lower())
            if image.lower() in stages:
                continue
            problems += image_pin_problems(image, "Dockerfile")
            final_user = None  # USER does not carry over into a new stage
        elif word == "USER":
            final_user = args.split(":")[0]
    if final_user is None:
        problems.append("Dockerfile: the final stage has no USER line (it would run as root)")
    elif final_user in {"root", "0"}:
        problems.append(f"Dockerfile: the final stage runs as {final_user}")
    if not dockerfile_ozgflow_command(text):
        problems.append('Dockerfile: ENTRYPOINT must be ["ozgflow"] with a default CMD')
    return problems


def image_pin_problems(image: str, where: str) -> list[str]:
    """An image must name a version tag (or a digest), never ``latest`` or nothing."""
    image = _resolve_interpolation(image)
    if "@sha256:" in image:
        return []
    name, _, tag = image.rpartition(":")
    if not name or "/" in tag:  # no tag at all ("redis", or "host:5000/redis")
        return [f"{where}: image {image!r} is not pinned to a tag"]
    if tag == "latest" or tag.endswith("-latest") or not re.search(r"\d", tag):
        return [f"{where}: image {image!r} uses a floating tag {tag!r}"]
    return []


# ---- compose ----------------------------------------------------------------------------------------------


def compose_problems(compose: dict[str, Any]) -> list[str]:
    """depends_on names exist, images are pinned, published host ports do not collide."""
    services: dict[str, Any] = compose.get("services") or {}
    problems = []
    used_ports: dict[str, str] = {}  # by port number: 0.0.0.0:X and 127.0.0.1:X cannot both bind
    for name, service in services.items():
        depends = service.get("depends_on") or {}
        for dep in depends if isinstance(depends, list) else depends.keys():
            if dep not in services:
                problems.append(f"compose: {name} depends on unknown service {dep!r}")
        if not isinstance(depends, list):
            for dep, spec in depends.items():
                condition = (spec or {}).get("condition", "service_started")
                if condition not in {"service_started", "service_healthy", "service_completed_successfully"}:
                    problems.append(f"compose: {name} depends on {dep} with unknown condition {condition!r}")
                if condition == "service_healthy" and dep in services and "healthcheck" not in services[dep]:
                    problems.append(f"compose: {name} waits for {dep} to be healthy, but {dep} has no healthcheck")
        if "image" in service:
            problems += image_pin_problems(str(service["image"]), f"compose service {name}")
        elif "build" not in service:
            problems.append(f"compose: {name} has neither image nor build")
        for port in service.get("ports") or []:
            host = _host_port(port)
            if host is None:
                continue
            if host[1] in used_ports:
                problems.append(f"compose: host port {host[1]} of {name} already published by {used_ports[host[1]]}")
            used_ports[host[1]] = name
    return problems


def _host_port(port: Any) -> tuple[str, str] | None:
    """(host ip, host port) of a published port; None when only a container port is given."""
    if isinstance(port, dict):
        published = port.get("published")
        return (str(port.get("host_ip", "0.0.0.0")), str(published)) if published else None
    parts = _resolve_interpolation(str(port)).split("/")[0].split(":")
    if len(parts) == 1:
        return None
    ip = parts[0] if len(parts) == 3 else "0.0.0.0"
    return (ip, parts[-2])


# ---- Helm -------------------------------------------------------------------------------------------------


def values_paths(values: Any, prefix: str = "") -> set[str]:
    """Every dotted key path in values.yaml (``portal``, ``portal.autoscaling``, ...)."""
    paths = set()
    if isinstance(values, dict):
        for key, value in values.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            paths.add(path)
            paths |= values_paths(value, path)
    return paths


def helm_template_problems(templates: dict[str, str], helpers: str, values: dict[str, Any]) -> list[str]:
    """Without rendering: every .Values path exists, every include names a define, and the YAML that
    remains after removing template actions parses and has apiVersion and kind."""
    problems = []
    known_paths = values_paths(values)
    defined = set(_DEFINE.findall(helpers))
    for name, text in {**templates, "_helpers.tpl": helpers}.items():
        for match in _VALUES_REF.finditer(text):
            path = match.group(1).lstrip(".")
            if path not in known_paths:
                problems.append(f"{name}: .Values.{path} is not in values.yaml")
        for include in _INCLUDE_REF.findall(text):
            if include not in defined:
                problems.append(f'{name}: include "{include}" is not defined in _helpers.tpl')
        if text.count("{{") != text.count("}}"):
            problems.append(f"{name}: unbalanced template braces")
    for name, text in templates.items():
        if name.endswith(".tpl") or name.endswith(".txt"):
            continue
        try:
            documents = [d for d in yaml.safe_load_all(strip_template(text)) if d is not None]
        except yaml.YAMLError as exc:
            problems.append(f"{name}: not YAML once template actions are removed: {exc}")
            continue
        if not documents:
            problems.append(f"{name}: no Kubernetes object")
        for doc in documents:
            if not isinstance(doc, dict) or not {"apiVersion", "kind", "metadata"} <= doc.keys():
                problems.append(f"{name}: a document lacks apiVersion, kind or metadata")
    return problems


def strip_template(text: str) -> str:
    """Drop lines that are only template actions; replace inline expressions with a placeholder."""
    lines = []
    for line in text.splitlines():
        if _TEMPLATE_EXPR.sub("", line).strip() == "" and "{{" in line:
            continue
        lines.append(_TEMPLATE_EXPR.sub("TEMPLATED", line))
    return "\n".join(lines) + "\n"


# ---- prefect.yaml -------------------------------------------------------------------------------------------


def prefect_entrypoint_problems(prefect_yaml: dict[str, Any], root: Path = ROOT) -> list[str]:
    """Every deployment's ``entrypoint: path.py:function`` names an existing file and a top-level function
    in it (found by parsing, not importing), with a work pool and a valid cron schedule."""
    problems = []
    deployments = prefect_yaml.get("deployments") or []
    if not deployments:
        problems.append("prefect.yaml: no deployments")
    for deployment in deployments:
        name = deployment.get("name", "?")
        entrypoint = str(deployment.get("entrypoint", ""))
        file_part, _, function = entrypoint.rpartition(":")
        if not file_part or not function:
            problems.append(f"prefect.yaml {name}: entrypoint {entrypoint!r} is not 'path.py:function'")
            continue
        path = root / file_part
        if not path.is_file():
            problems.append(f"prefect.yaml {name}: {file_part} does not exist")
        elif function not in top_level_functions(path):
            problems.append(f"prefect.yaml {name}: {file_part} defines no function {function!r}")
        if not (deployment.get("work_pool") or {}).get("name"):
            problems.append(f"prefect.yaml {name}: no work_pool.name")
        for schedule in deployment.get("schedules") or []:
            cron = schedule.get("cron")
            if cron is not None and len(str(cron).split()) != 5:
                problems.append(f"prefect.yaml {name}: cron {cron!r} does not have 5 fields")
    return problems


def top_level_functions(path: Path) -> set[str]:
    """Names bound at module level to a function (def, async def, or an assignment such as a flow)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    return names


# ---- helpers for the tests ------------------------------------------------------------------------------


def read_texts(paths: Iterable[Path], root: Path = ROOT) -> dict[str, str]:
    return {str(p.relative_to(root)) if p.is_relative_to(root) else p.name: p.read_text() for p in paths}


def chart_templates(chart: Path = CHART) -> dict[str, str]:
    return {p.name: p.read_text() for p in sorted((chart / "templates").iterdir()) if p.name != "_helpers.tpl"}


def all_commands(
    compose: dict[str, Any], templates: dict[str, str], dockerfile: str
) -> Iterator[tuple[str, list[str]]]:
    for name, argv in compose_ozgflow_commands(compose).items():
        yield f"compose service {name}", argv
    for name, argv in helm_ozgflow_commands(templates).items():
        yield f"helm {name}", argv
    yield "Dockerfile CMD", dockerfile_ozgflow_command(dockerfile)
