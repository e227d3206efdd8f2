"""Forms for the differentiation pages. The group editor is a plain set of
fields (a name per group, a "move to" select per learner), read by
``read_group_editor`` into drafts for ``services.grouping_save``."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from trellis.differentiation import services, words
from trellis.differentiation.models import KINDS, READINESS

PAIR_ROWS = 3
PAIR_LABELS = {
    ("apart", "a"): _("Keep apart, pair %(n)s, first learner"),
    ("apart", "b"): _("Keep apart, pair %(n)s, second learner"),
    ("together", "a"): _("Keep together, pair %(n)s, first learner"),
    ("together", "b"): _("Keep together, pair %(n)s, second learner"),
}
BAD_EDITOR = _("The group editor was incomplete; start again from a suggestion.")
SAME_LEARNER_PAIR = _("A pair needs two different learners.")


class LearnerSelect(forms.Select):
    """A select of a class's learners, its options written in one pass.

    Django renders each option through its own template (with a context
    copied per option): twelve pair selects of a grade of 500 learners took
    about a second of a one-second page (issue #18). The markup is the same
    as Django's select (its attributes, ``selected`` on the chosen option)."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = set(self.format_value(value))
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (key, " selected" if str(key) in chosen else "", label)
                for key, label in self.choices
            ),
        )
        final = self.build_attrs(self.attrs, attrs)
        return format_html('<select name="{}"{}>{}</select>', name, flatatt(final), options)


class SuggestForm(forms.Form):
    objective = forms.ModelChoiceField(queryset=None, label=_("Objective for the lesson"))
    kind = forms.ChoiceField(choices=KINDS, label=_("Group by"), initial=READINESS)
    n_groups = forms.IntegerField(
        label=_("Number of groups"), min_value=1, required=False, initial=3
    )
    min_size = forms.IntegerField(label=_("Smallest group"), min_value=1, required=False)
    max_size = forms.IntegerField(label=_("Largest group"), min_value=1, required=False)

    def __init__(self, *args, objectives, learners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["objective"].queryset = objectives
        self.fields["objective"].label_from_instance = lambda c: str(c)[:90]
        choices = [("", "—")] + [(u.pk, str(u)) for u in learners]
        for kind in ("apart", "together"):
            for n in range(1, PAIR_ROWS + 1):
                for side in ("a", "b"):
                    self.fields[f"{kind}_{n}_{side}"] = forms.TypedChoiceField(
                        choices=choices,
                        widget=LearnerSelect,
                        coerce=int,
                        required=False,
                        empty_value=None,
                        label=PAIR_LABELS[kind, side] % {"n": n},
                    )

    def pair_rows(self, kind: str):
        return [(self[f"{kind}_{n}_a"], self[f"{kind}_{n}_b"]) for n in range(1, PAIR_ROWS + 1)]

    def clean(self):
        data = super().clean()
        for kind in ("apart", "together"):
            for n in range(1, PAIR_ROWS + 1):
                x, y = data.get(f"{kind}_{n}_a"), data.get(f"{kind}_{n}_b")
                if x is not None and x == y:
                    self.add_error(f"{kind}_{n}_b", SAME_LEARNER_PAIR)
        return data

    def constraints(self) -> dict:
        data = self.cleaned_data
        out = {k: data.get(k) for k in ("n_groups", "min_size", "max_size")}
        for kind in ("apart", "together"):
            out[f"keep_{kind}"] = [
                (data[f"{kind}_{n}_a"], data[f"{kind}_{n}_b"])
                for n in range(1, PAIR_ROWS + 1)
                if data.get(f"{kind}_{n}_a") and data.get(f"{kind}_{n}_b")
            ]
        return services.normalise_constraints(out)


def _phrase(raw: str | None, explanation: str) -> Any:
    """The posted phrase of an explanation, or None when it is missing,
    unreadable or does not say the posted explanation in English."""
    if not raw:
        return None
    try:
        phrase = json.loads(raw)
        return phrase if words.english(phrase) == explanation else None
    except (TypeError, ValueError, KeyError):
        return None


def read_group_editor(
    post, learner_ids: list[int]
) -> tuple[list[services.GroupDraft], dict, list[services.GroupDraft | None]]:
    """Drafts from the editor's fields: ``group_count``, ``label_<i>``,
    ``explanation_<i>`` (and ``phrase_<i>``, the engine's phrase of it, kept
    only when it says exactly that explanation) and ``learner_<id>`` = the
    index of the chosen group;
    and each group as it was suggested (``suggested_label_<i>`` and
    ``suggested_<i>``, the learner ids), so that the explanations of the
    groups the teacher changed can be brought up to date (None when the
    form does not say)."""
    try:
        count = int(post.get("group_count", ""))
        constraints = json.loads(post.get("constraints") or "{}")
    except (TypeError, ValueError):
        raise ValidationError(BAD_EDITOR) from None
    drafts = [
        services.GroupDraft(
            label=post.get(f"label_{i}", ""),
            explanation=post.get(f"explanation_{i}", ""),
            learner_ids=[],
            phrase=_phrase(post.get(f"phrase_{i}"), post.get(f"explanation_{i}", "")),
        )
        for i in range(count)
    ]
    for pk in learner_ids:
        raw = post.get(f"learner_{pk}")
        if raw in (None, ""):
            continue
        try:
            drafts[int(raw)].learner_ids.append(pk)
        except (ValueError, IndexError):
            raise ValidationError(BAD_EDITOR) from None
    originals: list[services.GroupDraft | None] = []
    for i, draft in enumerate(drafts):
        raw = post.get(f"suggested_{i}")
        if raw is None:
            originals.append(None)
            continue
        try:
            ids = [int(x) for x in raw.split(",") if x.strip()]
        except ValueError:
            raise ValidationError(BAD_EDITOR) from None
        originals.append(
            services.GroupDraft(
                label=post.get(f"suggested_label_{i}", draft.label),
                explanation=draft.explanation,
                learner_ids=ids,
                phrase=draft.phrase,
            )
        )
    return drafts, constraints, originals


class StationsForm(forms.Form):
    stations = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        label=_("Stations, one per line"),
        help_text=_("For example: Teacher table, Practice, Reading corner, Project."),
    )
    minutes_per_station = forms.IntegerField(
        label=_("Minutes per station"), min_value=1, max_value=240, initial=15
    )

    def station_list(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["stations"].splitlines() if line.strip()]
