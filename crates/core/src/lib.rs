//! Kith's domain: the types a networker thinks in (contacts, conversations,
//! follow-ups, goals, meetings, outreach blocks) and the pure rules over them.
//!
//! Architecture invariant: nothing in this crate performs I/O, awaits, or knows
//! that SQL exists. Values are validated once, when they are parsed from user
//! input, and trusted everywhere after that.

#[macro_use]
mod macros;

pub mod contact;
pub mod conversation;
pub mod demo;
pub mod digest;
pub mod error;
pub mod follow_up;
pub mod goal;
pub mod ical;
pub mod ids;
pub mod meeting;
pub mod outreach;
pub mod rules;
pub mod undo;
pub mod user;
pub mod values;
pub mod when;

pub use error::ValidationError;
