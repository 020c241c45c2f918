-- Casework clocks (DOMAIN §4, issue 18 item 1). The office's own scrutiny target (default 72 hours from death)
-- drives "at risk" and "breached" and the queue order; registration runs 5 calendar days from the registrar's
-- receipt of the MCCD, not from the death, and so has no deadline until the MCCD has been sent.

ALTER TABLE casework.offices
    ADD COLUMN scrutiny_target_hours integer NOT NULL DEFAULT 72 CHECK (scrutiny_target_hours BETWEEN 1 AND 720);

-- registration_due_at was death + 5 days: the wrong clock. It now holds the registration deadline once the
-- registrar has the MCCD (end of the UK day 5 days after registrar_received_at), NULL before.
ALTER TABLE casework.cases
    ALTER COLUMN registration_due_at DROP NOT NULL,
    ADD COLUMN registrar_received_at timestamptz;
UPDATE casework.cases SET registration_due_at = NULL WHERE registration_due_at IS NOT NULL;

-- The deadline and status rule of SlaClock (MedicalExaminer.Domain), for statements that count or order by it.
-- Breached only once now is later than the due instant; at risk while less than at_risk is left. A test pins
-- these against SlaClock at the boundaries (exactly 0 h and 24 h left), so the two can never disagree again.
CREATE FUNCTION casework.scrutiny_due_at(date_time_of_death timestamptz, target_hours integer)
    RETURNS timestamptz LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN date_time_of_death + make_interval(hours => target_hours);

CREATE FUNCTION casework.sla_status(due_at timestamptz, now timestamptz, at_risk interval)
    RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE WHEN now > due_at THEN 'breached'
                WHEN due_at - now < at_risk THEN 'at-risk'
                ELSE 'on-track' END;
