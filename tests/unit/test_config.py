"""whycall.yml: defaults, deep merge, and a clear error (file, key path, fix) for every bad key."""

from __future__ import annotations

from pathlib import Path

import pytest

from orchestration.lib.config import load_config
from orchestration.lib.records import InputError

EXPECTED_DEFAULT_VARS = {
    "timezone": "Europe/Brussels",
    "currency": "EUR",
    "cost_per_minute": {"phone": 0.90, "chat": 0.70, "email": 0.55, "default": 0.60},
    "default_handle_minutes": {"email": 6, "web": 6, "chat": 8, "api": 6, "default": 6},
    "repeat_window_days": 7,
    "alert": {"csat_max": 2, "nps_max": 6, "ces_max": 3, "recontact_within_hours": 48},
    "incident_grace_hours": 24,
    "suspect": {
        "max_contacts_per_customer_day": 8,
        "min_text_chars": 3,
        "identical_text_min_customers": 5,
        "identical_text_min_chars": 10,
        "straight_lining": True,
    },
    "scales": {"csat": [1, 5], "ces": [1, 7], "ces_high_is_easy": True},
    "action_weeks": 8,
    "candidate_threshold": 3.5,
    "priority": {
        "cost_weight": 1,
        "satisfaction_weight": 1,
        "simple_max_handle_minutes": 5,
        "complex_min_transfers": 1,
        "trend_weeks": 8,
        "bootstrap_replicates": 200,
    },
    "handle_time_sources": ["calls:talk"],
    # issue 16: the masking rules travel with the vars so that changing them rebuilds the marts
    "privacy": {
        "mask": {"email": True, "phone": True, "iban": True, "card": True, "customer_ref": True},
        "phone_regions": ["BE", "FR", "NL", "LU", "DE"],
        "patterns": {},
    },
    "business_hours": [],  # CONTRACT §3: optional, without it every *_business_minutes is NULL
    "service_level_seconds": 20,
}


def _config(tmp_path: Path, text: str):
    (tmp_path / "whycall.yml").write_text(text, encoding="utf-8")
    return load_config(tmp_path)


def _error(tmp_path: Path, text: str) -> str:
    with pytest.raises(InputError) as info:
        _config(tmp_path, text)
    message = str(info.value)
    assert str(tmp_path / "whycall.yml") in message  # every message names the file
    return message


def test_no_file_gives_the_contract_defaults(tmp_path):
    config = load_config(tmp_path)
    assert config.dbt_vars() == EXPECTED_DEFAULT_VARS
    assert {name: p.format for name, p in config.sources.items()} == {
        "tickets": "zendesk",
        "calls": "zendesk_talk",
        "surveys": "qualtrics",
    }
    assert config.sources["surveys"].questions == {"nps": "Q1", "csat": "Q2", "ces": "Q3", "comment": "Q4"}
    assert config.sources["surveys"].link == {"ticket": "ticket_id", "customer": "customer_id"}
    assert config.checks == {}


def test_empty_file_gives_the_defaults(tmp_path):
    assert _config(tmp_path, "# nothing yet\n").dbt_vars() == EXPECTED_DEFAULT_VARS


def test_the_contract_example_file_is_valid(tmp_path):
    config = _config(
        tmp_path,
        """
timezone: Europe/Brussels
currency: EUR
cost_per_minute: {phone: 0.90, chat: 0.70, email: 0.55, default: 0.60}
sources:
  tickets:
    format: zendesk
    reason_field_id: 360000000001
  calls:
    format: zendesk_talk
    reason_field: wrap_up_reason
  surveys:
    format: qualtrics
    questions: {nps: Q1, csat: Q2, ces: Q3, comment: Q4}
    scales: {csat: [1, 5], ces: [1, 7], ces_high_is_easy: true}
    link: {ticket: ticket_id, customer: customer_id}
rules:
  repeat_window_days: 7
  alert: {csat_max: 2, nps_max: 6, ces_max: 3, recontact_within_hours: 48}
  incident_grace_hours: 24
  suspect: {max_contacts_per_customer_day: 8, min_text_chars: 3,
            identical_text_min_customers: 5, identical_text_min_chars: 10,
            straight_lining: true}
default_handle_minutes: {email: 6, web: 6, chat: 8, api: 6, default: 6}
""",
    )
    assert config.dbt_vars() == EXPECTED_DEFAULT_VARS
    assert config.sources["tickets"].reason_field_id == "360000000001"
    assert config.sources["calls"].reason_field == "wrap_up_reason"


def test_user_values_deep_merge_over_defaults(tmp_path):
    config = _config(
        tmp_path,
        """
timezone: America/New_York
cost_per_minute: {phone: 1.2, sms: 0.1}
rules:
  alert: {csat_max: 1}
  action_weeks: 12
  candidate_threshold: 4
sources:
  surveys:
    scales: {csat: [0, 10]}
checks: {volume: warn, rejects: block}
""",
    )
    dbt = config.dbt_vars()
    assert dbt["timezone"] == "America/New_York"
    assert dbt["cost_per_minute"] == {"phone": 1.2, "chat": 0.70, "email": 0.55, "default": 0.60, "sms": 0.1}
    assert dbt["alert"] == {"csat_max": 1, "nps_max": 6, "ces_max": 3, "recontact_within_hours": 48}
    assert (dbt["action_weeks"], dbt["candidate_threshold"]) == (12, 4)
    assert dbt["scales"] == {"csat": [0, 10], "ces": [1, 7], "ces_high_is_easy": True}
    assert config.checks == {"volume": "warn", "rejects": "block"}
    # dbt_vars is a copy: callers cannot change the config through it
    dbt["alert"]["csat_max"] = 99
    assert config.rules["alert"]["csat_max"] == 1


def test_layout_mappings_replace_the_default_as_a_whole(tmp_path):
    config = _config(
        tmp_path, "sources:\n  surveys:\n    questions: {nps: QID7}\n    link: {ticket: ExternalReference}\n"
    )
    assert config.sources["surveys"].questions == {"nps": "QID7"}  # no inherited csat: Q2
    assert config.sources["surveys"].link == {"ticket": "ExternalReference"}


def test_a_csv_profile_starts_from_csv_defaults(tmp_path):
    config = _config(
        tmp_path,
        """
sources:
  calls:
    format: csv
    delimiter: "\\t"
    encoding: latin-1
    null_values: {customer_ref: ["0"], "*": ["?"]}
    timestamp_format: ["%m/%d/%Y %I:%M:%S %p", "%d/%m/%Y %H:%M"]
    columns: {contact_id: [vru+line, call_id], started_at: [date, vru_entry], customer_ref: customer_id}
    constants: {channel: phone, direction: inbound}
    group_by: {key: call_id, latest: vru_entry}
""",
    )
    calls = config.sources["calls"]
    assert (calls.format, calls.delimiter, calls.encoding, calls.header, calls.skip_rows) == (
        "csv",
        "\t",
        "latin-1",
        True,
        0,
    )
    assert calls.columns == {
        "contact_id": ("vru+line", "call_id"),
        "started_at": ("date", "vru_entry"),
        "customer_ref": ("customer_id",),
    }
    assert calls.null_values == {"customer_ref": ("0",), "*": ("?",)}
    assert calls.timestamp_format == ("%m/%d/%Y %I:%M:%S %p", "%d/%m/%Y %H:%M")
    assert calls.group_by == {"key": "call_id", "latest": "vru_entry"}
    assert config.sources["tickets"].format == "zendesk"


def test_delimiter_written_as_backslash_t_means_tab(tmp_path):
    config = _config(
        tmp_path,
        "sources:\n  calls:\n    format: csv\n    delimiter: \\t\n"
        "    columns: {contact_id: a, started_at: b}\n",
    )
    assert config.sources["calls"].delimiter == "\t"


@pytest.mark.parametrize(
    ("text", "fragments"),
    [
        ("timezon: Europe/Brussels\n", ["timezon: unknown key 'timezon'", "did you mean timezone?"]),
        (
            "timezone: Europe/Brussel\n",
            ["timezone: unknown time zone 'Europe/Brussel'", "did you mean Europe/Brussels?"],
        ),
        (
            "rules:\n  alert: {csat_maxx: 2}\n",
            ["rules.alert.csat_maxx: unknown key", "did you mean csat_max?"],
        ),
        (
            "rules:\n  repeat_window_days: seven\n",
            ["rules.repeat_window_days: expected an integer, found a string"],
        ),
        (
            "rules:\n  suspect: {straight_lining: 1}\n",
            ["rules.suspect.straight_lining: expected true or false"],
        ),
        ("cost_per_minute: {phone: cheap}\n", ["cost_per_minute.phone: expected a number"]),
        ("cost_per_minute: {phone: -1}\n", ["cost_per_minute.phone: must be at least 0"]),
        ("checks: {volume: stop}\n", ["checks.volume: unknown severity 'stop'", "use block or warn"]),
        ("sources:\n  ticket: {format: zendesk}\n", ["sources.ticket: unknown key", "did you mean tickets?"]),
        (
            "sources:\n  tickets: {format: zendsk}\n",
            [
                "sources.tickets.format: unknown format 'zendsk' for tickets",
                "did you mean zendesk?",
                "allowed: zendesk, csv",
            ],
        ),
        (
            "sources:\n  calls: {format: zendesk}\n",
            ["sources.calls.format: unknown format 'zendesk' for calls"],
        ),
        (
            "sources:\n  tickets: {format: zendesk, delimiter: ';'}\n",
            [
                "sources.tickets.delimiter: unknown key 'delimiter'",
                "delimiter is not a key of format 'zendesk'",
            ],
        ),
        (
            "sources:\n  calls: {reason_feild: wrap}\n",
            ["sources.calls.reason_feild", "did you mean reason_field?"],
        ),
        (
            "sources:\n  surveys:\n    questions: {npss: Q1}\n",
            ["sources.surveys.questions.npss: unknown key", "did you mean nps?"],
        ),
        (
            "sources:\n  surveys:\n    scales: {csat: [5, 1]}\n",
            ["sources.surveys.scales.csat: lowest 5 is not below highest 1"],
        ),
        (
            "sources:\n  calls:\n    format: csv\n    columns: {contact_id: id, strated_at: start}\n",
            [
                "sources.calls.columns.strated_at: unknown canonical column 'strated_at'",
                "did you mean started_at?",
            ],
        ),
        (
            "sources:\n  calls:\n    format: csv\n    columns: {customer_ref: cust}\n",
            ["sources.calls.columns: contact_id is required for calls but not mapped"],
        ),
        (
            (
                "sources:\n  tickets:\n    format: csv\n    columns: {contact_id: id, started_at: d}\n"
                '    timestamp_format: "%Y-%m-%d %Q"\n'
            ),
            ["sources.tickets.timestamp_format: impossible timestamp format '%Y-%m-%d %Q'", "bad directive"],
        ),
        (
            (
                "sources:\n  tickets:\n    format: csv\n    columns: {contact_id: id, started_at: d}\n"
                '    timestamp_format: ["%d/%m/%Y", dd-mm-yyyy]\n'
            ),
            [
                "sources.tickets.timestamp_format[1]: impossible timestamp format 'dd-mm-yyyy'",
                "no % directive",
            ],
        ),
        (
            (
                "sources:\n  tickets:\n    format: csv\n    columns: {contact_id: id, started_at: d}\n"
                '    timestamp_format: "%H:%M"\n'
            ),
            ["names no year"],
        ),
        (
            "sources:\n  tickets:\n    format: csv\n    header: false\n    columns: {contact_id: id, started_at: 1}\n",
            ["sources.tickets.columns.contact_id: expected a column position (0 = first)"],
        ),
        (
            "sources:\n  tickets:\n    format: csv\n    columns: {contact_id: 0, started_at: d}\n",
            ["sources.tickets.columns.contact_id: expected a source column name", "set header: false"],
        ),
        (
            "sources:\n  tickets:\n    format: csv\n    encoding: latin-9x\n    columns: {contact_id: id, started_at: d}\n",
            ["sources.tickets.encoding: unknown encoding 'latin-9x'"],
        ),
        (
            "sources:\n  tickets:\n    format: csv\n    delimiter: ';;'\n    columns: {contact_id: id, started_at: d}\n",
            ["sources.tickets.delimiter: expected one character"],
        ),
        (
            (
                "sources:\n  tickets:\n    format: csv\n    columns: {contact_id: id, started_at: d, channel: ch}\n"
                "    constants: {channel: web}\n"
            ),
            ["sources.tickets.constants.channel: channel is both mapped"],
        ),
        (
            (
                "sources:\n  tickets:\n    format: csv\n    columns: {contact_id: id, started_at: d}\n"
                "    group_by: {key: id}\n"
            ),
            ["sources.tickets.group_by: 'latest' is missing"],
        ),
        (
            (
                "sources:\n  tickets:\n    format: csv\n    columns: {contact_id: id, started_at: d}\n"
                "    null_values: {customer_reff: ['0']}\n"
            ),
            ["sources.tickets.null_values.customer_reff", "did you mean customer_ref?"],
        ),
        (
            "sources:\n  surveys:\n    format: csv\n    columns: {response_id: id, responded_at: d, nps: q1, ticket_id: t}\n",
            ["sources.surveys.columns.ticket_id: unknown canonical column", "did you mean ticket_ref?"],
        ),
        (
            (
                "sources:\n  tickets:\n    format: csv\n    columns: {contact_id: id, started_at: d}\n"
                "    constants: {channel: letter}\n    channel_map: {Fax: letter}\n"
            ),
            ["sources.tickets.channel_map: channel is not mapped to a column", "add columns.channel"],
        ),
        (
            (
                "sources:\n  tickets:\n    format: csv\n    columns: {contact_id: id, started_at: d, channel: via}\n"
                "    channel_map: {Fax: letter, FAX: other}\n"
            ),
            ["sources.tickets.channel_map.FAX: 'FAX' is given twice (case is ignored)"],
        ),
        (
            (
                "sources:\n  tickets:\n    format: csv\n    columns: {contact_id: id, started_at: d, channel: via}\n"
                "    channel_map: {Fax: ''}\n"
            ),
            ["sources.tickets.channel_map.Fax: expected a non-empty string"],
        ),
        (
            "sources:\n  tickets:\n    format: zendesk\n    channel_map: {voice: phone}\n",
            ["sources.tickets.channel_map: unknown key", "channel_map is not a key of format 'zendesk'"],
        ),
        ("- just\n- a list\n", ["(top level): expected a mapping of settings"]),
    ],
)
def test_bad_settings_name_the_key_and_the_fix(tmp_path, text, fragments):
    message = _error(tmp_path, text)
    for fragment in fragments:
        assert fragment in message, message


def test_yaml_syntax_errors_give_the_line(tmp_path):
    message = _error(tmp_path, "sources:\n  tickets:\n    format: csv\n    timestamp_format: %Y-%m-%d\n")
    assert "line 4" in message and "invalid YAML" in message and "quote values that start with %" in message


def test_a_key_given_twice_is_an_error_not_a_silent_override(tmp_path):
    message = _error(tmp_path, "timezone: UTC\ncurrency: EUR\ntimezone: Europe/Paris\n")
    assert "key 'timezone' is given twice" in message and "line 3" in message


def test_quality_thresholds_are_accepted_and_unknown_ones_named(tmp_path):
    (tmp_path / "whycall.yml").write_text("quality: {reject_ratio_max: 0.1, volume_weeks: 6}\n")
    assert load_config(tmp_path).quality == {"reject_ratio_max": 0.1, "volume_weeks": 6}
    (tmp_path / "whycall.yml").write_text("quality: {reject_ratio: 0.1}\n")
    with pytest.raises(InputError, match=r"quality\.reject_ratio.*reject_ratio_max"):
        load_config(tmp_path)


def test_handle_time_sources_are_the_sources_with_a_handle_time_column(tmp_path):
    """An empty handle time is 0 seconds only where the source has the column (issue 14, defect 5)."""
    config = _config(
        tmp_path,
        """
sources:
  tickets:
    format: csv
    columns: {contact_id: id, started_at: created}
  calls:
    format: csv
    columns: {contact_id: id, started_at: start, handle_seconds: ser_time}
""",
    )
    assert config.dbt_vars()["handle_time_sources"] == ["calls:cdr"]
    mapped_tickets = _config(
        tmp_path,
        """
sources:
  tickets:
    format: csv
    columns: {contact_id: id, started_at: created}
    constants: {handle_seconds: 300}
""",
    )
    assert mapped_tickets.dbt_vars()["handle_time_sources"] == ["tickets:csv", "calls:talk"]


def test_min_text_chars_zero_turns_the_short_text_rule_off(tmp_path):
    config = _config(tmp_path, "rules: {suspect: {min_text_chars: 0}}\n")
    assert config.dbt_vars()["suspect"]["min_text_chars"] == 0
    assert "at least 1" in _error(tmp_path, "rules: {suspect: {max_contacts_per_customer_day: 0}}\n")


def test_priority_weights_merge_key_by_key_and_replicates_are_whole_numbers(tmp_path):
    dbt = _config(tmp_path, "rules:\n  priority: {cost_weight: 3}\n").dbt_vars()
    assert dbt["priority"] == {
        "cost_weight": 3, "satisfaction_weight": 1, "simple_max_handle_minutes": 5, "complex_min_transfers": 1,
        "trend_weeks": 8, "bootstrap_replicates": 200,
    }  # fmt: skip
    assert "rules.priority.bootstrap_replicates" in _error(tmp_path, "rules:\n  priority: {bootstrap_replicates: 0}\n")
    assert "rules.priority.cost_wieght" in _error(tmp_path, "rules:\n  priority: {cost_wieght: 2}\n")
