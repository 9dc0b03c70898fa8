//! Initials avatars: a name's initials on a colour picked from the name, in
//! HTML and CSS only (no image, nothing fetched). The colours are the
//! `.avatar.hN` rules in `kith.css`, each readable in both themes.

/// How many colours `kith.css` has (`.avatar.h0` to `.avatar.h7`).
const HUES: u32 = 8;

/// Up to two letters: the first of the first word and of the last word,
/// upper case ("Jane D. Doe" → "JD"); "?" for a name without a letter.
pub fn initials(name: &str) -> String {
    let firsts: Vec<char> = name
        .split_whitespace()
        .filter_map(|word| word.chars().find(|c| c.is_alphanumeric()))
        .collect();
    let picked = match firsts.as_slice() {
        [] => return "?".to_owned(),
        [only] => vec![*only],
        [first, .., last] => vec![*first, *last],
    };
    picked.into_iter().flat_map(char::to_uppercase).collect()
}

/// The colour for `name`: the same name always gets the same one (FNV-1a
/// over its bytes, so it never changes between releases or machines).
pub fn hue(name: &str) -> u32 {
    let hash = name.bytes().fold(0x811c_9dc5_u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    });
    hash % HUES
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initials_are_the_first_and_last_words_letters() {
        assert_eq!(initials("Jane Doe"), "JD");
        assert_eq!(initials("Astrid D. Torres"), "AT");
        assert_eq!(initials("madonna"), "M");
        assert_eq!(initials("  łukasz   żak "), "ŁŻ");
        assert_eq!(initials("(Jane) \"JD\" Doe"), "JD");
        assert_eq!(initials("ß"), "SS");
        assert_eq!(initials("--- ..."), "?");
        assert_eq!(initials(""), "?");
    }

    #[test]
    fn a_name_always_gets_the_same_colour_and_names_spread_over_all() {
        assert_eq!(hue("Jane Doe"), hue("Jane Doe"));
        let used: std::collections::HashSet<u32> =
            (0..200).map(|i| hue(&format!("Person {i}"))).collect();
        assert_eq!(used.len(), HUES as usize);
    }
}
