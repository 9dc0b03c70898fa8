//! Any bytes through the CardDAV request-body parser: a tree within the
//! depth bound, or an error message, never a panic.
#![no_main]

use kith_interop::dav_xml::{Element, parse};
use libfuzzer_sys::fuzz_target;

fn depth(e: &Element) -> usize {
    1 + e.children.iter().map(depth).max().unwrap_or(0)
}

fuzz_target!(|data: &[u8]| {
    match parse(data) {
        Ok(root) => assert!(depth(&root) <= 32, "a tree deeper than the bound"),
        Err(message) => assert!(!message.is_empty()),
    }
});
