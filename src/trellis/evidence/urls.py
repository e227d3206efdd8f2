from django.urls import path

from trellis.evidence.views import assessments, mastery, model_card, offline, practice, refit

urlpatterns = [
    path("sw.js", offline.service_worker, name="service-worker"),
    path("manifest.webmanifest", offline.manifest, name="web-manifest"),
    path("competencies/", mastery.my_competencies, name="my-competencies"),
    path(
        "learners/<int:learner_id>/competencies/",
        mastery.learner_competencies,
        name="learner-competencies",
    ),
    path("classes/<int:class_id>/mastery/", mastery.class_heatmap, name="class-heatmap"),
    path("mastery/refit/", refit.refit, name="mastery-refit"),
    path("assessments/", assessments.assessment_list, name="assessment-list"),
    path(
        "classes/<int:class_id>/assessments/new/",
        assessments.assessment_create,
        name="assessment-create",
    ),
    path(
        "assessments/<int:assessment_id>/", assessments.assessment_detail, name="assessment-detail"
    ),
    path(
        "assessments/<int:assessment_id>/take/", assessments.assessment_take, name="assessment-take"
    ),
    path(
        "assessments/<int:assessment_id>/submit/",
        assessments.assessment_submit,
        name="assessment-submit",
    ),
    path(
        "assessments/<int:assessment_id>/close/",
        assessments.assessment_close,
        name="assessment-close",
    ),
    path("responses/<int:response_id>/score/", assessments.response_score, name="response-score"),
    path(
        "responses/<int:response_id>/product/",
        assessments.response_product,
        name="response-product",
    ),
    path(
        "responses/<int:response_id>/self-rate/",
        assessments.response_self_rate,
        name="response-self-rate",
    ),
    path("practice/<int:competency_id>/", practice.practice, name="practice"),
    path(
        "schools/<int:school_id>/mastery-model/",
        model_card.mastery_model_card,
        name="mastery-model-card",
    ),
]
