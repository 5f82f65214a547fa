"""The public portal (no sign-in) and its editors' and collectors' pages, under /portal/."""

from django.urls import path

from hoctap.portal import (
    views_editor,
    views_figures,
    views_interest,
    views_materials,
    views_public,
)

app_name = "portal"

urlpatterns = [
    # Public pages (views_public).
    path("", views_public.home, name="home"),
    path("u/<str:key>/", views_public.unit_page, name="unit"),
    path("articles/", views_public.article_list, name="articles"),
    path("articles/<int:pk>-<slug:slug>/", views_public.article_detail, name="article"),
    path("articles/<int:pk>/image/", views_public.article_image, name="article_image"),
    path("articles/<int:pk>/file/", views_public.article_file, name="article_file"),
    path("events/", views_public.event_list, name="events"),
    path("criteria/", views_public.criteria_list, name="criteria"),
    path("criteria/<str:code>/", views_public.criteria_detail, name="criteria_set"),
    # Learning materials (views_materials).
    path("materials/", views_materials.material_list, name="materials"),
    path("materials/<int:pk>/", views_materials.material_detail, name="material"),
    path("materials/<int:pk>/file/", views_materials.material_file, name="material_file"),
    # Open figures (views_figures).
    path("figures/", views_figures.figures, name="figures"),
    path("figures.csv", views_figures.figures_csv, name="figures_csv"),
    path("figures.xlsx", views_figures.figures_xlsx, name="figures_xlsx"),
    # Registering interest (views_interest).
    path("interest/", views_interest.interest_new, name="interest"),
    path("interest/thanks/", views_interest.interest_thanks, name="interest_thanks"),
    path("interest/places/", views_interest.places, name="places"),
    # Editors (views_editor).
    path("manage/", views_editor.manage, name="manage"),
    path("manage/articles/new/", views_editor.article_new, name="article_new"),
    path("manage/articles/<int:pk>/", views_editor.article_edit, name="article_edit"),
    path("manage/articles/<int:pk>/publish/", views_editor.article_publish, name="article_publish"),
    path(
        "manage/articles/<int:pk>/withdraw/", views_editor.article_withdraw, name="article_withdraw"
    ),
    path("manage/materials/new/", views_materials.material_new, name="material_new"),
    path("manage/materials/<int:pk>/", views_materials.material_edit, name="material_edit"),
    path(
        "manage/materials/<int:pk>/publish/",
        views_materials.material_publish,
        name="material_publish",
    ),
    path(
        "manage/materials/<int:pk>/withdraw/",
        views_materials.material_withdraw,
        name="material_withdraw",
    ),
    # Collectors (views_interest).
    path("manage/interests/", views_interest.interest_inbox, name="interests"),
    path("manage/interests/<int:pk>/", views_interest.interest_handle, name="interest_handle"),
]
