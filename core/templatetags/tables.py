"""``{% table_body table %}``: a django-tables2 table's rows in one pass (see core.tables)."""

from django import template

from core.tables import table_body as render_table_body

register = template.Library()


@register.simple_tag
def table_body(table):
    return render_table_body(table)
