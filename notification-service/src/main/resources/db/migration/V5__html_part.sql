-- Each message is sent as multipart mail: the plain text (body) and the HTML part, both rendered from its type's templates.
alter table notification add column html text;
