//! Any bytes through the vCard importer: each card is read into a draft or
//! rejected with a line and a reason, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for parsed in kith_interop::vcard::read(data) {
        match parsed {
            Ok(item) => assert!(item.line >= 1),
            Err(rejected) => assert!(rejected.line >= 1 && !rejected.reason.is_empty()),
        }
    }
});
