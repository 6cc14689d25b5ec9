"""Closed loop: after publication, every new alert goes to the manager who must call the customer back."""

import dagster as dg

from orchestration.defs.publish.warehouse import published_warehouse
from orchestration.defs.resources import WhycallResource
from orchestration.lib.config import load_config
from orchestration.lib.notify.run import run_notifier
from orchestration.lib.progress import report


@dg.asset(key=["alert_notifications"], deps=[published_warehouse], group_name="publish", kinds={"python"},
          description="Sends each new alert once to its department's manager (e-mail, chat webhook, Zendesk "
          "follow-up ticket per whycall.yml notify:), reminds, escalates, records every attempt in "
          "notify.attempts. Delivery failures are recorded and retried; they never fail the run.")
def alert_notifications(context: dg.AssetExecutionContext, whycall: WhycallResource) -> dg.MaterializeResult:
    settings = whycall.settings()
    config = load_config(settings.landing_dir)
    if not config.notify.channels:
        report(context, "notifications: no notify: channel in whycall.yml (see docs/notifications.md)")
        return dg.MaterializeResult(metadata={"summary": "no channel configured", "sent": 0, "failed": 0})
    outcome = run_notifier(landing_dir=settings.landing_dir, warehouse=settings.warehouse,
                           state_db=settings.state_db, config=config, run_id=context.run_id)
    report(context, outcome.summary())
    return dg.MaterializeResult(metadata={"summary": outcome.summary(), "sent": outcome.sent,
                                          "failed": outcome.failed, "skipped": outcome.skipped,
                                          "waiting": outcome.waiting})

