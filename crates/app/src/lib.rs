//! Kith's application layer: the use cases more than one front end needs
//! (the command line, the web pages, the JSON API, the digest). Each takes
//! plain inputs and `now` from its caller, reads and writes through the
//! `Store`, and answers with values or an [`AppError`]. It never prints,
//! never speaks HTTP and never reads the process environment: each front end
//! renders the values and names the error in its own terms.

pub mod agenda;
pub mod blocks;
pub mod calendar;
pub mod coverage;
pub mod error;
pub mod goals;
pub mod json;
pub mod meetings;
pub mod resolve;
pub mod words;

pub use error::{AppError, Candidate, Field, Key};
