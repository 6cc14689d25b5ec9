"""Data-quality checks for the raw batches: GX suites as code plus plain pandas checks, one runner.

No Dagster import; GX is imported on the first ``run_checks`` call. See runner.py for the entry point,
catalog.py for every check with its family and default severity, params.py for the thresholds.
"""

from expectations.catalog import CheckSpec, list_checks
from expectations.runner import CheckResult, blocking_failures, results_to_rows, run_checks

__all__ = ["CheckResult", "CheckSpec", "blocking_failures", "list_checks", "results_to_rows", "run_checks"]
