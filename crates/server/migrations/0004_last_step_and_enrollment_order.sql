-- RFC 6238 section 5.2: a code's step and every earlier one are refused once a step was
-- accepted, so one number per method replaces the table of used steps.
ALTER TABLE methods ADD COLUMN last_step BIGINT;
UPDATE methods SET last_step = (SELECT MAX(step) FROM used_steps WHERE used_steps.method_id = methods.id);
DROP TABLE used_steps;

-- The order of a user's open enrolments (the user's lock counter when it was opened):
-- at most a few stay open, a new one replaces the oldest.
ALTER TABLE enrollments ADD COLUMN seq BIGINT NOT NULL DEFAULT 0;
