//! Output: text for people (colour only on a terminal, never with NO_COLOR),
//! JSON for scripts.

use std::io::{self, BufWriter, StdoutLock, Write};

use anstream::AutoStream;
use anstyle::{AnsiColor, Style};
pub use kith_app::words::{ago, date, date_time, snippet};

pub const BOLD: Style = Style::new().bold();
pub const DIM: Style = Style::new().dimmed();
pub const YELLOW: Style = AnsiColor::Yellow.on_default();

pub struct Ui {
    pub json: bool,
    out: BufWriter<AutoStream<StdoutLock<'static>>>,
}

impl Ui {
    pub fn new(json: bool) -> Self {
        // Escapes are stripped below the buffer, so a sequence split across
        // two flushes is still recognised.
        Self {
            json,
            out: BufWriter::new(AutoStream::auto(io::stdout().lock())),
        }
    }

    /// Where text goes; styles written to it are dropped when colour is off.
    pub fn out(&mut self) -> &mut impl Write {
        &mut self.out
    }

    pub fn print_json(&mut self, value: &serde_json::Value) -> io::Result<()> {
        serde_json::to_writer_pretty(&mut self.out, value)?;
        writeln!(self.out)
    }

    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// Lays rows out in columns; the last column is never padded.
pub fn columns(out: &mut impl Write, rows: &[Vec<String>]) -> io::Result<()> {
    let width = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..width)
        .map(|i| {
            rows.iter()
                .filter_map(|r| r.get(i))
                .map(|c| c.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    for row in rows {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            if i + 1 == row.len() {
                line.push_str(cell);
            } else {
                line.push_str(cell);
                line.extend(std::iter::repeat_n(
                    ' ',
                    widths[i] - cell.chars().count() + 2,
                ));
            }
        }
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_align_and_do_not_pad_the_end() {
        let mut out = Vec::new();
        columns(
            &mut out,
            &[
                vec!["#1".into(), "Jane".into(), "x".into()],
                vec!["#10".into(), "Bo".into(), "".into()],
            ],
        )
        .unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "#1   Jane  x\n#10  Bo\n");
    }
}
