{#- A contact's channel is the source's own value (Zendesk via.channel, a CSV channel column after the profile's
    channel_map, phone for Talk calls), normalised: case and accents folded, every run of other characters one
    '_' ('Postal mail' -> postal_mail, 'E-mail' -> e_mail, 'MOBILE' -> mobile). Distinct values stay distinct
    (CONTRACT §5); what several channels have in common is their channel_group. -#}
{% macro normalize_channel(channel, when_missing="'other'") -%}
    coalesce(
        nullif(replace({{ fold_words(channel) }}, ' ', '_'), ''),
        {{ when_missing }}
    )
{%- endmacro %}

{#- The channel group of a normalised channel: phone | written (the customer writes the text: email, forms,
    chat, messaging, social, letters) | self_service (IVR, bots, help-centre deflection) | other. It drives the
    cost and default handle time when whycall.yml has no rate for the channel itself, the merge of a call with
    its voice ticket and the written-text suspect rule. One list, here. -#}
{% macro channel_groups() -%}
    {{ return({
        'phone': [
            'phone', 'voice', 'call', 'calls', 'telephone', 'tel', 'talk', 'phone_call', 'inbound_call',
            'outbound_call', 'callback', 'voicemail', 'voip',
        ],
        'written': [
            'email', 'e_mail', 'mail', 'web', 'web_form', 'webform', 'web_widget', 'form', 'online', 'portal',
            'website', 'help_center', 'mobile', 'mobile_sdk', 'mobile_app', 'app', 'chat', 'chat_transcript',
            'messaging', 'native_messaging', 'sms', 'whatsapp', 'any_channel', 'api', 'web_service', 'twitter',
            'facebook', 'instagram', 'social', 'social_media', 'fax', 'postal_mail', 'letter', 'post',
        ],
        'self_service': [
            'self_service', 'selfservice', 'ivr', 'vru', 'chatbot', 'bot', 'virtual_agent', 'kiosk', 'faq',
            'knowledge_base',
        ],
    }) }}
{%- endmacro %}

{% macro channel_group(channel) -%}
    case
    {%- for group, channels in channel_groups().items() %}
        when {{ channel }} in ({% for c in channels %}'{{ c }}'{{ ", " if not loop.last }}{% endfor %}) then '{{ group }}'
    {%- endfor %}
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
