-- Metrics bounded context (DOMAIN §7): a projection of me.case-events.v1. Nothing here is read
-- from another context's tables; everything comes from the case events.
--
-- Shape: every event that bears on a metric is kept as one narrow row (codes and times only, never
-- free text or personal data), deduplicated by event id. A case's fact row is recomputed from all
-- of its kept events, ordered by the case's own sequence, whenever one of them arrives. The
-- figures are then plain SQL aggregates over the facts. So the facts are a pure function of the
-- set of events: a redelivery, a replay from offset 0 or another interleaving of cases gives the
-- same facts and therefore the same figures.
CREATE SCHEMA IF NOT EXISTS metrics;

CREATE TABLE metrics.events (
    event_id           uuid PRIMARY KEY,
    case_id            uuid NOT NULL,
    sequence           integer NOT NULL CHECK (sequence > 0),
    event_type         text NOT NULL,
    occurred_at        timestamptz NOT NULL,
    office_id          text,        -- NotificationReceived, CaseRoutedTo*: the office (NULL: unrouted)
    date_time_of_death timestamptz, -- NotificationReceived, MccdIssued
    route              text,        -- CaseTriaged
    codes              text[],      -- CaseTriaged: reason codes; CoronerReferralConfirmed: confirmed codes
    outcome            text,        -- BereavedDiscussed: outcome; ConcernRaised: kind; UrgentReleaseDecided: decision
    requested_at       timestamptz, -- UrgentReleaseDecided
    target_hours       integer      -- UrgentReleaseDecided
);

CREATE INDEX events_case ON metrics.events (case_id, sequence);

-- One row per case: where and when it counts (office, month of death in UK time) and what happened to it.
CREATE TABLE metrics.case_facts (
    case_id                      uuid PRIMARY KEY,
    office_id                    text,          -- NULL: unrouted
    date_time_of_death           timestamptz,   -- NULL until the NotificationReceived (or MccdIssued) is seen
    death_month                  date,          -- first day of the month of death, Europe/London
    notified                     boolean NOT NULL,
    coroner_referral_recommended boolean NOT NULL,
    recommended_reasons          text[] NOT NULL,
    referred_to_coroner          boolean NOT NULL,
    coroner_declined             boolean NOT NULL,
    coroner_accepted             boolean NOT NULL,
    scrutiny_completed           boolean NOT NULL,
    mccd_issued_at               timestamptz,   -- the MCCD that stands (the latest, on a completed case)
    bereaved_discussion_held     boolean NOT NULL,
    clinical_governance_concern  boolean NOT NULL,
    leder_flag                   boolean NOT NULL,
    cdop_flag                    boolean NOT NULL,
    urgent_release_decided       boolean NOT NULL,
    urgent_release_met           boolean NOT NULL,
    last_sequence                integer NOT NULL
);

CREATE INDEX case_facts_month ON metrics.case_facts (death_month, office_id);

-- The metrics service's database role (production logs in as a member of it; k8s/ creates the login).
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'me_metrics') THEN
        CREATE ROLE me_metrics NOLOGIN;
    END IF;
END
$$;

GRANT USAGE ON SCHEMA metrics TO me_metrics;
GRANT SELECT, INSERT ON metrics.events TO me_metrics;
GRANT SELECT, INSERT, UPDATE ON metrics.case_facts TO me_metrics;
