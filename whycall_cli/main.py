"""`whycall` — generate, run, app, demo, bench (CONTRACT §1)."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from orchestration.settings import DEFAULT_LANDING, get_settings, salt


def _progress_logging() -> None:
    # bound to the real terminal now: the runner redirects sys.stdout (dbt's chatter) to a log file
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("%(message)s"))
    log = logging.getLogger("whycall.progress")
    log.handlers[:] = [handler]
    log.setLevel(logging.INFO)
    log.propagate = False


def cmd_generate(args: argparse.Namespace) -> int:
    from generator.landing import generate_landing

    out = Path(args.out or os.environ.get("WHYCALL_LANDING_DIR") or DEFAULT_LANDING)
    summary = generate_landing(out, days=args.days, contacts_per_day=args.contacts_per_day, seed=args.seed,
                               end=args.end, progress=print)
    print(f"landing zone written to {out.resolve()}: {summary.to_dict().get('counts', summary.to_dict())}")
    return 0


def _apply_paths(args: argparse.Namespace) -> None:
    """Flags win over the environment: export them so every asset resolves the same paths."""
    if getattr(args, "landing", None):
        os.environ["WHYCALL_LANDING_DIR"] = str(Path(args.landing).resolve())
    if getattr(args, "warehouse", None):
        os.environ["WHYCALL_WAREHOUSE"] = str(Path(args.warehouse).resolve())


def cmd_run(args: argparse.Namespace) -> int:
    from orchestration.runner import WarehouseBusy, run_pipeline

    _apply_paths(args)
    _progress_logging()
    if salt()[1]:
        print("warning: WHYCALL_SALT is not set; customer keys use the public demo salt", file=sys.stderr)
    try:
        first, last = args.date or (None, None)
        outcome = run_pipeline(full_refresh=args.full_refresh, date=first, until=last)
    except WarehouseBusy as busy:
        print(f"FAILED: {busy}")
        return 1
    print(outcome.summary())
    return 0 if outcome.success else 1


def cmd_app(args: argparse.Namespace) -> int:
    import subprocess

    from whycall_cli.serving import bind_problem, oidc_problem, secrets_files

    _apply_paths(args)
    settings = get_settings()
    app = Path(__file__).resolve().parents[1] / "app" / "streamlit_app.py"
    files = secrets_files(Path.cwd(), Path.home())
    problem = bind_problem(args.address, auth_proxy=getattr(args, "auth_proxy", False), files=files)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    env = {**os.environ, "WHYCALL_WAREHOUSE": str(settings.warehouse)}
    # with a login configured, every visitor logs in (app/streamlit_app.py), on 127.0.0.1 too
    env["WHYCALL_AUTH"] = "oidc" if oidc_problem(files) is None else ("proxy" if getattr(args, "auth_proxy", False)
                                                                      else "none")
    cmd = [sys.executable, "-m", "streamlit", "run", str(app), "--server.port", str(args.port),
           "--server.address", args.address, "--server.headless", "true",
           "--browser.gatherUsageStats", "false", "--client.toolbarMode", "viewer"]
    print(f"whycall dashboards on http://{args.address}:{args.port} (warehouse {settings.warehouse})")
    print("press Ctrl+C to stop them", flush=True)
    return subprocess.call(cmd, env=env)


def cmd_demo(args: argparse.Namespace) -> int:
    settings = get_settings()
    if not any((settings.landing_dir / "tickets").glob("*")):
        print(f"generating a demo landing zone in {settings.landing_dir} ...")
        rc = cmd_generate(argparse.Namespace(out=str(settings.landing_dir), days=args.days,
                                             contacts_per_day=args.contacts_per_day, seed=42, end=None))
        if rc:
            return rc
    rc = cmd_run(argparse.Namespace(landing=None, warehouse=None, full_refresh=False, date=None))
    if rc:
        return rc
    print("what the managers would receive (whycall notify --dry-run; configure notify: in whycall.yml to send):")
    from orchestration.lib.notify.run import data_as_of

    as_of = data_as_of(get_settings().warehouse)  # the demo's data may be days old: preview as of its last activity
    cmd_notify(argparse.Namespace(landing=None, warehouse=None, dry_run=True, now=as_of, show=1, list=8))
    return cmd_app(argparse.Namespace(landing=None, warehouse=None, port=args.port, address="127.0.0.1"))


def cmd_bench(args: argparse.Namespace) -> int:
    from orchestration.bench import run_bench

    return run_bench(contacts=args.contacts, workdir=args.workdir)


def cmd_pull(args: argparse.Namespace) -> int:
    """Pull Zendesk ticket / Talk call export pages into the landing zone (credentials from the env)."""
    from orchestration.lib import zendesk_api as zd

    landing = get_settings(landing_dir=args.landing).landing_dir
    try:
        streams = [s.strip() for s in args.streams.split(",") if s.strip()]
        summary = zd.pull_zendesk(landing, **zd.credentials_from_env(), start_time=args.start_time,
                                  streams=streams, max_pages=args.max_pages, restart=args.restart,
                                  progress=print)
    except zd.ZendeskConfigError as exc:
        print(f"whycall pull: {exc}", file=sys.stderr)
        return 2
    except zd.ZendeskAPIError as exc:
        for line in exc.summary.lines() if exc.summary else []:
            print(line)
        print(f"whycall pull: {exc}", file=sys.stderr)
        return 1
    for line in summary.lines():
        print(line)
    return 0


def cmd_brief(args: argparse.Namespace) -> int:
    """One department's monthly brief as a printable HTML page (app/brief.py)."""
    from app.brief import BriefError, department_language, load_brief, render_html

    _apply_paths(args)
    warehouse = get_settings().warehouse
    try:
        brief = load_brief(warehouse, args.department, args.month)
        lang = args.lang or department_language(warehouse, args.department) or "en"
        page = render_html(brief, lang)
    except BriefError as exc:
        print(f"whycall brief: {exc}", file=sys.stderr)
        return 2
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(page, encoding="utf-8")
    print(f"brief of {brief.department_name} for {brief.month:%Y-%m} ({lang}) written to {out.resolve()}")
    return 0


def cmd_notify(args: argparse.Namespace) -> int:
    """Deliver new alerts, reminders and escalations (docs/notifications.md); --dry-run only prints."""
    from orchestration.lib.config import load_config
    from orchestration.lib.notify.run import run_notifier
    from orchestration.lib.records import InputError
    from orchestration.runner import WarehouseBusy, writer_lock

    _apply_paths(args)
    settings = get_settings()
    lines: list[str] = []
    try:
        config = load_config(settings.landing_dir)
        kwargs = {"landing_dir": settings.landing_dir, "warehouse": settings.warehouse, "state_db": settings.state_db,
                      "config": config, "now": args.now, "dry_run": args.dry_run, "echo": lines.append}
        if args.dry_run:  # writes nothing: no lock needed
            outcome = run_notifier(**kwargs)
        else:
            with writer_lock(settings):
                outcome = run_notifier(**kwargs)
    except (InputError, WarehouseBusy) as exc:
        print(f"whycall notify: {exc}", file=sys.stderr)
        return 2
    for line in lines[: args.list]:
        print(line)
    if len(lines) > args.list:
        print(f"... and {len(lines) - args.list} more")
    if args.dry_run and args.show:
        for text in outcome.lines[: args.show]:
            print("-" * 72)
            print(text)
    print(outcome.summary())
    if not outcome.dry_run and not config.notify.channels:
        print("no notify: channel in whycall.yml; nothing is sent (docs/notifications.md)")
    return 1 if outcome.failed or (outcome.errors and not outcome.sent and not outcome.dry_run) else 0


def _utc_time(value: str):
    import datetime as dt

    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a time like 2026-05-31T09:00Z") from None
    return parsed.astimezone(dt.UTC).replace(tzinfo=None) if parsed.tzinfo else parsed


def _date(value: str):
    import datetime as dt

    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date like 2026-05-31") from None


def _days(value: str):
    """YYYY-MM-DD or FROM..TO (inclusive) → (first, last)."""
    first, sep, last = value.partition("..")
    start = _date(first)
    end = _date(last) if sep else start
    if end < start:
        raise argparse.ArgumentTypeError(f"{value!r}: the range ends before it starts; write FROM..TO")
    return start, end


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="whycall", description="Why do customers contact us? "
                                     "A customer-service analytics warehouse.")
    sub = parser.add_subparsers(dest="command", required=True)

    g = sub.add_parser("generate", help="write a realistic synthetic landing zone with planted causes")
    g.add_argument("--out", help="landing directory (default ./data/landing)")
    g.add_argument("--days", type=int, default=182)
    g.add_argument("--contacts-per-day", type=int, default=1000)
    g.add_argument("--seed", type=int, default=42)
    g.add_argument("--end", type=_date, default=None, help="last generated day (default yesterday)")
    g.set_defaults(func=cmd_generate)

    r = sub.add_parser("run", help="ingest → checks → dbt build → publish, headless through Dagster")
    r.add_argument("--landing", help="landing directory (default $WHYCALL_LANDING_DIR or ./data/landing)")
    r.add_argument("--warehouse", help="published DuckDB file (default $WHYCALL_WAREHOUSE or "
                   "./data/warehouse/whycall.duckdb)")
    r.add_argument("--full-refresh", action="store_true", help="rebuild every dbt model from scratch")
    r.add_argument("--date", type=_days, default=None, metavar="YYYY-MM-DD[..YYYY-MM-DD]",
                   help="the business day (or FROM..TO range, a backfill) this run is for: the contacts of those days "
                   "are re-derived from the raw records and the volume check judges the last day; without it a run "
                   "recomputes only what was loaded since the last build")
    r.set_defaults(func=cmd_run)

    a = sub.add_parser("app", help="serve the Streamlit dashboards on the published warehouse")
    a.add_argument("--warehouse")
    a.add_argument("--port", type=int, default=8501)
    a.add_argument("--host", "--address", dest="address", default="127.0.0.1",
                   help="address to serve on (default 127.0.0.1); any other needs authentication (docs/deploy.md)")
    a.add_argument("--auth-proxy", action="store_true",
                   help="a reverse proxy in front authenticates every request (allows --host other than 127.0.0.1)")
    a.set_defaults(func=cmd_app)

    d = sub.add_parser("demo", help="generate (if needed) + run + app on the default paths")
    d.add_argument("--port", type=int, default=8501)
    d.add_argument("--days", type=int, default=182)
    d.add_argument("--contacts-per-day", type=int, default=1000)
    d.set_defaults(func=cmd_demo)

    b = sub.add_parser("bench", help="performance benchmark (CONTRACT §6); prints one JSON line")
    b.add_argument("--contacts", type=int, default=1_000_000)
    b.add_argument("--workdir", default=None, help="where to generate and build (default a temp dir)")
    b.set_defaults(func=cmd_bench)

    p = sub.add_parser("pull", help="pull export pages from a vendor API into the landing zone")
    p.add_argument("vendor", choices=["zendesk"], help="zendesk: tickets + Talk calls; credentials from "
                   "ZENDESK_SUBDOMAIN (or ZENDESK_BASE_URL), ZENDESK_EMAIL, ZENDESK_API_TOKEN")
    p.add_argument("--landing", help="landing directory (default $WHYCALL_LANDING_DIR or ./data/landing)")
    p.add_argument("--start-time", default=None, help="first pull only: epoch seconds or YYYY-MM-DD (UTC); "
                   "default 0 = whole history; later pulls resume from the saved cursor")
    p.add_argument("--streams", default="tickets,calls", help="comma-separated, from tickets, calls, "
                   "ticket_events, ticket_metric_events (the ticket history, into ticket_events/)")
    p.add_argument("--max-pages", type=int, default=None, help="stop each stream after N pages (resumable)")
    p.add_argument("--restart", action="store_true", help="ignore the saved cursor and start at --start-time")
    p.set_defaults(func=cmd_pull)

    br = sub.add_parser("brief", help="a department's one-page monthly brief (printable HTML)")
    br.add_argument("--department", required=True, help="department_id of departments.csv")
    br.add_argument("--month", default=None, metavar="YYYY-MM", help="default: the latest published month")
    br.add_argument("--out", required=True, metavar="FILE.html")
    br.add_argument("--lang", choices=["en", "fr"], default=None,
                    help="default: the department's language when published, else en")
    br.add_argument("--warehouse", help="published DuckDB file (default $WHYCALL_WAREHOUSE)")
    br.set_defaults(func=cmd_brief)


    n = sub.add_parser("notify", help="deliver new closed-loop alerts to the managers, reminders and escalations")
    n.add_argument("--dry-run", action="store_true", help="print what would be sent to whom; send and record nothing")
    n.add_argument("--landing", help="landing directory (default $WHYCALL_LANDING_DIR or ./data/landing)")
    n.add_argument("--warehouse", help="published DuckDB file (default $WHYCALL_WAREHOUSE)")
    n.add_argument("--now", type=_utc_time, default=None,
                   help="the time to decide at (UTC unless an offset is given; default now): replay or preview")
    n.add_argument("--show", type=int, default=3, help="with --dry-run: print the text of the first N messages")
    n.add_argument("--list", type=int, default=50, help="print at most N 'send ... to ...' lines")
    n.set_defaults(func=cmd_notify)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
