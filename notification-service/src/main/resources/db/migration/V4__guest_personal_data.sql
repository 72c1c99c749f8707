-- The guest a message names, so that their removal can erase them from the message log too.
alter table notification add column guest_email varchar(254);
alter table notification add column guest_name varchar(255);
