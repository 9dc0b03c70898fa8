//! Any bytes through the LinkedIn, Google and Outlook CSV readers: each row
//! is read into a draft or rejected with a line and a reason, never a panic.
#![no_main]

use kith_interop::csv::{Dialect, read};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for dialect in [Dialect::LinkedIn, Dialect::Google, Dialect::Outlook] {
        for parsed in read(data, dialect) {
            match parsed {
                Ok(item) => assert!(item.line >= 1),
                Err(rejected) => assert!(rejected.line >= 1 && !rejected.reason.is_empty()),
            }
        }
    }
});
