-- Time-ordered ids (UUID version 7, RFC 9562) for rows made in SQL, as backbone's Ids makes them in Java: PostgreSQL 15 has no
-- uuidv7() (18 has). The first 48 bits are the unix millisecond, the version bits become 0111, the rest stays random.
create function uuid_v7() returns uuid language sql volatile as $$
    select encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid())
        placing substring(int8send(floor(extract(epoch from clock_timestamp()) * 1000)::bigint) from 3) from 1 for 6), 52, 1), 53, 1), 'hex')::uuid
$$;
