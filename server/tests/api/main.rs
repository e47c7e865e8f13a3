//! The server's HTTP API, exercised through the real router over a real
//! database (SQLite, or PostgreSQL with `DANHGIA_TEST_DATABASE_URL`).

mod admin;
mod backends;
mod boundaries;
mod common;
mod flows;
mod quarter;
mod review;
mod scope;
mod security;
