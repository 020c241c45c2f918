-- Metrics (issue 20): the intake facts of NotificationReceived that the figures need besides the office and
-- the time of death. Intake sets the LeDeR flag (learning disability or autism) and the CDOP flag (a death
-- under 18) without a ConcernRaised event, so the projection must keep what they are derived from; the
-- place of death splits deaths into acute and community.
--
-- Rows kept before this migration have NULLs here: the metrics schema never held these values, so they
-- cannot be backfilled from it (and the case-event topic keeps 7 days, not the whole history). Such a case
-- counts a LeDeR or CDOP referral only from its ConcernRaised events, as before, and is "not recorded" in
-- the acute/community and adult/child splits.
ALTER TABLE metrics.events
    ADD COLUMN place_of_death               text,     -- NotificationReceived
    ADD COLUMN age_at_death_years           integer,  -- NotificationReceived (NULL: date of birth unknown)
    ADD COLUMN learning_disability_or_autism boolean; -- NotificationReceived
