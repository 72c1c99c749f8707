-- The posture of each day, kept a year: one row per day and scope ('organization', 'scenario:<id>', 'partner:<id>'), its
-- figures as GET /api/v1/posture gives them at the day's last hourly pass (PostureSeries).
create table posture_daily (
    day         date         not null,
    scope       varchar(64)  not null,
    figures     text         not null,
    recorded_at timestamptz  not null,
    primary key (scope, day)
);
create index posture_daily_recorded on posture_daily (recorded_at);
