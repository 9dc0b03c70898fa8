//! Reading a backup file: every user's name and sign-in checked across the
//! backup, and each account as an export is.

use std::collections::HashSet;

use super::validate::{check_text, check_version, not_blank, parse_json};
use super::{BACKUP_VERSION, BackedUpUser, InstanceBackup, invalid};
use crate::{Input, Result, StoreError};

impl InstanceBackup {
    /// Reads a backup document and checks every account in it.
    pub fn from_json(bytes: &[u8]) -> Result<Self> {
        check_version(bytes, "kith_backup", BACKUP_VERSION, "a Kith backup")?;
        let doc: InstanceBackup = parse_json(bytes)?;
        check_text(&doc)?;
        let mut seen = SeenSignIns::default();
        for (i, u) in doc.users.iter().enumerate() {
            seen.check(i, u)?;
            u.account.validate().map_err(|e| match e {
                StoreError::Invalid {
                    input: Input::InFile(path),
                    message,
                } => invalid(format!("users[{i}].account.{path}"), message),
                other => other,
            })?;
        }
        Ok(doc)
    }
}

/// What must be unique across a backup's users: usernames, passkeys and
/// linked accounts.
#[derive(Default)]
struct SeenSignIns<'a> {
    names: HashSet<&'a str>,
    credentials: HashSet<&'a str>,
    subjects: HashSet<(&'a str, &'a str)>,
}

impl<'a> SeenSignIns<'a> {
    /// The user's name and sign-in, the `i`th of the backup.
    fn check(&mut self, i: usize, u: &'a BackedUpUser) -> Result<()> {
        kith_core::user::Username::parse(&u.username)
            .map_err(|e| invalid(format!("users[{i}].username"), e.message))?;
        if !self.names.insert(u.username.as_str()) {
            return Err(invalid(
                format!("users[{i}].username"),
                format!("'{}' appears twice", u.username),
            ));
        }
        let sign_in = |f: String| format!("users[{i}].sign_in.{f}");
        if let Some(totp) = &u.sign_in.totp {
            not_blank(&sign_in("totp.secret".into()), &totp.secret)?;
        }
        for (j, code) in u.sign_in.recovery_codes.iter().enumerate() {
            not_blank(
                &sign_in(format!("recovery_codes[{j}].digest")),
                &code.digest,
            )?;
        }
        for (j, key) in u.sign_in.passkeys.iter().enumerate() {
            let path = sign_in(format!("passkeys[{j}].credential_id"));
            not_blank(&path, &key.credential_id)?;
            if !self.credentials.insert(key.credential_id.as_str()) {
                return Err(invalid(path, "this passkey appears twice in the backup"));
            }
        }
        for (j, identity) in u.sign_in.identities.iter().enumerate() {
            let path = sign_in(format!("identities[{j}].subject"));
            not_blank(&path, &identity.subject)?;
            if !self
                .subjects
                .insert((identity.provider.as_str(), identity.subject.as_str()))
            {
                return Err(invalid(
                    path,
                    format!(
                        "the {} account '{}' appears twice in the backup",
                        identity.provider, identity.subject
                    ),
                ));
            }
        }
        Ok(())
    }
}
