import uuid

from django.test import TestCase

from wijkverband.threads import services


def topic(world, *, title="Algemeen", open_to_representatives=False, team=None, actor=None):
    return services.thread_create(
        actor=actor or world.carla,
        team=team or world.team_a,
        title=title,
        open_to_representatives=open_to_representatives,
    )


def post(thread, actor, body="Hallo", **kwargs):
    kwargs.setdefault("client_id", str(uuid.uuid4()))
    with TestCase.captureOnCommitCallbacks(execute=True):
        return services.message_post(actor=actor, thread=thread, body=body, **kwargs)
