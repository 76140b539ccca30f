from django.urls import path

from . import unit_views, views

app_name = "units"
urlpatterns = [
    path("users/", views.user_list, name="user_list"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<int:user_id>/", views.user_detail, name="user_detail"),
    path("users/<int:user_id>/edit/", views.user_edit, name="user_edit"),
    path("users/<int:user_id>/deactivate/", views.user_deactivate, name="user_deactivate"),
    path("users/<int:user_id>/activate/", views.user_activate, name="user_activate"),
    path("", unit_views.unit_list, name="unit_list"),
    path("new/", unit_views.unit_create, name="unit_create"),
    path("signoff-by-kind/", unit_views.unit_kind_signoff, name="unit_kind_signoff"),
    path("<int:unit_id>/", unit_views.unit_detail, name="unit_detail"),
    path("<int:unit_id>/aliases/", unit_views.unit_alias_add, name="unit_alias_add"),
    path(
        "<int:unit_id>/aliases/<int:alias_id>/remove/", unit_views.unit_alias_remove, name="unit_alias_remove"
    ),
    path("<int:unit_id>/members/", unit_views.unit_member_add, name="unit_member_add"),
    path(
        "<int:unit_id>/members/<int:member_id>/remove/",
        unit_views.unit_member_remove,
        name="unit_member_remove",
    ),
    path("<int:unit_id>/merge/", unit_views.unit_merge, name="unit_merge"),
    path("<int:unit_id>/active/", unit_views.unit_set_active, name="unit_set_active"),
]
