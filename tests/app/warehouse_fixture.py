"""A small but realistic published warehouse for the app tests.

Ten weeks of contacts (2026-09-12 → 2026-11-20) for four departments and eight reasons, with two registered
incidents (one with customers told first), an unregistered spike, three improvement actions, surveys and
alerts in every state, a burst of suspect contacts, load audit, rejects and quality results.

Contacts are drawn with a fixed seed; every mart is then derived from them in SQL, the way the dbt project
would, so the marts agree with ``fct_contacts``. ``optional=False`` leaves out everything beyond
CONTRACT §5 (dim tables, the contact text, quality results, the contacts_daily summary) to exercise the app's
fallbacks.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import duckdb
import pandas as pd
from priorities_fixture import add_fix_priorities

from orchestration.lib.suggestion_table import build_suggestions

FIRST_DAY = dt.date(2026, 9, 12)
LAST_DAY = dt.date(2026, 11, 20)

DEPARTMENTS = [
    # department_id, name, manager, daily volume (None = no volume measure), monthly alert target
    ("BILL", "Billing", "Alice Martin", 2_000, 10),
    ("LOGI", "Logistics", "Bruno Petit", 800, 8),
    ("WEB", "Digital", "Chloé Durand", 5_000, 5),
    ("SALES", "Sales", "David Leroy", None, None),
]

REASONS = [
    # reason_code, label_en, label_fr, kind, department_id, daily weight, mean handle minutes, text
    (
        "invoice_unclear",
        "Unclear invoice",
        "Facture peu claire",
        "unwanted",
        "BILL",
        6,
        9,
        "I do not understand the amount on my invoice",
    ),
    (
        "payment_failed",
        "Payment failed",
        "Paiement refusé",
        "unwanted",
        "BILL",
        3,
        7,
        "Mon paiement a été refusé alors que ma carte est valide",
    ),
    (
        "late_delivery",
        "Late delivery",
        "Livraison en retard",
        "unwanted",
        "LOGI",
        5,
        6,
        "My parcel has still not arrived, where is it?",
    ),
    (
        "damaged_parcel",
        "Damaged parcel",
        "Colis endommagé",
        "unwanted",
        "LOGI",
        2,
        10,
        "Le colis est arrivé abîmé, je veux un remplacement",
    ),
    (
        "password_reset",
        "Password reset",
        "Mot de passe oublié",
        "unwanted",
        "WEB",
        4,
        3,
        "I cannot log in, please reset my password",
    ),
    (
        "opening_hours",
        "Opening hours",
        "Horaires d'ouverture",
        "unwanted",
        "WEB",
        2,
        2,
        "Quels sont vos horaires d'ouverture ?",
    ),
    (
        "new_contract",
        "New contract",
        "Nouveau contrat",
        "value",
        "SALES",
        4,
        14,
        "I would like to sign up for the family plan",
    ),
    (
        "upgrade_advice",
        "Upgrade advice",
        "Conseil de montée en gamme",
        "value",
        "SALES",
        2,
        12,
        "Quelle offre me conseillez-vous pour plus de débit ?",
    ),
]

CHANNELS = [("phone", 5), ("email", 3), ("chat", 2), ("web", 1)]
COST_PER_MINUTE = {"phone": 0.90, "chat": 0.70, "email": 0.55, "web": 0.60}
SOURCE_OF = {"phone": "talk", "email": "zendesk", "chat": "zendesk", "web": "zendesk"}

INCIDENTS = [
    # incident_id, title, department, reason, first day, last day, proactive, extra contacts per day
    (
        "INC-1",
        "Carrier strike",
        "LOGI",
        "late_delivery",
        dt.date(2026, 10, 14),
        dt.date(2026, 10, 16),
        False,
        25,
    ),
    (
        "INC-2",
        "Card processor outage",
        "BILL",
        "payment_failed",
        dt.date(2026, 11, 4),
        dt.date(2026, 11, 5),
        True,
        10,
    ),
]
UNREGISTERED_SPIKE = ("password_reset", dt.date(2026, 11, 12), 22)
BURST_CUSTOMER = ("cust-burst", dt.date(2026, 11, 18), 10)

ACTIONS = [
    # action_id, reason, department, implemented_on, description, rate_before, rate_after, lo, hi, avoided, verdict
    (
        "A-1",
        "invoice_unclear",
        "BILL",
        dt.date(2026, 10, 5),
        "Clearer invoice layout",
        3.4,
        2.5,
        0.62,
        0.88,
        96.0,
        "reduced",
    ),
    (
        "A-2",
        "late_delivery",
        "LOGI",
        dt.date(2026, 10, 19),
        "Delivery tracking SMS",
        6.1,
        5.8,
        0.81,
        1.12,
        0.0,
        "no_evidence",
    ),
    (
        "A-3",
        "opening_hours",
        "WEB",
        dt.date(2026, 10, 26),
        "New contact page",
        0.40,
        0.55,
        1.08,
        1.71,
        -12.0,
        "increased",
    ),
]


def _contacts(rng: random.Random) -> pd.DataFrame:
    rows: list[dict] = []
    reason_weights = [r[5] for r in REASONS]
    channel_names = [c[0] for c in CHANNELS]
    channel_weights = [c[1] for c in CHANNELS]
    customers = [f"cust-{i:04d}" for i in range(450)]
    day = FIRST_DAY
    seq = 0

    def add(
        day: dt.date,
        reason: tuple | None,
        channel: str,
        customer: str,
        incident: str | None = None,
        text: str | None = None,
    ) -> None:
        nonlocal seq
        seq += 1
        started = dt.datetime.combine(day, dt.time(8)) + dt.timedelta(minutes=rng.randrange(0, 600))
        handle = max(30.0, rng.gauss((reason[6] if reason else 5) * 60, 90))
        rows.append(
            {
                "native": seq,
                "channel": channel,
                "customer_key": customer,
                "started_at": started,
                "contact_date": day,
                "reason_code": reason[0] if reason else None,
                "reason_method": rng.choice(["field", "map", "keywords"]) if reason else "none",
                "department_id": reason[4] if reason else None,
                "incident_id": incident,
                "transfers": rng.choice([0, 0, 0, 1, 2]),
                "reopens": rng.choice([0, 0, 0, 0, 1]),
                "handle_seconds": round(handle, 1),
                "kind": reason[3] if reason else None,
                "subject": (reason[1] if reason else "Question"),
                "text": text if text is not None else (reason[7] if reason else "Bonjour, j'ai une question"),
            }
        )

    while day <= LAST_DAY:
        weekday_factor = 0.6 if day.weekday() >= 5 else 1.0
        for _ in range(int(rng.gauss(30, 4) * weekday_factor)):
            reason = None if rng.random() < 0.04 else rng.choices(REASONS, reason_weights)[0]
            add(day, reason, rng.choices(channel_names, channel_weights)[0], rng.choice(customers))
        for inc_id, _title, _dept, reason_code, first, last, _proactive, extra in INCIDENTS:
            if first <= day <= last:
                reason = next(r for r in REASONS if r[0] == reason_code)
                for _ in range(extra):
                    add(day, reason, "phone", rng.choice(customers), incident=inc_id)
        if day == UNREGISTERED_SPIKE[1]:
            reason = next(r for r in REASONS if r[0] == UNREGISTERED_SPIKE[0])
            for _ in range(UNREGISTERED_SPIKE[2]):
                add(day, reason, "chat", rng.choice(customers))
        if day == BURST_CUSTOMER[1]:
            for _ in range(BURST_CUSTOMER[2]):
                add(day, REASONS[0], "email", BURST_CUSTOMER[0], text="ok")
        day += dt.timedelta(days=1)
    return pd.DataFrame(rows)


def _surveys(rng: random.Random, contacts: pd.DataFrame) -> pd.DataFrame:
    rows = []
    sample = contacts[contacts["direction"] == "inbound"].sample(frac=0.16, random_state=7)
    for i, c in enumerate(sample.itertuples(index=False)):
        unhappy = c.kind == "unwanted" and rng.random() < 0.45
        csat = rng.choice([1, 2, 3]) if unhappy else rng.choice([3, 4, 4, 5, 5])
        nps = rng.choice([0, 3, 5, 6, 7]) if unhappy else rng.choice([6, 7, 8, 9, 9, 10, 10])
        ces = rng.choice([1, 2, 3, 4]) if unhappy else rng.choice([4, 5, 6, 7])
        straight = i % 60 == 0
        if straight:
            csat = nps = ces = 5
        rows.append(
            {
                "response_id": f"R_{i:05d}",
                "contact_id": None if straight else c.contact_id,
                "customer_key": c.customer_key,
                "responded_at": c.started_at + dt.timedelta(hours=rng.randrange(2, 30)),
                "nps": float(nps),
                "csat": float(csat),
                "ces": float(ces),
                "comment": "Trop long" if unhappy else None,
                "is_suspect": straight,
                "department_id": c.department_id,
            }
        )
    return pd.DataFrame(rows)


OUTCOMES = ("resolved", "not_reached", "compensated")


def _alerts(rng: random.Random, surveys: pd.DataFrame) -> tuple[pd.DataFrame, list[dict]]:
    managers = {d[0]: d[2] for d in DEPARTMENTS}
    alerts, callbacks = [], []
    unhappy = surveys[(surveys["csat"] <= 2) | (surveys["nps"] <= 6) | (surveys["ces"] <= 3)]
    for i, r in enumerate(unhappy.itertuples(index=False)):
        roll = rng.random()
        created = r.responded_at.to_pydatetime()
        if roll < 0.6:
            hours = rng.uniform(1, 47)
            status = "recontacted"
        elif roll < 0.8:
            hours = rng.uniform(49, 160)
            status = "late"
        else:
            hours = None
            status = "open"
        recontacted = created + dt.timedelta(hours=hours) if hours is not None else None
        if recontacted and recontacted.date() > LAST_DAY:
            recontacted, hours, status = None, None, "open"
        alerts.append(
            {
                "alert_id": f"AL-{i:04d}",
                "response_id": r.response_id,
                "customer_key": r.customer_key,
                "department_id": r.department_id,
                "manager": managers.get(r.department_id),
                "created_at": created,
                "recontacted_at": recontacted,
                "status": status,
                "hours_to_recontact": None if hours is None else round(hours, 1),
                # what the notifier did (no random draw: the other columns keep their values)
                "contact_id": f"zendesk:{70000 + i}" if i % 5 else f"talk:{i}",
                "notified_at": created + dt.timedelta(minutes=10) if i % 4 else None,
                "outcome": OUTCOMES[i % len(OUTCOMES)] if status != "open" and i % 3 else None,
            }
        )
        if recontacted:
            callbacks.append({"customer_key": r.customer_key, "started_at": recontacted})
    return pd.DataFrame(alerts), callbacks


# marts.contacts_daily as dbt_project/models/marts/contacts_daily.sql builds it from fct_contacts.
CONTACTS_DAILY_SQL = """
    create table marts.contacts_daily as
    select contact_date, channel, direction, reason_code, department_id, is_suspect, is_unwanted, is_repeat,
           count(*)::bigint as contacts,
           sum(cost::decimal(18, 4))::double as cost,
           sum(handle_seconds::decimal(18, 3))::double as handle_seconds,
           count(handle_seconds)::bigint as handle_seconds_count,
           sum(transfers)::bigint as transfers,
           count(transfers)::bigint as transfers_count
    from marts.fct_contacts
    group by contact_date, channel, direction, reason_code, department_id, is_suspect, is_unwanted, is_repeat
"""


# Latest run first by check time; the ids themselves do not sort (as with real run ids).
QUALITY_RUNS = (("b07d-latest", "2026-11-20 05:03:00"), ("e9a1-older", "2026-11-19 05:02:00"))


def build_warehouse(
    path: Path, *, optional: bool = True, short_names: bool = False, seed: int = 20261120
) -> Path:
    """Build the fixture warehouse at ``path``.

    The optional extras use the dbt project's names (``fct_contacts.text_excerpt``,
    ``dim_departments.department_name``, ``quality_results.run_id`` + ``checked_at``,
    ``survey_responses.is_satisfied``); ``short_names=True`` uses the shorter ones the app also accepts
    (``text``, ``name``, ``run``, and no ``is_satisfied``).
    """
    rng = random.Random(seed)
    raw = _contacts(rng)
    raw["contact_id"] = [f"{SOURCE_OF[ch]}:{n}" for ch, n in zip(raw["channel"], raw["native"])]
    raw["source"] = raw["channel"].map(SOURCE_OF)
    raw["direction"] = "inbound"
    surveys = _surveys(rng, raw)
    alerts, callbacks = _alerts(rng, surveys)
    outbound = pd.DataFrame(
        [
            {
                "native": 900_000 + i,
                "channel": "phone",
                "customer_key": cb["customer_key"],
                "started_at": cb["started_at"],
                "contact_date": cb["started_at"].date(),
                "reason_code": None,
                "reason_method": "none",
                "department_id": None,
                "incident_id": None,
                "transfers": 0,
                "reopens": 0,
                "handle_seconds": 240.0,
                "kind": None,
                "subject": "Callback",
                "text": None,
                "contact_id": f"talk:{900_000 + i}",
                "source": "talk",
                "direction": "outbound",
            }
            for i, cb in enumerate(callbacks)
        ]
    )
    contacts = pd.concat([raw, outbound], ignore_index=True)
    contacts["cost"] = (contacts["handle_seconds"] / 60 * contacts["channel"].map(COST_PER_MINUTE)).round(2)

    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        path.unlink()
    con = duckdb.connect(str(path))
    try:
        con.execute("create schema marts")
        con.register("contacts_df", contacts)
        con.register("surveys_df", surveys)
        con.register("alerts_df", alerts)
        con.register(
            "departments_df",
            pd.DataFrame(
                DEPARTMENTS, columns=["department_id", "name", "manager", "daily_volume", "alert_target"]
            ),
        )
        con.register(
            "reasons_df",
            pd.DataFrame(
                [r[:5] for r in REASONS],
                columns=["reason_code", "label_en", "label_fr", "kind", "department_id"],
            ),
        )
        text_name = "text" if short_names else "text_excerpt"
        text_columns = f", subject::varchar as subject, text::varchar as {text_name}" if optional else ""
        con.execute(f"""
            create table marts.fct_contacts as
            with base as (
                select contact_id::varchar as contact_id, source::varchar as source, channel::varchar as channel,
                       direction::varchar as direction, customer_key::varchar as customer_key,
                       started_at::timestamp as started_at, contact_date::date as contact_date,
                       reason_code::varchar as reason_code, reason_method::varchar as reason_method,
                       department_id::varchar as department_id, incident_id::varchar as incident_id,
                       kind::varchar as kind, transfers::integer as transfers, reopens::integer as reopens,
                       handle_seconds::double as handle_seconds, cost::double as cost, subject, text
                from contacts_df
            ), ordered as (
                select *, lag(started_at) over (partition by customer_key, reason_code, direction
                                                order by started_at, contact_id) as previous_at
                from base
            ), flagged as (
                select *,
                       direction = 'inbound' and reason_code is not null and previous_at is not null
                           and started_at - previous_at <= interval 7 days as is_repeat,
                       count(*) over (partition by customer_key, contact_date) as per_day
                from ordered
            )
            select contact_id, source, channel, direction, customer_key, started_at, contact_date, reason_code,
                   reason_method, department_id, incident_id,
                   (kind = 'unwanted' or is_repeat or incident_id is not null) and direction = 'inbound'
                       as is_unwanted,
                   is_repeat,
                   customer_key || ':' || coalesce(reason_code, '-') as episode_id,
                   transfers, reopens, handle_seconds, cost,
                   per_day > 8 or (channel <> 'phone' and length(coalesce(text, '')) < 3) as is_suspect,
                   case when per_day > 8 then 'max_contacts_per_customer_day'
                        when channel <> 'phone' and length(coalesce(text, '')) < 3 then 'short_text' end
                       as suspect_reason
                   {text_columns}
            from flagged
        """)
        # The pipeline of this fixture was configured with a 1–6 CSAT scale: satisfied = 5 or 6, which is
        # what dbt's is_satisfied says and a fixed "top 2 of 1–5" rule would get wrong.
        satisfied = (
            ", case when csat is not null then csat >= 5 end as is_satisfied"
            if optional and not short_names
            else ""
        )
        con.execute(f"""
            create table marts.survey_responses as
            select response_id::varchar as response_id, contact_id::varchar as contact_id,
                   customer_key::varchar as customer_key, responded_at::timestamp as responded_at,
                   nps::double as nps, csat::double as csat, ces::double as ces, comment::varchar as comment,
                   is_suspect::boolean as is_suspect {satisfied}
            from surveys_df
        """)
        alert_loop = (
            ", contact_id::varchar as contact_id, notified_at::timestamp as notified_at, "
            "null::timestamp as reminded_at, null::timestamp as escalated_at, outcome::varchar as outcome"
            if optional
            else ""
        )
        con.execute(f"""
            create table marts.alerts as
            select alert_id::varchar as alert_id, response_id::varchar as response_id,
                   customer_key::varchar as customer_key, department_id::varchar as department_id,
                   manager::varchar as manager, created_at::timestamp as created_at,
                   recontacted_at::timestamp as recontacted_at, status::varchar as status,
                   hours_to_recontact::double as hours_to_recontact {alert_loop}
            from alerts_df
        """)
        con.execute("""
            create table marts.unwanted_contacts_daily as
            select contact_date, department_id, reason_code, channel, incident_id,
                   count(*) filter (where not is_suspect) as contacts,
                   count(*) filter (where not is_suspect and is_unwanted) as unwanted_contacts,
                   count(*) filter (where not is_suspect and is_repeat) as repeat_contacts,
                   coalesce(sum(handle_seconds) filter (where not is_suspect), 0) as handle_seconds,
                   coalesce(sum(cost) filter (where not is_suspect), 0) as cost,
                   count(*) filter (where is_suspect) as suspect_contacts
            from marts.fct_contacts where direction = 'inbound' group by all
        """)
        # csat in % (0-100) on the scorecard and the driver ranking, as the dbt project publishes it.
        con.execute(f"""
            create table marts.department_scorecard as
            with months as (
                select distinct date_trunc('month', contact_date)::date as month from marts.fct_contacts
            ), days as (
                select date_trunc('month', d)::date as month, count(*) as days
                from range(date '{FIRST_DAY}', date '{LAST_DAY}' + 1, interval 1 day) t(d) group by 1
            ), c as (
                select department_id, date_trunc('month', contact_date)::date as month, count(*) as contacts,
                       count(*) filter (where is_unwanted) as unwanted_contacts,
                       count(*) filter (where coalesce(reason_code, 'none') <> 'none') as classified,
                       count(*) filter (where is_unwanted and coalesce(reason_code, 'none') <> 'none')
                           as unwanted_classified,
                       avg(case when is_repeat then 1.0 else 0.0 end) as repeat_rate
                from marts.fct_contacts where direction = 'inbound' and not is_suspect and department_id is not null
                group by all
            ), s as (
                select f.department_id, date_trunc('month', f.contact_date)::date as month,
                       avg(case when r.csat >= 4 then 100.0 else 0.0 end) as csat,
                       100.0 * (count(*) filter (where r.nps >= 9) - count(*) filter (where r.nps <= 6))
                           / count(*) as nps,
                       avg(r.ces) as ces
                from marts.survey_responses r join marts.fct_contacts f using (contact_id)
                where not r.is_suspect group by all
            ), a as (
                select department_id, date_trunc('month', created_at)::date as month, count(*) as alerts,
                       count(*) filter (where status = 'recontacted') as alerts_recontacted
                from marts.alerts group by all
            )
            select d.department_id, m.month, coalesce(c.contacts, 0) as contacts,
                   coalesce(c.unwanted_contacts, 0) as unwanted_contacts,
                   c.unwanted_contacts / nullif(c.contacts, 0) as unwanted_share,
                   coalesce(c.classified, 0) as inbound_classified_contacts,
                   c.unwanted_classified / nullif(c.classified, 0) as unwanted_share_classified, c.repeat_rate,
                   coalesce(c.contacts, 0) * 1000.0 / (d.daily_volume * days.days) as contacts_per_1000,
                   s.csat, s.nps, s.ces, coalesce(a.alerts, 0) as alerts,
                   coalesce(a.alerts_recontacted, 0) as alerts_recontacted,
                   d.alert_target as target_alerts_recontacted
            from departments_df d cross join months m
            join days using (month)
            left join c on c.department_id = d.department_id and c.month = m.month
            left join s on s.department_id = d.department_id and s.month = m.month
            left join a on a.department_id = d.department_id and a.month = m.month
            order by 1, 2
        """)
        con.execute("""
            create table marts.driver_ranking as
            with c as (
                select reason_code, count(*) as contacts, count(*) filter (where is_unwanted) as unwanted_contacts,
                       sum(cost) as cost, avg(case when is_repeat then 1.0 else 0.0 end) as repeat_rate
                from marts.fct_contacts
                where direction = 'inbound' and not is_suspect and reason_code is not null group by all
            ), s as (
                select f.reason_code, avg(case when r.csat >= 4 then 100.0 else 0.0 end) as csat
                from marts.survey_responses r join marts.fct_contacts f using (contact_id)
                where not r.is_suspect group by all
            )
            select r.reason_code, r.department_id, r.kind, c.contacts, c.unwanted_contacts, c.cost, c.repeat_rate,
                   s.csat, c.unwanted_contacts / sum(c.unwanted_contacts) over () as share_of_unwanted,
                   row_number() over (order by c.unwanted_contacts desc, r.reason_code) as rank
            from reasons_df r join c using (reason_code) left join s using (reason_code)
        """)
        con.register(
            "incidents_df",
            pd.DataFrame(
                [(i[0], i[1], i[2], i[3], i[4], i[5], i[6]) for i in INCIDENTS],
                columns=[
                    "incident_id",
                    "title",
                    "department_id",
                    "reason_code",
                    "first_day",
                    "last_day",
                    "proactive",
                ],
            ),
        )
        incident_extra = (
            (
                ", i.title, i.first_day::timestamp + interval 6 hours as started_at, "
                "i.last_day::timestamp + interval 18 hours as ended_at"
            )
            if optional
            else ""
        )
        con.execute(f"""
            create table marts.incident_impact as
            with linked as (
                select incident_id, count(*) as linked_contacts, sum(cost) as linked_cost,
                       max(per_hour) as contacts_per_hour_peak
                from (select incident_id, count(*) over (partition by incident_id, date_trunc('hour', started_at))
                          as per_hour, cost from marts.fct_contacts where incident_id is not null)
                group by incident_id
            )
            select i.incident_id, i.department_id, i.reason_code, l.linked_contacts,
                   round(l.linked_contacts * 0.2) as baseline_contacts,
                   l.linked_contacts - round(l.linked_contacts * 0.2) as excess_contacts,
                   round(l.linked_cost * 0.8, 2) as excess_cost, i.proactive,
                   l.contacts_per_hour_peak::double as contacts_per_hour_peak {incident_extra}
            from incidents_df i left join linked l using (incident_id)
        """)
        con.execute(f"""
            create table marts.incident_candidates as
            with daily as (
                select contact_date, reason_code, count(*) as observed from marts.fct_contacts
                where direction = 'inbound' and not is_suspect and reason_code is not null group by all
            ), scored as (
                select d.*, (select median(p.observed) from daily p where p.reason_code = d.reason_code
                             and p.contact_date in (d.contact_date - 7, d.contact_date - 14, d.contact_date - 21,
                                                    d.contact_date - 28)) as expected
                from daily d where d.contact_date >= date '{FIRST_DAY}' + 28
            )
            select s.contact_date, s.reason_code, s.observed, s.expected,
                   (s.observed - s.expected) / (1.4826 * 2.0) as score, i.incident_id as matched_incident_id
            from scored s left join incidents_df i
              on i.reason_code = s.reason_code and s.contact_date between i.first_day and i.last_day + 1
            where (s.observed - s.expected) / (1.4826 * 2.0) > 3.5
        """)
        con.register(
            "actions_df",
            pd.DataFrame(
                ACTIONS,
                columns=[
                    "action_id",
                    "reason_code",
                    "department_id",
                    "implemented_on",
                    "description",
                    "rate_before",
                    "rate_after",
                    "ci_low",
                    "ci_high",
                    "contacts_avoided",
                    "verdict",
                ],
            ),
        )
        action_extra = ", implemented_on::date as implemented_on, description" if optional else ""
        con.execute(f"""
            create table marts.action_effect as
            select action_id, reason_code, department_id, 8 as weeks_before, 8 as weeks_after, rate_before,
                   rate_after, rate_after / rate_before as rate_ratio, ci_low, ci_high, contacts_avoided, verdict
                   {action_extra}
            from actions_df order by action_id
        """)
        con.execute(f"""
            create table marts.load_audit as
            select * from (values
                ('tickets', 'tickets/2026-11-19.json', 'a1b2', 'loaded', 412, 410, 2,
                 timestamp '{LAST_DAY} 05:01:00'),
                ('calls', 'calls/2026-11-19.json', 'c3d4', 'loaded', 380, 380, 0, timestamp '{LAST_DAY} 05:01:30'),
                ('surveys', 'surveys/export.csv', 'e5f6', 'loaded', 120, 117, 3, timestamp '{LAST_DAY} 05:02:00'),
                ('reference', 'reference/reasons.csv', 'f7a8', 'loaded', 8, 8, 0, timestamp '{LAST_DAY} 05:00:10'),
                ('tickets', 'tickets/2026-11-18.json', 'b9c0', 'duplicate', 0, 0, 0,
                 timestamp '{LAST_DAY} 05:01:05')
            ) t(source, file, sha256, status, rows_read, rows_loaded, rows_rejected, loaded_at)
        """)
        con.execute("""
            create table marts.rejects as
            select * from (values
                ('tickets', 'tickets/2026-11-19.json', 17, 'created_at not a timestamp', '{"id": 17, "created_at": "soon"}'),
                ('tickets', 'tickets/2026-11-19.json', 98, 'missing id', '{"subject": "help"}'),
                ('surveys', 'surveys/export.csv', 4, 'nps out of range 0-10', 'R_x,42,,'),
                ('surveys', 'surveys/export.csv', 9, 'nps out of range 0-10', 'R_y,11,,'),
                ('surveys', 'surveys/export.csv', 12, 'responded_at not a timestamp', 'R_z,,yesterday')
            ) t(source, file, line, reason, raw)
        """)
        add_fix_priorities(con)
        if optional and not short_names:  # the real Python step on the fixture's texts (no reasons.csv at hand)
            build_suggestions(con, path.parent / "no-landing")
        if optional:
            con.execute(CONTACTS_DAILY_SQL)
            con.execute("""
                create table marts.dim_reasons as
                select reason_code, label_en, label_fr, kind, department_id from reasons_df
            """)
            name = "name" if short_names else "department_name"
            con.execute(
                f"create table marts.dim_departments as select department_id, name as {name}, manager "
                "from departments_df"
            )
            # dbt names: opaque run ids ordered by checked_at; short names: the run is its (sortable) time.
            (latest, latest_at), (older, older_at) = QUALITY_RUNS
            if short_names:
                latest, older = latest_at, older_at
            rows = [
                (older, "contacts_unique", "fct_contacts", "block", True, 0, None, older_at),
                (latest, "contacts_unique", "fct_contacts", "block", True, 0, None, latest_at),
                (
                    latest,
                    "reason_known",
                    "fct_contacts",
                    "warn",
                    False,
                    84,
                    "reason_code null on 84 contacts",
                    latest_at,
                ),
                (latest, "csat_in_scale", "survey_responses", "block", True, 0, None, latest_at),
            ]
            con.register(
                "quality_df",
                pd.DataFrame(
                    rows,
                    columns=[
                        "run",
                        "check",
                        "asset",
                        "severity",
                        "passed",
                        "failing_rows",
                        "details",
                        "checked_at",
                    ],
                ),
            )
            if short_names:
                columns = "run::varchar as run"
            else:
                columns = "run::varchar as run_id, checked_at::timestamp as checked_at"
            con.execute(f"""
                create table marts.quality_results as
                select {columns}, "check"::varchar as "check", asset::varchar as asset,
                       severity::varchar as severity, passed::boolean as passed,
                       failing_rows::bigint as failing_rows, details::varchar as details
                from quality_df
            """)
    finally:
        con.close()
    return path
