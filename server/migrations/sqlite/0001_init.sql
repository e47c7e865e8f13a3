-- Facts about this server instance (its secret, the demo seed marker …).
CREATE TABLE server_meta (
    key   TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);
