-- A review of an access package's assignments finds the grants its requests delivered.
create index access_request_delivery_grant on access_request_delivery (grant_id);
