//! Typed row identifiers, so a contact id can never be passed where a
//! conversation id is expected.

use std::fmt;

macro_rules! id_type {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub i64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    )*};
}

id_type!(
    /// A user of the instance; every other row belongs to exactly one.
    UserId,
    ContactId,
    ConversationId,
    FollowUpId,
    /// An action that can be undone for a while (`undo`).
    UndoId,
    GoalId,
    MeetingId,
    OutreachBlockId,
    OrganisationId,
);
