/// An enum stored and typed as a short word: `as_str` for the database and
/// output, `parse` (with aliases) for user input, `ALL` for help texts.
macro_rules! word_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident ($field:literal) {
            $($(#[$vmeta:meta])* $variant:ident = $word:literal $(| $alias:literal)*),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $word),+
                }
            }

            /// Parses user input, case-insensitively, accepting aliases.
            pub fn parse(input: &str) -> Result<Self, $crate::ValidationError> {
                let word = input.trim().to_lowercase().replace(['_', ' '], "-");
                match word.as_str() {
                    $($word $(| $alias)* => Ok($name::$variant),)+
                    _ => Err($crate::ValidationError::new(
                        $field,
                        format!(
                            "unknown {} '{}' (expected one of: {})",
                            $field,
                            input.trim(),
                            [$($word),+].join(", ")
                        ),
                    )),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
