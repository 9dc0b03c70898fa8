//! The colours `kith.css` gives text that must stay readable: each pair has
//! at least WCAG's 4.5:1 contrast in the light theme and in the dark one
//! (`prefers-color-scheme: dark`), read from the stylesheet as served.

use crate::assets::CSS;

/// A rule: its selector, its declarations, and whether it applies only in
/// the dark theme.
struct Rule<'a> {
    selector: &'a str,
    body: &'a str,
    dark: bool,
}

/// The stylesheet's rules in order, one level of `@media` deep.
fn rules(css: &str, dark: bool) -> Vec<Rule<'_>> {
    let mut out = Vec::new();
    let mut rest = css;
    while let Some(open) = rest.find('{') {
        let head = rest[..open].trim();
        let head = head.rsplit("*/").next().unwrap_or(head).trim();
        let mut depth = 0;
        let mut close = open;
        for (i, c) in rest[open..].char_indices() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                _ => {}
            }
            if depth == 0 {
                close = open + i;
                break;
            }
        }
        let body = &rest[open + 1..close];
        if let Some(media) = head.strip_prefix("@media") {
            out.extend(rules(
                body,
                dark || media.contains("prefers-color-scheme: dark"),
            ));
        } else {
            out.push(Rule {
                selector: head,
                body,
                dark,
            });
        }
        rest = &rest[close + 1..];
    }
    out
}

/// The last value of `property` among the rules for exactly `selector`
/// that apply in the theme (a dark rule overrides a light one).
fn value<'a>(rules: &'a [Rule<'a>], selector: &str, property: &str, dark: bool) -> &'a str {
    let mut found = None;
    for rule in rules.iter().filter(|r| !r.dark || dark) {
        let selectors = rule.selector.split(',').map(str::trim);
        if !selectors.into_iter().any(|s| s == selector) {
            continue;
        }
        for declaration in rule.body.split(';') {
            if let Some((name, v)) = declaration.split_once(':')
                && name.trim() == property
            {
                found = Some(v.trim());
            }
        }
    }
    let found = found.unwrap_or_else(|| panic!("no {property} for {selector} (dark: {dark})"));
    match found.strip_prefix("var(").and_then(|v| v.strip_suffix(')')) {
        Some(variable) => value(rules, ":root", variable, dark),
        None => found,
    }
}

fn luminance(hex: &str) -> f64 {
    let hex = hex.trim_start_matches('#');
    let hex = if hex.len() == 3 {
        hex.chars().flat_map(|c| [c, c]).collect()
    } else {
        hex.to_owned()
    };
    let channel = |i: usize| {
        let c = f64::from(u8::from_str_radix(&hex[i..i + 2], 16).expect("a hex colour")) / 255.0;
        if c <= 0.039_28 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(0) + 0.7152 * channel(2) + 0.0722 * channel(4)
}

fn contrast(a: &str, b: &str) -> f64 {
    let (a, b) = (luminance(a), luminance(b));
    (a.max(b) + 0.05) / (a.min(b) + 0.05)
}

#[test]
fn badges_and_avatars_are_readable_in_both_themes() {
    let rules = rules(CSS, false);
    let mut pairs: Vec<(String, String, String)> = vec![
        // (what, text colour from, background from)
        (".badge".into(), ".badge".into(), ".badge".into()),
        (
            ".badge.warn".into(),
            ".badge.warn".into(),
            ".badge.warn".into(),
        ),
        (".badge.loop".into(), ".badge.loop".into(), ".panel".into()),
        (".button.join".into(), "button".into(), "button".into()),
    ];
    for hue in 0..8 {
        let avatar = format!(".avatar.h{hue}");
        pairs.push((avatar.clone(), ".avatar".into(), avatar));
    }
    for dark in [false, true] {
        for (what, ink, paper) in &pairs {
            let ink = value(&rules, ink, "color", dark);
            let paper = value(&rules, paper, "background", dark);
            let ratio = contrast(ink, paper);
            assert!(
                ratio >= 4.5,
                "{what} (dark: {dark}): {ink} on {paper} is {ratio:.2}:1"
            );
        }
    }
}

#[test]
fn the_contrast_is_wcags() {
    assert!((contrast("#000", "#fff") - 21.0).abs() < 1e-9);
    assert!((contrast("#777777", "#ffffff") - 4.48).abs() < 0.01);
}
