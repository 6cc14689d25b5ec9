{#- Raw channel (Zendesk via.channel, CSV channel column...) -> phone | email | web | chat | api | other. -#}
{% macro normalize_channel(channel, when_missing="'other'") -%}
    case
        when {{ channel }} is null or trim({{ channel }}) = '' then {{ when_missing }}
        when lower(trim({{ channel }})) in ('voice', 'phone', 'call', 'calls', 'telephone', 'tel', 'talk', 'ivr')
            then 'phone'
        when lower(trim({{ channel }})) in ('email', 'e-mail', 'mail') then 'email'
        when lower(trim({{ channel }})) in (
            'web', 'web_form', 'web form', 'webform', 'web_widget', 'form', 'online', 'portal', 'website',
            'mobile', 'mobile_sdk', 'app', 'help_center'
        ) then 'web'
        when lower(trim({{ channel }})) in (
            'chat', 'chat_transcript', 'messaging', 'native_messaging', 'sms', 'whatsapp', 'any_channel'
        ) then 'chat'
        when lower(trim({{ channel }})) in ('api', 'web_service', 'web service') then 'api'
        else 'other'
    end
{%- endmacro %}

{#- inbound | outbound; missing or unknown means inbound (CONTRACT: direction default inbound). -#}
{% macro normalize_direction(direction) -%}
    case
        when lower(trim({{ direction }})) in ('outbound', 'out', 'outgoing', 'callback', 'outbound_call')
            then 'outbound'
        else 'inbound'
    end
{%- endmacro %}

{#- Channels where the customer writes the text themselves (suspect short-text rule). -#}
{% macro written_channels() -%}
    ('email', 'web', 'chat', 'api')
{%- endmacro %}
