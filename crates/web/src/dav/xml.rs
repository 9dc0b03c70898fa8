//! The XML of CardDAV: request bodies are read, and multistatus answers
//! written (escaping what they echo and leaving out what XML cannot
//! carry), by `kith_interop::dav_xml`, re-exported here.

pub use kith_interop::dav_xml::{CARD, CS, DAV, Element, Multistatus, escape, parse};
