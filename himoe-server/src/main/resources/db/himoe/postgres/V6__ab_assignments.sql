-- A/B assignments: the first replica to assign a unit wins (INSERT ... ON CONFLICT DO NOTHING).
CREATE TABLE ab_assignment (
  experiment     TEXT NOT NULL,
  unit           TEXT NOT NULL,
  arm            TEXT NOT NULL,
  assigned_by    TEXT NOT NULL,
  assigned_at_ms BIGINT NOT NULL,
  PRIMARY KEY (experiment, unit)
);
