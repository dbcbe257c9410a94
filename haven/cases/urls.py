from django.urls import path

from haven.cases import child_views, emergency_views, merge_views, staff_views, views

app_name = "cases"
urlpatterns = [
    path("", views.my_cases, name="my_cases"),
    path("new/", views.case_register, name="register"),
    path("due/", views.due_list, name="due"),
    path("hand-over/", staff_views.hand_over, name="hand_over"),
    path("staff/<uuid:membership_id>/leave/", staff_views.member_leave, name="member_leave"),
    path("staff/<uuid:membership_id>/role/", staff_views.member_role, name="member_role"),
    path("emergency/", emergency_views.emergency_open, name="emergency"),
    path("emergency/<uuid:access_id>/end/", emergency_views.emergency_end, name="emergency_end"),
    path("emergency/reviews/", emergency_views.emergency_reviews, name="emergency_reviews"),
    path(
        "emergency/reviews/<uuid:access_id>/",
        emergency_views.emergency_review,
        name="emergency_review",
    ),
    path("<uuid:public_id>/", views.case_detail, name="detail"),
    path("<uuid:public_id>/stage/", views.case_stage, name="stage"),
    path("<uuid:public_id>/new-case/", views.case_open_again, name="open_again"),
    path("<uuid:public_id>/merges/", merge_views.merge_propose, name="merge_propose"),
    path(
        "<uuid:public_id>/merges/<uuid:merge_id>/decide/",
        merge_views.merge_decide,
        name="merge_decide",
    ),
    path(
        "<uuid:public_id>/merges/<uuid:merge_id>/undo/",
        merge_views.merge_undo,
        name="merge_undo",
    ),
    path(
        "<uuid:public_id>/closure/<uuid:request_id>/",
        views.closure_decide,
        name="closure_decide",
    ),
    path("<uuid:public_id>/assign/", views.case_assign, name="assign"),
    path(
        "<uuid:public_id>/handover-request/",
        staff_views.handover_request,
        name="handover_request",
    ),
    path(
        "<uuid:public_id>/handover-request/withdraw/",
        staff_views.handover_request_withdraw,
        name="handover_request_withdraw",
    ),
    path(
        "<uuid:public_id>/assignments/<uuid:assignment_id>/end/",
        views.assignment_end,
        name="assignment_end",
    ),
    path("<uuid:public_id>/notes/", views.note_add, name="note_add"),
    path("<uuid:public_id>/interviews/new/", views.interview_new, name="interview_new"),
    path("<uuid:public_id>/child/", child_views.child_edit, name="child_edit"),
    path("<uuid:public_id>/child/age/", child_views.age_assessment_new, name="age_assessment"),
]
