-- Casework's own view of the bereaved-family notifications (DOMAIN §6: visible to the office on the case page),
-- projected from me.family-notifications.v1. Casework never reads the family schema; these events carry no contact
-- detail or name, only what the office sees: template, channel, language, status and when.
CREATE TABLE casework.family_notifications (
    notification_id uuid PRIMARY KEY,
    case_id         uuid NOT NULL,
    template        text NOT NULL,
    status          text NOT NULL,
    channel         text,
    language        text,
    reason          text,
    provider_status text,
    attempts        integer,
    updated_at      timestamptz NOT NULL,  -- occurredAt of the latest event applied
    last_event_id   uuid NOT NULL
);

CREATE INDEX family_notifications_case ON casework.family_notifications (case_id);

GRANT SELECT, INSERT, UPDATE ON casework.family_notifications TO me_scrutiny_api;
