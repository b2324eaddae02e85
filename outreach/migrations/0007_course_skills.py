"""The skills a 講師 needs for each standard course (outreach.0002's catalogue), as data:
volunteers are matched to classes by these rows, no longer by words in titles.
The reverse removes only these rows."""

from django.db import migrations

SKILLS = {
    "basic-line": ["line"],
    "basic-maps": ["maps"],
    "advanced-mynumber": ["mynumber_card"],
    "advanced-mynaportal": ["mynaportal", "mynumber_card"],
    "advanced-etax": ["e_tax", "mynumber_card"],
    "advanced-medical": ["online_medical"],
    "city-e-application": ["online_application"],
    "city-cashless": ["cashless"],
}


def add(apps, schema_editor):
    Course = apps.get_model("outreach", "Course")
    CourseSkill = apps.get_model("outreach", "CourseSkill")
    for code, skills in SKILLS.items():
        course = Course.objects.filter(code=code).first()
        if course is None:
            continue
        for skill in skills:
            CourseSkill.objects.get_or_create(course=course, skill=skill)


def remove(apps, schema_editor):
    CourseSkill = apps.get_model("outreach", "CourseSkill")
    for code, skills in SKILLS.items():
        CourseSkill.objects.filter(course__code=code, skill__in=skills).delete()


class Migration(migrations.Migration):
    dependencies = [("outreach", "0006_courseskill")]
    operations = [migrations.RunPython(add, remove)]
