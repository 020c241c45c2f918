-- Casework bounded context: ME offices and their coverage, cases opened by intake,
-- their triage reasons, and the transactional outbox of case events.
CREATE SCHEMA IF NOT EXISTS casework;

CREATE TABLE casework.offices (
    office_id                   text PRIMARY KEY,
    name                        text NOT NULL,
    region                      text,
    urgent_release_target_hours integer NOT NULL DEFAULT 24 CHECK (urgent_release_target_hours > 0),
    created_at                  timestamptz NOT NULL DEFAULT now()
);

-- Routing (DOMAIN §4): by the site's ODS code first, then by the deceased's postcode district.
CREATE TABLE casework.office_sites (
    ods_code  text PRIMARY KEY CHECK (ods_code = upper(ods_code)),
    office_id text NOT NULL REFERENCES casework.offices (office_id)
);

CREATE TABLE casework.office_postcode_districts (
    district  text PRIMARY KEY CHECK (district = upper(district)),
    office_id text NOT NULL REFERENCES casework.offices (office_id)
);

CREATE TABLE casework.cases (
    case_id                    uuid PRIMARY KEY,
    source_system              text NOT NULL,
    notification_id            text NOT NULL,
    publisher_ods_code         text NOT NULL,
    site_ods_code              text NOT NULL,
    office_id                  text REFERENCES casework.offices (office_id), -- NULL: unrouted, for an admin
    state                      text NOT NULL,
    queue                      text NOT NULL,
    route                      text NOT NULL CHECK (route IN ('coroner-referral', 'scrutiny')),
    place_of_death             text NOT NULL,
    date_time_of_death         timestamptz NOT NULL,
    registration_due_at        timestamptz NOT NULL,
    urgent_release_reason      text,
    leder_flag                 boolean NOT NULL,
    cdop_flag                  boolean NOT NULL,
    notification               jsonb NOT NULL, -- the accepted notification; PII, never copied to logs
    received_at                timestamptz NOT NULL,
    updated_at                 timestamptz NOT NULL,
    version                    integer NOT NULL DEFAULT 1,
    last_event_sequence        integer NOT NULL,
    -- Idempotent intake (DESIGN §3): a redelivered notification never opens a second case.
    CONSTRAINT cases_notification_identity UNIQUE (source_system, notification_id)
);

-- Queue order (DOMAIN §4): per office and queue, the oldest death first.
CREATE INDEX cases_queue_order ON casework.cases (office_id, queue, date_time_of_death, case_id);

CREATE TABLE casework.triage_reasons (
    case_id  uuid NOT NULL REFERENCES casework.cases (case_id),
    ordinal  smallint NOT NULL,
    code     text NOT NULL,
    source   text NOT NULL CHECK (source IN ('circumstance', 'field', 'text')),
    evidence text NOT NULL,
    PRIMARY KEY (case_id, ordinal)
);

CREATE INDEX triage_reasons_code ON casework.triage_reasons (code);

-- Transactional outbox: every state change writes its case event here in the same transaction;
-- the relay publishes unpublished rows in position order, keyed by case id.
CREATE TABLE casework.outbox (
    position     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id     uuid NOT NULL UNIQUE,
    case_id      uuid NOT NULL,
    sequence     integer NOT NULL,
    event_type   text NOT NULL,
    payload      jsonb NOT NULL,
    occurred_at  timestamptz NOT NULL,
    published_at timestamptz,
    CONSTRAINT outbox_case_sequence UNIQUE (case_id, sequence)
);

CREATE INDEX outbox_unpublished ON casework.outbox (position) WHERE published_at IS NULL;
