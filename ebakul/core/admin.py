from django.contrib import admin
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .admin_base import DeskAdmin, ReadOnlyAdminMixin
from .models import DocumentSequence, Notification


@admin.register(DocumentSequence)
class DocumentSequenceAdmin(ReadOnlyAdminMixin, DeskAdmin):
    list_display = ("prefix", "last_value")
    search_fields = ("prefix",)
    ordering = ("prefix",)


class ReadFilter(admin.SimpleListFilter):
    title = _("read")
    parameter_name = "read"

    def lookups(self, request, model_admin):
        return [("yes", _("Read")), ("no", _("Unread"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(read_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(read_at__isnull=True)
        return queryset


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdminMixin, DeskAdmin):
    list_display = ("title", "user", "kind", "created_at", "read_at")
    list_filter = ("kind", ReadFilter)
    search_fields = ("title", "user__username")
    list_select_related = ("user",)


# --- Scheduled jobs of django-celery-beat ("Tugas terjadwal"), in words (issue 13) ------------
from django_celery_beat import admin as beat_admin  # noqa: E402
from django_celery_beat.models import (  # noqa: E402
    ClockedSchedule,
    CrontabSchedule,
    IntervalSchedule,
    PeriodicTask,
    SolarSchedule,
)

from .schedules import (  # noqa: E402
    clocked_label,
    crontab_label,
    interval_label,
    schedule_label,
    solar_label,
)


def _crontab_words(c) -> str:
    return crontab_label(
        c.minute, c.hour, c.day_of_month, c.month_of_year, c.day_of_week, c.timezone
    )


for _model in (PeriodicTask, CrontabSchedule, IntervalSchedule, ClockedSchedule, SolarSchedule):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)


@admin.register(PeriodicTask)
class PeriodicTaskDeskAdmin(beat_admin.PeriodicTaskAdmin):
    """The package's admin with its schedule in Indonesian words instead of the scheduler's
    code and a cron string."""

    list_display = ("name_words", "enabled", "schedule_words", "start_time", "last_run_at")
    list_display += ("one_off",)
    # The package's "task" filter is titled with an untranslatable "Task Name".
    list_filter = ["enabled", "one_off", "start_time", "last_run_at"]

    @admin.display(description=_("Name"), ordering="name")
    def name_words(self, obj):
        """eBakul's own jobs have Indonesian names in the catalogue (compliance/reference.py)."""
        return gettext(obj.name)

    @admin.display(description=_("Schedule"))
    def schedule_words(self, obj):
        return schedule_label(obj)

    @admin.display(description=_("Schedule"))
    def crontab_translation(self, obj):
        return _crontab_words(obj.crontab) if obj.crontab_id else "-"

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # The package's form shows the words of the chosen crontab (a script reads this dict).
        extra_context = extra_context or {}
        extra_context["readable_crontabs"] = {
            c.id: _crontab_words(c) for c in CrontabSchedule.objects.all()
        }
        return admin.ModelAdmin.changeform_view(
            self, request, object_id, form_url, extra_context=extra_context
        )


class PeriodicTaskWordsInline(beat_admin.PeriodicTaskInline):
    """The jobs using a schedule, by name (the package's inline shows the task's dotted path under
    an untranslatable "Task Name" header)."""

    fields = ("name", "enabled")
    readonly_fields = fields


@admin.register(CrontabSchedule)
class CrontabScheduleDeskAdmin(beat_admin.CrontabScheduleAdmin):
    inlines = [PeriodicTaskWordsInline]
    list_display = ("words",)
    fields = ("words", "minute", "hour", "day_of_month", "month_of_year", "day_of_week")
    fields += ("timezone",)
    readonly_fields = ("words",)

    @admin.display(description=_("Schedule"))
    def words(self, obj):
        return _crontab_words(obj)


@admin.register(IntervalSchedule)
class IntervalScheduleDeskAdmin(beat_admin.IntervalScheduleAdmin):
    inlines = [PeriodicTaskWordsInline]
    list_display = ("words",)

    @admin.display(description=_("Schedule"))
    def words(self, obj):
        return interval_label(obj.every, obj.period)


@admin.register(ClockedSchedule)
class ClockedScheduleDeskAdmin(beat_admin.ClockedScheduleAdmin):
    inlines = [PeriodicTaskWordsInline]
    list_display = ("words",)

    @admin.display(description=_("Schedule"))
    def words(self, obj):
        return clocked_label(obj.clocked_time)


@admin.register(SolarSchedule)
class SolarScheduleDeskAdmin(beat_admin.SolarScheduleAdmin):
    inlines = [PeriodicTaskWordsInline]
    list_display = ("words",)

    @admin.display(description=_("Schedule"))
    def words(self, obj):
        return solar_label(obj.event, obj.latitude, obj.longitude)
