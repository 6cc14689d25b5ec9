"""`whycall run` records every outcome: its summary at the end of the run log, one line in the operations log
(which the dashboards read to warn about stale data)."""

import json

from app.run_status import latest_stale_data
from orchestration.runner import RunOutcome, record_outcome
from orchestration.settings import get_settings


def test_a_blocked_run_leaves_a_log_that_says_why_and_a_stale_warning(tmp_path) -> None:
    settings = get_settings(landing_dir=tmp_path / "landing", warehouse=tmp_path / "wh" / "whycall.duckdb")
    log = tmp_path / "wh" / "logs" / "run-1.log"
    log.parent.mkdir(parents=True)
    log.write_text("")  # no dbt step ran: nothing was printed during the run
    failure = "check reason_code_in_reasons on raw/reason_map: 1 of 32 rows have a reason_code not in reasons"
    outcome = RunOutcome(False, settings, 1.5, run_id="1c301f73abcd", failures=[failure], log_path=log)
    record_outcome(outcome)

    text = log.read_text()
    assert "FAILED" in text and failure in text
    (entry,) = [
        json.loads(x) for x in (tmp_path / "wh" / "logs" / "operations.jsonl").read_text().splitlines()
    ]
    assert entry["event"] == "run_failure" and entry["log"] == str(log)
    assert entry["failed_checks"] == [failure.removeprefix("check ")]
    stale = latest_stale_data(settings.warehouse)
    assert stale is not None and stale.log == str(log) and "reason_code_in_reasons" in stale.error

    record_outcome(RunOutcome(True, settings, 9.0, run_id="2d", published=True, log_path=log))
    assert latest_stale_data(settings.warehouse) is None
