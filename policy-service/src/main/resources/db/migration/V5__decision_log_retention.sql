-- The decision log ages out (portcullis.policy.decision-log-retention, 30 days): the hourly prune finds the old rows by time.
create index decision_log_decided_at on decision_log (decided_at);
