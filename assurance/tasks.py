import time

from django.core.files.base import ContentFile
from django.tasks import task
from django.utils import timezone

from assurance.models import Paper


@task
def make_paper(publication_id: int) -> None:
    """Make a publication's panel paper once and store it; it is served from storage after."""
    from assurance.paper import render_paper

    paper = Paper.objects.select_related("publication__organisation", "publication__period").get(
        publication_id=publication_id
    )
    if paper.status == Paper.Status.READY:
        return
    started = time.perf_counter()
    try:
        pdf = render_paper(paper)
    except Exception as error:  # recorded for the publisher; the page says the paper failed
        Paper.objects.filter(pk=paper.pk).update(status=Paper.Status.FAILED, error=str(error)[:2000])
        raise
    publication = paper.publication
    name = f"{publication.organisation.slug}-{publication.period.slug}-v{publication.version}.pdf"
    paper.file.save(name, ContentFile(pdf), save=False)
    paper.status = Paper.Status.READY
    paper.made_at = timezone.now()
    paper.seconds = time.perf_counter() - started
    paper.error = ""
    paper.save()
