//! Times calcard alone on a vCard file: the floor under `kith import vcard`.
//!
//!     cargo run --release -p kith-interop --example calcard_parse -- FILE

fn main() {
    let path = std::env::args().nth(1).expect("usage: calcard_parse FILE");
    let text = std::fs::read_to_string(&path).expect("a UTF-8 vCard file");
    let start = std::time::Instant::now();
    let mut parser = calcard::Parser::new(&text);
    let mut cards = 0;
    loop {
        match parser.entry() {
            calcard::Entry::VCard(_) => cards += 1,
            calcard::Entry::Eof => break,
            _ => {}
        }
    }
    let parse = start.elapsed();
    let start = std::time::Instant::now();
    let read = kith_interop::vcard::read(text.as_bytes());
    let mapped = start.elapsed();
    println!(
        "{{\"cards\": {cards}, \"calcard_ms\": {:.1}, \"kith_interop_read_ms\": {:.1}, \"read\": {}}}",
        parse.as_secs_f64() * 1000.0,
        mapped.as_secs_f64() * 1000.0,
        read.len()
    );
}
