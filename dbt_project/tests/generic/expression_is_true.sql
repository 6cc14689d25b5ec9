{#- Rows where an invariant of the model does not hold (null counts as holding). -#}
{% test expression_is_true(model, expression) %}
select *
from {{ model }}
where not coalesce(({{ expression }}), true)
{% endtest %}
