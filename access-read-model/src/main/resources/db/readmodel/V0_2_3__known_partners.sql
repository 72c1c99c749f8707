-- Partner organizations as inventory announces them (partner-upserted): who may request an access package.
create table rm_partner (
    partner_id uuid primary key,
    name       varchar(255) not null,
    tenant_id  varchar(255) not null,
    state      varchar(32)  not null,
    updated_at timestamptz  not null
);
create table rm_partner_domain (
    partner_id uuid         not null references rm_partner (partner_id),
    domain     varchar(255) not null,
    primary key (partner_id, domain)
);
create index rm_partner_domain_domain on rm_partner_domain (domain);
