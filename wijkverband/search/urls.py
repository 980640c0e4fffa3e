from django.urls import path

from wijkverband.search import views

urlpatterns = [path("search/", views.search_page, name="search")]
