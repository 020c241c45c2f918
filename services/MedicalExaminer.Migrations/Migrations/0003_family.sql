-- Family bereavement-notification context (DOMAIN §6): owned by the family notifier, which learns about cases only
-- from me.case-events.v1 and never reads the casework schema.
CREATE SCHEMA IF NOT EXISTS family;

-- Inbox: every case event handled, by event id, so a redelivered or republished event has no second effect.
CREATE TABLE family.processed_events (
    event_id     uuid PRIMARY KEY,
    case_id      uuid NOT NULL,
    event_type   text NOT NULL,
    processed_at timestamptz NOT NULL
);

-- Who to contact about a case and how, from its NotificationReceived event. Personal data: never logged.
CREATE TABLE family.case_contacts (
    case_id            uuid PRIMARY KEY,
    office_id          text,
    deceased_given     text,
    deceased_family    text,
    date_time_of_death timestamptz NOT NULL,
    informant          jsonb,            -- name, relationship, phone, email, address, preferredChannel, language, consentToContact
    received_at        timestamptz NOT NULL
);

-- One row per (case, template): the decision (send on a channel and language, or withhold and why) and then the
-- sending state. The unique key is what makes "at most one message per case and template" hold under redelivery,
-- republished events and concurrent consumers: it is written in the transaction that records the decision.
CREATE TABLE family.notifications (
    notification_id   uuid PRIMARY KEY,  -- also the provider's "reference": a retried send finds the earlier message
    case_id           uuid NOT NULL,
    template          text NOT NULL CHECK (template IN ('case-received', 'urgent-release-decided', 'referred-to-coroner', 'coroner-declined', 'mccd-issued')),
    cause_event_id    uuid NOT NULL,
    status            text NOT NULL CHECK (status IN ('queued', 'withheld', 'sent', 'delivered', 'failed')),
    reason            text,              -- withheld or failed: a code (no-consent, provider-rejected, ...)
    channel           text CHECK (channel IN ('email', 'sms', 'letter')),
    language          text CHECK (language IN ('en', 'cy')),
    recipient         text,              -- email address or phone number; letters: the first address line. Personal data.
    personalisation   jsonb,             -- the template's fields (letters: the address lines too). Personal data.
    not_before        timestamptz NOT NULL,  -- SMS quiet hours push this to 08:00 UK time
    next_attempt_at   timestamptz NOT NULL,
    lease_until       timestamptz,       -- a dispatcher is sending it; another may take it after this time
    claims            integer NOT NULL DEFAULT 0,  -- times a dispatcher took it: above 1, an earlier send may have reached the provider
    attempts          integer NOT NULL DEFAULT 0,
    provider_id       uuid,
    provider_status   text,
    next_poll_at      timestamptz,
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,
    sent_at           timestamptz,
    completed_at      timestamptz,
    CONSTRAINT notifications_case_template UNIQUE (case_id, template),
    CHECK (status = 'withheld' OR (channel IS NOT NULL AND language IS NOT NULL))
);

-- The dispatcher's queue: due, unsent notifications in due order.
CREATE INDEX notifications_due ON family.notifications (next_attempt_at) WHERE status = 'queued';
-- Accepted messages whose delivery status is still to be asked.
CREATE INDEX notifications_polling ON family.notifications (next_poll_at) WHERE status = 'sent';

-- Every attempt (HTTP request, or call refused by the open circuit) and its outcome.
CREATE TABLE family.attempts (
    notification_id uuid NOT NULL REFERENCES family.notifications (notification_id),
    attempt         integer NOT NULL,
    started_at      timestamptz NOT NULL,
    duration_ms     integer NOT NULL,
    outcome         text NOT NULL,
    http_status     integer,
    PRIMARY KEY (notification_id, attempt)
);

-- Transactional outbox of family-notification events (me.family-notifications.v1); the shared relay publishes it.
CREATE TABLE family.outbox (
    position     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id     uuid NOT NULL UNIQUE,
    case_id      uuid NOT NULL,
    event_type   text NOT NULL,
    payload      jsonb NOT NULL,
    occurred_at  timestamptz NOT NULL,
    published_at timestamptz
);

CREATE INDEX outbox_unpublished ON family.outbox (position) WHERE published_at IS NULL;

-- The notifier's database role: its own schema only (production logs in as a member; k8s/ creates the login).
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'me_family_notifier') THEN
        CREATE ROLE me_family_notifier NOLOGIN;
    END IF;
END
$$;

GRANT USAGE ON SCHEMA family TO me_family_notifier;
GRANT SELECT, INSERT ON family.processed_events, family.attempts TO me_family_notifier;
GRANT SELECT, INSERT, UPDATE ON family.case_contacts, family.notifications TO me_family_notifier;
GRANT SELECT, INSERT ON family.outbox TO me_family_notifier;
GRANT UPDATE (published_at), DELETE ON family.outbox TO me_family_notifier;
