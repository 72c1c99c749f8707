-- The OIDC clients (azp) allowed to signal for a partner's tenant: a signal speaks for its own tenant only.
create table partner_signal_client (
    partner_id uuid         not null references partner (id),
    client_id  varchar(255) not null,
    primary key (partner_id, client_id)
);

-- Two admins registering the same resource at once: one wins, the other gets 409.
create unique index resource_name_unique on resource (lower(name));

-- A hand revocation's free-text reason (up to 1000 characters); revocation_cause keeps the id of what caused it.
alter table access_grant add column revocation_note varchar(1000);
