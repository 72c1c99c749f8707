-- rows appended at commit (AppendAtCommitTest): a column of each kind of value, in the order the sequence hands out
create table test_appended (
    seq    bigserial primary key,
    id     uuid,
    label  varchar(255) not null,
    amount bigint,
    at     timestamp with time zone,
    sealed bytea,
    flag   boolean
);
