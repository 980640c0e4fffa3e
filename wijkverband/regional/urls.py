from django.urls import path

from wijkverband.regional import views

R = "r/<slug:region_slug>/regional/"
ITEM = R + "items/<str:item_id>/"
OFFER = R + "agreements/<str:offer_id>/"
T = "t/<slug:team_slug>/regional-offers/"

urlpatterns = [
    path(R, views.regional_overview, name="regional_overview"),
    path(R + "items/new/", views.regional_item_create, name="regional_item_create"),
    path(ITEM, views.regional_item_detail, name="regional_item_detail"),
    path(ITEM + "edit/", views.regional_item_edit, name="regional_item_edit"),
    path(ITEM + "update/", views.regional_item_update, name="regional_item_update"),
    path(ITEM + "link/", views.regional_item_link, name="regional_item_link"),
    path(ITEM + "links/<str:link_id>/remove/", views.regional_item_unlink, name="regional_item_unlink"),
    path(R + "agreements/new/", views.regional_agreement_create, name="regional_agreement_create"),
    path(OFFER, views.regional_agreement_detail, name="regional_agreement_detail"),
    path(OFFER + "withdraw/", views.regional_agreement_withdraw, name="regional_agreement_withdraw"),
    path(T, views.team_offers, name="team_offers"),
    path(T + "<str:offer_id>/", views.team_offer_detail, name="team_offer_detail"),
    path(T + "<str:offer_id>/adopt/", views.team_offer_adopt, name="team_offer_adopt"),
]
