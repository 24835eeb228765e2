"""deploy/prometheus/: a scrape config Prometheus accepts, for every service; alert rules that
fire when their unit tests say (promtool, from Debian's prometheus package, which `make up`
installs); and no rule that watches a metric the services do not expose."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from prometheus_client import CollectorRegistry

from services.case.metrics import CaseMetrics
from services.case.settings import CaseSettings
from services.common.metrics import ServiceMetrics
from services.intake.settings import IntakeSettings
from services.notification.metrics import NotificationMetrics
from services.notification.settings import NotificationSettings
from services.records.settings import RecordsSettings
from services.web.settings import WebSettings

PROMETHEUS = Path(__file__).resolve().parents[2] / "deploy" / "prometheus"


def promtool(*args: str) -> str:
    if shutil.which("promtool") is None:
        pytest.fail("promtool is missing: apt-get install prometheus (make up does)")
    result = subprocess.run(
        ["promtool", *args], cwd=PROMETHEUS, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_prometheus_accepts_the_scrape_config_and_its_rules():
    promtool("check", "config", "prometheus.yml")
    promtool("check", "rules", "alerts.yml")


def test_each_alarm_fires_when_its_unit_tests_say():
    assert "SUCCESS" in promtool("test", "rules", "alerts_test.yml")


def test_every_service_is_scraped_on_its_default_port():
    config = yaml.safe_load((PROMETHEUS / "prometheus.yml").read_text())
    targets = {
        job["job_name"]: [t for c in job["static_configs"] for t in c["targets"]]
        for job in config["scrape_configs"]
    }
    ports = {
        "intake": IntakeSettings().port,
        "case": CaseSettings().port,
        "notification": NotificationSettings().port,
        "records": RecordsSettings().port,
        "web": WebSettings().port,
    }
    assert targets == {job: [f"127.0.0.1:{port}"] for job, port in ports.items()}


def _exposed_names() -> set[str]:
    registry = CollectorRegistry()
    service = ServiceMetrics("any")
    CaseMetrics(registry)
    NotificationMetrics(registry)
    names = set()
    for source in (service.registry, registry):
        for family in source.collect():
            names.add(family.name)
            names.update(sample.name for sample in family.samples)
    # Counters are exposed with _total; a rule may use either spelling of a histogram.
    return names | {f"{n}_total" for n in names}


def test_every_metric_an_alarm_watches_is_one_the_services_expose():
    rules = yaml.safe_load((PROMETHEUS / "alerts.yml").read_text())["groups"][0]["rules"]
    watched = {name for rule in rules for name in re.findall(r"harbour_\w+", rule["expr"])}
    assert watched, "no Harbour metric watched"
    assert watched <= _exposed_names(), watched - _exposed_names()
    wanted = {"HarbourOutboxStuck", "HarbourDeadLetters", "HarbourDeadlineBreached"}
    assert wanted | {"HarbourDeliveriesFailing"} <= {rule["alert"] for rule in rules}
