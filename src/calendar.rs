//! The calendar's use cases moved to `kith_app::calendar`; this keeps the
//! old path for the callers that have not moved yet (the digest and the
//! mail queue).

pub use kith_app::calendar::{invitation, next_block};
