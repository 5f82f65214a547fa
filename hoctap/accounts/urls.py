from django.contrib.auth import views as auth_views
from django.urls import path

from hoctap.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("users/", views.user_list, name="user_list"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<str:username>/", views.user_detail, name="user_detail"),
    path("users/<str:username>/active/", views.user_toggle_active, name="user_toggle_active"),
    path("users/<str:username>/person/", views.user_person, name="user_person"),
    path(
        "users/<str:username>/roles/<int:pk>/revoke/",
        views.assignment_revoke,
        name="assignment_revoke",
    ),
    path("tokens/", views.api_tokens, name="api_tokens"),
    path("tokens/<int:pk>/revoke/", views.api_token_revoke, name="api_token_revoke"),
]
