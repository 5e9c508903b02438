from django.contrib.auth.decorators import login_required
from django.http import Http404


@login_required
def review_queue(request):
    raise Http404


@login_required
def review_item(request, item_id):
    raise Http404


@login_required
def merge(request, person_id):
    raise Http404


@login_required
def unmerge(request, merge_id):
    raise Http404
