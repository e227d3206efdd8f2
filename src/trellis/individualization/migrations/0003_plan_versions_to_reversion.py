"""Plan versions move into django-reversion (decision 0014), step 2 of 3.

Each ``IndividualPlanVersion`` row's JSON snapshot becomes one reversion
revision (who: ``user``, when: ``date_created``, why: ``comment``) holding a
version of the plan, one of each objective and support it had, and for a
removal the removed objective or support with its measurements or sessions;
the row keeps its plan and number and points at the revision. Fields the old
snapshots did not keep are taken from the plan as it is now (its school,
learner, author and creation date; an objective's decision-rule points) or
left empty (who entered a removed measurement or logged a removed session:
the old snapshot did not say). 0004 drops the old columns.

Both directions write JSON in Django's serialization format, the one
reversion reads, so this runs the same on SQLite and PostgreSQL.
"""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import migrations

APP = "individualization"
KINDS = ("individualplan", "specificobjective", "support", "measurement", "supportsession")


def _serialized(model: str, pk, fields: dict) -> str:
    return json.dumps(
        [{"model": f"{APP}.{model}", "pk": pk, "fields": fields}], cls=DjangoJSONEncoder
    )


def _objective_fields(state: dict, plan_id: int, rule_points: int) -> dict:
    return {
        "plan": plan_id,
        "statement": state.get("statement", ""),
        "method": state.get("method", ""),
        "unit": state.get("unit", ""),
        "baseline_value": state["baseline"][1],
        "baseline_date": state["baseline"][0],
        "target_value": state["target"][1],
        "target_date": state["target"][0],
        "rule_points": rule_points,
        "competencies": list(state.get("competencies", [])),
    }


def _support_fields(state: dict, plan_id: int) -> dict:
    return {
        "plan": plan_id,
        "kind": state.get("kind", ""),
        "provider": state.get("provider", ""),
        "focus": state.get("focus", ""),
        "planned_minutes_per_week": state.get("planned_minutes_per_week"),
    }


def forwards(apps, schema_editor):
    PlanVersion = apps.get_model(APP, "IndividualPlanVersion")
    if not PlanVersion.objects.filter(revision=None).exists():
        return
    db = schema_editor.connection.alias
    Plan = apps.get_model(APP, "IndividualPlan")
    Objective = apps.get_model(APP, "SpecificObjective")
    Revision = apps.get_model("reversion", "Revision")
    Version = apps.get_model("reversion", "Version")
    ContentType = apps.get_model("contenttypes", "ContentType")
    types = {
        kind: ContentType.objects.using(db).get_or_create(app_label=APP, model=kind)[0]
        for kind in KINDS
    }
    plans = {p.pk: p for p in Plan.objects.using(db).all()}
    rule_points = dict(Objective.objects.using(db).values_list("pk", "rule_points"))
    for row in PlanVersion.objects.using(db).filter(revision=None).order_by("plan_id", "number"):
        snap, plan = row.snapshot or {}, plans[row.plan_id]
        revision = Revision.objects.using(db).create(
            date_created=row.at, user_id=row.changed_by_id, comment=row.reason
        )
        plan_fields = {
            "school": plan.school_id,
            "learner": plan.learner_id,
            "title": snap.get("title", plan.title),
            "summary": snap.get("summary", plan.summary),
            "accommodations": snap.get("accommodations", plan.accommodations),
            "time_multiplier": snap.get("time_multiplier", plan.time_multiplier),
            "review_dates": snap.get("review_dates", plan.review_dates),
            "responsible": snap.get("responsible", plan.responsible_id),
            "responsible_note": snap.get("responsible_note", plan.responsible_note),
            "status": snap.get("status", plan.status),
            "version": row.number,
            "created_by": plan.created_by_id,
            "created_at": plan.created_at,
            "updated_at": row.at,
        }
        stored = [("individualplan", plan.pk, plan.pk, plan_fields, plan.title)]
        for o in snap.get("objectives", []):
            fields = _objective_fields(o, plan.pk, rule_points.get(o["id"], 4))
            stored.append(("specificobjective", o["id"], o["id"], fields, o["statement"][:80]))
        for s in snap.get("supports", []):
            stored.append(("support", s["id"], s["id"], _support_fields(s, plan.pk), s["provider"]))
        removed = snap.get("removed") or {}
        if "objective" in removed:
            o = removed["objective"]
            row.removed_kind, row.removed_id = "objective", o["id"]
            fields = _objective_fields(o, plan.pk, rule_points.get(o["id"], 4))
            stored.append(("specificobjective", o["id"], o["id"], fields, o["statement"][:80]))
            for n, (on, value, note) in enumerate(o.get("measurements", []), start=1):
                fields = {"objective": o["id"], "on": on, "value": value, "note": note}
                # The measurement's own id was not kept: an id unique in the revision.
                stored.append(("measurement", f"removed-{n}", None, fields, f"{value:g} on {on}"))
        elif "support" in removed:
            s = removed["support"]
            row.removed_kind, row.removed_id = "support", s["id"]
            stored.append(("support", s["id"], s["id"], _support_fields(s, plan.pk), s["provider"]))
            for n, (on, minutes, note) in enumerate(s.get("sessions", []), start=1):
                fields = {"support": s["id"], "on": on, "minutes": minutes, "note": note}
                stored.append(
                    ("supportsession", f"removed-{n}", None, fields, f"{minutes} minutes on {on}")
                )
        for kind, object_id, pk, fields, shown in stored:
            Version.objects.using(db).create(
                revision=revision,
                object_id=str(object_id),
                content_type=types[kind],
                db=db,
                format="json",
                serialized_data=_serialized(kind, pk, fields),
                object_repr=shown,
            )
        row.revision = revision
        row.save(update_fields=["revision", "removed_kind", "removed_id"])


def _state(version) -> tuple[str, dict, dict]:
    data = json.loads(version.serialized_data)[0]
    return data["model"].split(".")[1], data.get("pk"), data["fields"]


def backwards(apps, schema_editor):
    """The snapshots again, from the revisions (for moving back a release)."""
    db = schema_editor.connection.alias
    PlanVersion = apps.get_model(APP, "IndividualPlanVersion")
    Revision = apps.get_model("reversion", "Revision")
    Version = apps.get_model("reversion", "Version")
    for row in PlanVersion.objects.using(db).exclude(revision=None).select_related("revision"):
        snap: dict = {"objectives": [], "supports": []}
        measurements, sessions, objectives, supports = [], [], {}, {}
        for version in Version.objects.using(db).filter(revision=row.revision).order_by("pk"):
            kind, pk, f = _state(version)
            if kind == "individualplan":
                snap.update(
                    {
                        key: f[key]
                        for key in (
                            "title", "summary", "accommodations", "time_multiplier",
                            "review_dates", "responsible", "responsible_note", "status",
                        )
                    }
                )  # fmt: skip
            elif kind == "specificobjective":
                objectives[pk] = {
                    "id": pk,
                    "statement": f["statement"],
                    "competencies": sorted(f.get("competencies", [])),
                    "method": f["method"],
                    "unit": f["unit"],
                    "baseline": [f["baseline_date"], f["baseline_value"]],
                    "target": [f["target_date"], f["target_value"]],
                }
            elif kind == "support":
                supports[pk] = {"id": pk} | {
                    key: f[key] for key in ("kind", "provider", "focus", "planned_minutes_per_week")
                }
            elif kind == "measurement":
                measurements.append([f["on"], f["value"], f["note"]])
            elif kind == "supportsession":
                sessions.append([f["on"], f["minutes"], f["note"]])
        if row.removed_kind == "objective" and row.removed_id in objectives:
            gone = objectives.pop(row.removed_id)
            snap["removed"] = {"objective": gone | {"measurements": measurements}}
        elif row.removed_kind == "support" and row.removed_id in supports:
            gone = supports.pop(row.removed_id)
            snap["removed"] = {"support": gone | {"sessions": sessions}}
        snap["objectives"] = [objectives[k] for k in sorted(objectives)]
        snap["supports"] = [supports[k] for k in sorted(supports)]
        row.snapshot = snap
        row.at = row.revision.date_created
        row.changed_by_id = row.revision.user_id
        row.reason = row.revision.comment
        revision_id = row.revision_id
        row.revision = None
        row.save(update_fields=["snapshot", "at", "changed_by", "reason", "revision"])
        # The snapshot now says all the revision said: moving forward again
        # converts the row afresh.
        Revision.objects.using(db).filter(pk=revision_id).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("individualization", "0002_plan_version_revision"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
