import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_it_answers_health(client):
    assert client.get(reverse("healthz")).json() == {"status": "ok"}


def test_it_reads_dates_day_first(settings):
    from django import forms
    from django.utils import translation

    with translation.override("vi"):
        field = forms.DateField()
        assert field.clean("05/03/2020").month == 3
        assert field.clean("05/03/2020").day == 5
