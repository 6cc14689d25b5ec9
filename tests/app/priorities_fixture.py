"""marts.fix_priorities for the app's fixture warehouse, from its fct_contacts, dims and survey responses.

Plain SQL with the mart's columns, so the page has a realistic table to show; the mart's own rules are pinned by
its dbt unit tests (dbt_project/models/marts/fix_priorities.yml), not here. The score here is the cost share
alone and the moves are planted (MOVES); the NPS gap is the plain difference of the fixture's responses, with a
fixed +-8 point interval. Reads the fixture's registered reasons_df / departments_df (not the optional dims).
"""

from __future__ import annotations

import pandas as pd

# the value/irritant move of each fixture reason, as the mart's rules would place them (short simple questions
# are automated, the process with transfers simplified, upstream causes eliminated, value contacts leveraged)
MOVES = {
    "invoice_unclear": "eliminate",
    "payment_failed": "simplify",
    "late_delivery": "eliminate",
    "damaged_parcel": "eliminate",
    "password_reset": "automate",
    "opening_hours": "automate",
    "new_contract": "leverage",
    "upgrade_advice": "leverage",
}

FIX_PRIORITIES_SQL = """
create table marts.fix_priorities as
with contacts as (
    select * from marts.fct_contacts where not is_suspect and reason_code is not null
),
window_days as (
    select min(contact_date) as window_start, max(contact_date) as window_end,
           date_diff('day', min(contact_date), max(contact_date)) + 1 as window_days
    from marts.fct_contacts where not is_suspect
),
nps as (
    select c.reason_code,
           100.0 * avg(case when s.nps >= 9 then 1 when s.nps <= 6 then -1 else 0 end) as nps,
           count(*) as nps_responses
    from marts.survey_responses s join marts.fct_contacts c using (contact_id)
    where s.nps is not null and not s.is_suspect
    group by c.reason_code
),
overall as (
    select 100.0 * avg(case when nps >= 9 then 1 when nps <= 6 then -1 else 0 end) as nps
    from marts.survey_responses where nps is not null and not is_suspect
),
totals as (
    select c.reason_code, count(*) as contacts, count(*) filter (where is_unwanted) as unwanted_contacts,
           count(*) filter (where is_repeat) as repeat_contacts, count(distinct customer_key) as customers_affected,
           sum(cost) as cost,
           count(*) filter (where contact_date > w.window_end - 56) as recent_contacts,
           count(*) filter (where contact_date <= w.window_end - 56 and contact_date > w.window_end - 112)
               as earlier_contacts
    from contacts c cross join window_days w group by c.reason_code
),
latest_action as (
    select reason_code, max(action_id) as action_id, arg_max(verdict, action_id) as verdict,
           count(*) as actions
    from marts.action_effect group by reason_code
),
rows as (
    select r.reason_code, r.label_en, r.label_fr, r.kind, r.department_id, d.name as department_name, d.manager,
           m.recommended_move,
           t.contacts, t.unwanted_contacts, t.cost, t.cost * 365.25 / w.window_days as cost_per_year,
           t.contacts * 365.25 / 12 / w.window_days as contacts_per_month,
           t.unwanted_contacts * 365.25 / 12 / w.window_days as unwanted_contacts_per_month,
           w.window_start, w.window_end, w.window_days::integer as window_days,
           t.repeat_contacts, t.customers_affected, t.recent_contacts, t.earlier_contacts,
           t.recent_contacts * 1.0 / nullif(t.earlier_contacts, 0) as trend_ratio,
           n.nps_responses, n.nps, n.nps - o.nps as nps_gap, o.nps as nps_overall,
           coalesce(a.actions, 0)::integer as actions, a.action_id as latest_action_id,
           a.verdict as latest_action_verdict
    from reasons_df r
    join totals t using (reason_code)
    cross join window_days w cross join overall o
    left join departments_df d using (department_id)
    left join moves_df m using (reason_code)
    left join nps n using (reason_code)
    left join latest_action a using (reason_code)
)
select
    row_number() over (order by cost_per_year desc, reason_code)::integer as rank,
    *,
    cost_per_year / sum(cost_per_year) over () as priority_score,
    cost_per_year / sum(cost_per_year) over () as cost_share,
    null::double as penalty_share,
    trend_ratio * 0.8 as trend_ci_low, trend_ratio * 1.25 as trend_ci_high,
    nps_gap - 8 as nps_gap_low, nps_gap + 8 as nps_gap_high,
    -nps_gap / 10 as nps_impact, -nps_gap / 10 - 1 as nps_impact_low, -nps_gap / 10 + 1 as nps_impact_high,
    greatest(-nps_gap / 10, 0) as satisfaction_penalty,
    null::double as csat_gap, null::double as csat_gap_low, null::double as csat_gap_high,
    actions > 0 as has_action
from rows
"""


def add_fix_priorities(con) -> None:
    con.register("moves_df", pd.DataFrame(list(MOVES.items()), columns=["reason_code", "recommended_move"]))
    con.execute(FIX_PRIORITIES_SQL)
