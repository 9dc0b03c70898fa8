//! Kith's application layer: the use cases more than one front end needs
//! (the command line, the web pages, the JSON API, the digest). Each takes
//! plain inputs and `now` from its caller, reads and writes through the
//! `Store`, and answers with values or an [`AppError`]. It never prints,
//! never speaks HTTP and never reads the process environment: each front end
//! renders the values and names the error in its own terms.

pub mod accounts;
pub mod agenda;
pub mod archive;
pub mod blocks;
pub mod calendar;
pub mod contact_view;
pub mod contacts;
pub mod coverage;
pub mod digest;
pub mod duplicates;
pub mod error;
pub mod exports;
pub mod follow_ups;
pub mod goals;
pub mod imports;
pub mod json;
pub mod log;
pub mod mail;
pub mod meetings;
pub mod resolve;
pub mod settings;
pub mod snooze;
pub mod tokens;
pub mod undo;
pub mod words;

pub use error::{AppError, Candidate, Field, Key, LookAlike};
