//! CSV dialects (placeholder; filled in below).
