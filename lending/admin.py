"""Admin for the system administrator's repairs of the register (types, items, kits);
staff use the 生活課 pages, and every state change goes through the desk pages and
services so it is audited. Nothing is deleted."""

from django.contrib import admin

from lending.models import EquipmentType, Item, Kit, KitMember, Organisation


class NoDelete(admin.ModelAdmin):
    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(EquipmentType)
class EquipmentTypeAdmin(NoDelete):
    list_display = ["name", "category", "tag_prefix", "is_digital_ready", "is_active", "sort_order"]
    list_filter = ["category", "is_digital_ready", "is_active"]
    search_fields = ["name"]


@admin.register(Item)
class ItemAdmin(NoDelete):
    list_display = ["tag_number", "equipment_type", "name", "status", "condition", "storage_place"]
    list_filter = ["equipment_type", "status", "condition"]
    search_fields = ["tag_number", "name"]
    # Status moves only through hand-out, return, inspection and retiring (audited).
    readonly_fields = ["status", "qr_token", "qr_token_issued_at", "retired_at", "retired_reason"]


@admin.register(Organisation)
class OrganisationAdmin(NoDelete):
    list_display = ["name", "kind", "district", "is_verified", "is_active"]
    list_filter = ["kind", "is_verified", "is_active"]
    search_fields = ["name", "name_kana"]


class KitMemberInline(admin.TabularInline):
    model = KitMember
    extra = 0
    raw_id_fields = ["item"]
    can_delete = False


@admin.register(Kit)
class KitAdmin(NoDelete):
    list_display = ["tag_number", "name", "storage_place", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["tag_number", "name"]
    readonly_fields = [
        "qr_token",
        "qr_token_issued_at",
        "is_active",
        "retired_at",
        "retired_reason",
    ]
    inlines = [KitMemberInline]
