{#- One rounding rule for money, in one place. A contact's cost is rounded once, to cost_decimals() places, where it
    is computed (int_contacts_unified: handle minutes x cost per minute). Every aggregate then sums those values as
    exact decimals of the same scale (identical on every re-run, a double sum depends on the order rows arrive in):
    casting an already rounded cost to this scale changes nothing, so no second rounding can shift a total. A sum
    at a smaller scale (it used to be decimal(18, 4)) rounds every contact again and the totals drift from
    fct_contacts by cents. -#}
{% macro cost_decimals() -%}6{%- endmacro %}

{#- The cost of one contact, rounded: the only place money is rounded. -#}
{% macro round_cost(expression) -%}
    round({{ expression }}, {{ cost_decimals() }})
{%- endmacro %}

{#- A rounded cost as the exact decimal every sum and average uses. -#}
{% macro exact_cost(expression) -%}
    cast({{ expression }} as decimal(18, {{ cost_decimals() }}))
{%- endmacro %}
