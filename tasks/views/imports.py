from django.http import Http404


def import_upload(request):
    raise Http404


def import_preview(request, token):
    raise Http404


def import_apply(request, token):
    raise Http404
