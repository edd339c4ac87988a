-- Routers promoted in place of others (shadow credit, experiment promote), one place for every
-- replica: each replica reads the table every second.
CREATE TABLE router_promotion (
  from_router    TEXT PRIMARY KEY,
  to_router      TEXT NOT NULL,
  promoted_by    TEXT NOT NULL,
  promoted_at_ms BIGINT NOT NULL
);
