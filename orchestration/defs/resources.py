"""Resources shared by every asset. Paths are resolved when a run starts, not at import."""


import sys
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource

from orchestration.defs.transform.project import dbt_project
from orchestration.runner import writer_lock
from orchestration.settings import Settings, get_settings


class WhycallResource(dg.ConfigurableResource):
    """Where the landing zone, the state database and the published warehouse live.

    Empty values fall back to WHYCALL_LANDING_DIR / WHYCALL_WAREHOUSE, then the defaults.
    """

    landing_dir: str = ""
    warehouse: str = ""

    def settings(self) -> Settings:
        return get_settings(self.landing_dir or None, self.warehouse or None)

    @contextmanager
    def yield_for_execution(self, context: dg.InitResourceContext):
        # Every step that writes the state db uses this resource, initialised once per run by the
        # in-process executor: the writer lock is held for the whole run, from `dagster dev` too.
        with writer_lock(self.settings()):
            yield self


@dg.definitions
def resources() -> dg.Definitions:
    return dg.Definitions(
        resources={
            "whycall": WhycallResource(),
            "dbt": DbtCliResource(project_dir=dbt_project, profiles_dir=str(dbt_project.project_dir),
                                  # the venv's dbt, also when the venv is not activated (bin/whycall)
                                  dbt_executable=str(Path(sys.executable).with_name("dbt"))),
        }
    )
