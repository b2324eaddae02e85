"""``{% whole_table table %}``: the whole table (see core.tables); ``{% table_body table %}``: a django-tables2 table's rows in one pass;
``{% table_header_cells table %}``: its header cells; ``{% table_page_links table %}``: the
numbers of its pages."""

from django import template

from core.tables import header_cells, page_links
from core.tables import table_body as render_table_body
from core.tables import whole_table as render_whole_table

register = template.Library()


@register.simple_tag
def table_body(table):
    return render_table_body(table)


@register.simple_tag(takes_context=True)
def table_header_cells(context, table):
    return header_cells(context, table)


@register.simple_tag(takes_context=True)
def table_page_links(context, table):
    return page_links(context, table)


@register.simple_tag(takes_context=True)
def whole_table(context, table):
    return render_whole_table(context, table)
