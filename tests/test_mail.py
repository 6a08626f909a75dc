"""Email (clinics/mail.py): sent by a task after commit, retried when the mail server fails,
and never a way to inject a header (issue 12, items 3 and 4)."""

import logging
import smtplib
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from clinics.mail import absolute_url, deliver_email, header_text, send_email

pytestmark = pytest.mark.django_db

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


class FlakyMailServer(BaseEmailBackend):
    """A mail backend whose server fails `failures` times with `error`, then accepts mail."""

    failures = 0
    error = ConnectionRefusedError(111, "Connection refused")
    attempts = 0

    def send_messages(self, messages):
        type(self).attempts += 1
        if type(self).attempts <= type(self).failures:
            raise type(self).error
        mail.outbox.extend(messages)
        return len(messages)


@pytest.fixture
def flaky_server(settings):
    settings.MAILERS = {"default": {"BACKEND": "tests.test_mail.FlakyMailServer"}}
    settings.MAIL_MAX_ATTEMPTS = 3
    FlakyMailServer.attempts = 0
    FlakyMailServer.failures = 0
    FlakyMailServer.error = ConnectionRefusedError(111, "Connection refused")
    return FlakyMailServer


def send_and_commit(django_capture_on_commit_callbacks, **message):
    with django_capture_on_commit_callbacks(execute=True):
        return send_email(**message)


# After commit, never on rollback ---------------------------------------------------------------


def test_an_email_is_sent_only_once_the_transaction_commits(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        send_email(to=["staff@example.org"], subject="Listing approved", body="It is live.")
        assert mail.outbox == []  # still inside the transaction
    assert len(callbacks) == 1
    [sent] = mail.outbox
    assert sent.to == ["staff@example.org"]
    assert sent.subject == "Listing approved"
    assert sent.body == "It is live."


def test_no_email_about_an_action_that_was_rolled_back(django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        send_email(to=["staff@example.org"], subject="Listing approved", body="It is live.")
        raise RuntimeError("the approval failed after the email was asked for")
    assert callbacks == []
    assert mail.outbox == []


def test_recipients_are_checked_and_sent_once_each(django_capture_on_commit_callbacks):
    recipients = send_and_commit(
        django_capture_on_commit_callbacks,
        to=["B@example.org", "b@example.org", "", None, "not an address", "a@example.org"],
        subject="Hello",
        body="Body",
    )
    assert recipients == ["a@example.org", "b@example.org"]
    assert mail.outbox[0].to == ["a@example.org", "b@example.org"]


def test_nobody_to_write_to_sends_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert send_email(to=["", "nobody"], subject="Hello", body="Body") == []
    assert callbacks == []
    assert mail.outbox == []


# A mail server that fails ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "error",
    [
        ConnectionRefusedError(111, "Connection refused"),
        TimeoutError("timed out"),
        smtplib.SMTPServerDisconnected("Connection unexpectedly closed"),
        smtplib.SMTPRecipientsRefused({"staff@example.org": (450, b"try later")}),
    ],
    ids=["refused", "timeout", "disconnected", "temporary-refusal"],
)
def test_a_failing_mail_server_is_retried_and_logged(
    flaky_server, error, caplog, django_capture_on_commit_callbacks
):
    flaky_server.failures, flaky_server.error = 2, error
    with caplog.at_level(logging.WARNING, logger="clinics.mail"):
        send_and_commit(
            django_capture_on_commit_callbacks,
            to=["staff@example.org"],
            subject="Listing approved",
            body="It is live.",
        )
    assert flaky_server.attempts == 3
    assert [sent.subject for sent in mail.outbox] == ["Listing approved"]
    retries = [record for record in caplog.records if "trying again" in record.getMessage()]
    assert len(retries) == 2
    assert "Listing approved" in retries[0].getMessage()
    assert type(error).__name__ in retries[0].getMessage()


def test_a_mail_server_that_never_answers_is_logged_and_never_raised(
    flaky_server, caplog, django_capture_on_commit_callbacks
):
    flaky_server.failures = 100
    with caplog.at_level(logging.WARNING, logger="clinics.mail"):
        send_and_commit(
            django_capture_on_commit_callbacks,
            to=["staff@example.org"],
            subject="Listing approved",
            body="It is live.",
        )  # no exception reaches the caller
    assert flaky_server.attempts == 3  # MAIL_MAX_ATTEMPTS
    assert mail.outbox == []
    [gave_up] = [
        record
        for record in caplog.records
        if record.name == "clinics.mail" and record.levelno == logging.ERROR
    ]
    assert "giving up after 3 attempts" in gave_up.getMessage()


def test_a_retry_waits_longer_each_time_on_a_queue_that_can_wait(flaky_server, settings):
    settings.TASKS = DATABASE_TASKS
    settings.MAIL_RETRY_SECONDS = 60
    flaky_server.failures = 100
    message = {"to": ["staff@example.org"], "subject": "Hello", "body": "Body"}
    before = timezone.now()

    assert deliver_email.call(message=message, attempt=1) == "retrying"
    assert deliver_email.call(message=message, attempt=2) == "retrying"

    queued = list(DBTaskResult.objects.order_by("run_after"))
    assert [row.args_kwargs["kwargs"]["attempt"] for row in queued] == [2, 3]
    waits = [row.run_after - before for row in queued]
    assert timedelta(seconds=60) <= waits[0] < timedelta(seconds=90)
    assert timedelta(seconds=120) <= waits[1] < timedelta(seconds=150)
    assert mail.outbox == []


# Real commits: the worker closes a connection left inside a transaction, as a test's would be.
@pytest.mark.django_db(transaction=True)
def test_the_database_worker_sends_what_was_queued(settings):
    settings.TASKS = DATABASE_TASKS
    with transaction.atomic():
        send_email(
            to=["staff@example.org"],
            subject="Queued",
            body="Sent by the worker, not the request.",
        )
        assert not DBTaskResult.objects.exists()  # nothing queued before the commit
    assert mail.outbox == []  # queued in the database, not sent by the request
    assert DBTaskResult.objects.filter(task_path="clinics.mail.deliver_email").count() == 1

    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)

    assert [sent.subject for sent in mail.outbox] == ["Queued"]
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


# Header injection --------------------------------------------------------------------------------

HOSTILE_NAMES = [
    "Evil Clinic\r\nBcc: victim@example.org",
    "Evil Clinic\nBcc: victim@example.org",
    "Evil Clinic\rBcc: victim@example.org",
    "Evil Clinic\x00\x0bBcc: victim@example.org",
    "Evil Clinic\u2028Bcc: victim@example.org",
    "Evil Clinic\x85Bcc: victim@example.org",
]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_a_name_with_line_breaks_cannot_add_a_header(name, django_capture_on_commit_callbacks):
    send_and_commit(
        django_capture_on_commit_callbacks,
        to=["moderators@example.org"],
        subject=f"Waiting for review: {name}",
        body=f"{name} is waiting.",
    )
    [sent] = mail.outbox
    assert sent.subject == "Waiting for review: Evil Clinic Bcc: victim@example.org"
    headers = sent.message().as_bytes().split(b"\n\n", 1)[0]
    assert b"\nBcc:" not in headers and b"\rBcc:" not in headers
    assert sent.recipients() == ["moderators@example.org"]


@pytest.mark.parametrize(
    "address",
    [
        "staff@example.org\r\nBcc: victim@example.org",
        "staff@example.org, victim@example.org",
        "Staff <victim@example.org>",
    ],
)
def test_an_address_that_is_not_one_plain_address_is_dropped(
    address, django_capture_on_commit_callbacks
):
    send_and_commit(
        django_capture_on_commit_callbacks,
        to=[address, "moderators@example.org"],
        subject="Hello",
        body="Body",
    )
    [sent] = mail.outbox
    assert sent.recipients() == ["moderators@example.org"]


def test_header_text_is_one_short_line():
    assert header_text("  New\tlisting:\r\n  Rose   City ") == "New listing: Rose City"
    long = header_text("x" * 500)
    assert len(long) == 200 and long.endswith("…")


def test_links_in_emails_use_site_url_not_a_request_host(settings):
    settings.SITE_URL = "https://directory.example.org"
    assert (
        absolute_url("/moderation/clinics/4/")
        == "https://directory.example.org/moderation/clinics/4/"
    )
    assert absolute_url("manage/") == "https://directory.example.org/manage/"
