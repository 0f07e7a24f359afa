//! Entry points for the fuzz targets (`fuzz/`) into parts of the readers
//! that are not public API. Hidden from the documentation and not meant
//! for any other use: what they call may change with the readers.

/// The shell layer alone, as the readers use it: the variable-file parser
/// (ifcfg, keys, route blocks), the script lexer and the script parser.
pub fn shell(text: &str) {
    let vars = crate::shell::parse_vars(text);
    std::hint::black_box(&vars);
    let tokens = crate::shell::lex_script(text);
    let items = crate::script::syntax::parse(tokens.tokens);
    std::hint::black_box(&tokens.unclosed);
    std::hint::black_box(&items);
}

/// The readers of iproute2's JSON that `grecfg status` runs on `ip -j`
/// output: `text` as each of link, addresses, routes and neighbours.
pub fn ip_json(text: &str) {
    use crate::status::running;
    std::hint::black_box(running::parse_link(text).ok());
    std::hint::black_box(running::parse_addresses(text).ok());
    std::hint::black_box(running::parse_routes(text, false).ok());
    std::hint::black_box(running::parse_routes(text, true).ok());
    std::hint::black_box(running::parse_neighbours(text).ok());
}
