"""The class grouping page for a grade (issue #18): its pair selects list
every learner, written in one pass by ``LearnerSelect`` with the markup of
Django's own select, and the page's queries do not grow with the class."""

from __future__ import annotations

import re

import pytest
from django import forms
from django.test.html import parse_html

from tests.differentiation.conftest import answer, client_for, enrol_more
from trellis.differentiation.forms import PAIR_ROWS, LearnerSelect

pytestmark = pytest.mark.django_db

#: Queries of a suggestion (readiness, three groups) on the class page.
SUGGEST_PAGE_QUERIES = 19
CHOICES = [("", "—"), (5, "Ann <Lee>"), (7, "Bo & Co")]


def _pair_form(data, widget=None):
    class PairForm(forms.Form):
        learner = forms.TypedChoiceField(
            choices=CHOICES, coerce=int, required=False, empty_value=None, widget=widget
        )

        def clean_learner(self):
            if self.cleaned_data["learner"] == 5:
                raise forms.ValidationError("Not this one.")
            return self.cleaned_data["learner"]

    form = PairForm(data)
    form.is_valid()
    return re.sub(r">\s+<", "><", str(form["learner"]).strip())


def _same_html(ours: str, djangos: str) -> bool:
    """Equal as HTML (attributes in any order)."""
    return parse_html(ours) == parse_html(djangos)


@pytest.mark.parametrize("data", [None, {"learner": "7"}, {"learner": "5"}, {"learner": ""}])
def test_learner_select_writes_what_djangos_select_writes(data):
    assert _same_html(_pair_form(data, LearnerSelect), _pair_form(data))


def test_learner_select_escapes_names():
    html = _pair_form({"learner": "7"}, LearnerSelect)
    assert '<option value="5">Ann &lt;Lee&gt;</option>' in html
    assert '<option value="7" selected>Bo &amp; Co</option>' in html


@pytest.mark.parametrize("size", [3, 9])
def test_suggest_page_queries_flat_in_class_size(
    world, curriculum, size, django_assert_num_queries
):
    learners = enrol_more(world.class_a, size - 2)  # the world's class has two already
    for n, learner in enumerate([world.learner, world.sibling, *learners]):
        answer(learner, curriculum.prereq_item, n % 2 == 0)
    client = client_for(world.teacher)
    client.get("/")
    url = f"/differentiate/classes/{world.class_a.pk}/"
    query = {"objective": curriculum.objective.pk, "kind": "readiness", "n_groups": 3}
    with django_assert_num_queries(SUGGEST_PAGE_QUERIES):
        page = client.get(url, query).content.decode()
    # Each of the pair selects (two per pair) lists every learner of the class.
    for learner in [world.learner, *learners]:
        assert page.count(f'<option value="{learner.pk}">{learner}</option>') == 2 * 2 * PAIR_ROWS
