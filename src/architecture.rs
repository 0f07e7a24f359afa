//! The shape the code keeps, checked on its own sources: no module imports
//! one that imports it back, and no module grows past a room's size. Test
//! code (`tests.rs` files, `#[cfg(test)] mod tests` blocks) is left out:
//! tests may reach anywhere.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Lines a module may have before it is a room to split.
const ROOM: usize = 1_000;

/// Every module of the crate (`format::meta`), with its source file.
fn modules() -> BTreeMap<String, PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    walk(&src, &mut files);
    let mut mods = BTreeMap::new();
    for f in files {
        let rel = f.strip_prefix(&src).unwrap().with_extension("");
        let mut parts: Vec<String> = rel.iter().map(|s| s.to_string_lossy().into_owned()).collect();
        if matches!(parts.last().map(String::as_str), Some("mod" | "lib" | "main")) {
            parts.pop();
        }
        if parts.last().is_some_and(|p| p == "tests") {
            continue;
        }
        mods.insert(parts.join("::"), f);
    }
    mods
}

/// The code of a file without its unit tests.
fn code(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    let mut out = String::new();
    let mut lines = text.lines().peekable();
    while let Some(l) = lines.next() {
        if l.trim() == "#[cfg(test)]" && lines.peek().is_some_and(|n| n.trim_start().starts_with("mod ")) {
            let m = lines.next().unwrap();
            if !m.trim_end().ends_with(';') {
                let mut depth = m.matches('{').count() as i64 - m.matches('}').count() as i64;
                while depth > 0 {
                    let Some(l) = lines.next() else { break };
                    depth += l.matches('{').count() as i64 - l.matches('}').count() as i64;
                }
            }
            continue;
        }
        let l = l.split("//").next().unwrap_or("");
        out.push_str(l);
        out.push('\n');
    }
    out
}

/// The module a path such as `crate::formats::ifcfg::read` or
/// `super::builder::Builder` names, seen from module `from`.
fn resolve(path: &str, from: &str, mods: &BTreeMap<String, PathBuf>) -> Option<String> {
    let mut segs: Vec<&str> = path.split("::").collect();
    let mut base: Vec<&str> = Vec::new();
    match segs.first() {
        Some(&"crate") => {
            segs.remove(0);
        }
        Some(&"super") => {
            base = from.split("::").collect();
            while segs.first() == Some(&"super") {
                base.pop();
                segs.remove(0);
            }
        }
        _ => return None,
    }
    base.extend(segs);
    (1..=base.len())
        .rev()
        .map(|n| base[..n].join("::"))
        .find(|m| mods.contains_key(m))
}

/// Which modules each module imports, by `use` and by path.
fn imports(mods: &BTreeMap<String, PathBuf>) -> BTreeMap<String, BTreeSet<String>> {
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    let mut graph = BTreeMap::new();
    for (m, file) in mods {
        let text = code(file);
        let mut paths: Vec<String> = Vec::new();
        // Every `crate::...`/`super::...` path, with `use` groups expanded.
        let mut rest = text.as_str();
        while let Some(i) = rest.find(['c', 's']) {
            let at = &rest[i..];
            let before_ok = i == 0 || !rest[..i].ends_with(|c: char| is_word(c) || c == ':');
            if before_ok && (at.starts_with("crate::") || at.starts_with("super::")) {
                let end = at.find(|c: char| !(is_word(c) || c == ':')).unwrap_or(at.len());
                let path = at[..end].trim_end_matches(':');
                if at[end..].starts_with('{') && path.len() + 2 == end {
                    let close = at[end..].find('}').map_or(at.len(), |j| end + j);
                    for item in at[end + 1..close].split(',') {
                        let item = item.trim().split([' ', ':']).next().unwrap_or("");
                        if !item.is_empty() && item != "self" {
                            paths.push(format!("{path}::{item}"));
                        }
                    }
                }
                paths.push(path.to_string());
                rest = &at[end..];
            } else {
                rest = &at[1..];
            }
        }
        // `use crate::formats;` then `formats::ifcfg::read`.
        let aliases: Vec<(String, String)> = paths
            .iter()
            .filter_map(|p| p.rsplit_once("::").map(|(_, last)| (last.to_string(), p.clone())))
            .collect();
        for (alias, full) in &aliases {
            let mut rest = text.as_str();
            let needle = format!("{alias}::");
            while let Some(i) = rest.find(&needle) {
                let ok = i == 0 || !rest[..i].ends_with(|c: char| is_word(c) || c == ':');
                let after = &rest[i + needle.len()..];
                let end = after
                    .find(|c: char| !(is_word(c) || c == ':'))
                    .unwrap_or(after.len());
                if ok {
                    paths.push(format!("{full}::{}", after[..end].trim_end_matches(':')));
                }
                rest = after;
            }
        }
        let targets: BTreeSet<String> = paths
            .iter()
            .filter_map(|p| resolve(p, m, mods))
            .filter(|t| t != m && !m.starts_with(&format!("{t}::")))
            .collect();
        graph.insert(m.clone(), targets);
    }
    graph
}

/// The strongly connected components of more than one module (Tarjan).
fn cycles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct State<'a> {
        graph: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on_stack: BTreeSet<&'a str>,
        found: Vec<Vec<String>>,
    }
    fn visit<'a>(s: &mut State<'a>, v: &'a str) {
        let i = s.index.len();
        s.index.insert(v, i);
        s.low.insert(v, i);
        s.stack.push(v);
        s.on_stack.insert(v);
        for w in &s.graph[v] {
            let w = w.as_str();
            if !s.index.contains_key(w) {
                visit(s, w);
                let lw = s.low[w];
                let lv = s.low.get_mut(v).unwrap();
                *lv = (*lv).min(lw);
            } else if s.on_stack.contains(w) {
                let iw = s.index[w];
                let lv = s.low.get_mut(v).unwrap();
                *lv = (*lv).min(iw);
            }
        }
        if s.low[v] == s.index[v] {
            let mut comp = Vec::new();
            loop {
                let w = s.stack.pop().unwrap();
                s.on_stack.remove(w);
                comp.push(w.to_string());
                if w == v {
                    break;
                }
            }
            if comp.len() > 1 {
                comp.sort();
                s.found.push(comp);
            }
        }
    }
    let mut s = State {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        found: Vec::new(),
    };
    for v in graph.keys() {
        if !s.index.contains_key(v.as_str()) {
            visit(&mut s, v);
        }
    }
    s.found
}

#[test]
fn no_module_imports_one_that_imports_it_back() {
    let mods = modules();
    let graph = imports(&mods);
    assert!(
        graph["format"].contains("formats::ifcfg"),
        "the graph is read: {:?}",
        graph["format"]
    );
    assert!(graph["formats::ifcfg"].contains("codec"));
    assert_eq!(cycles(&graph), Vec::<Vec<String>>::new());
}

#[test]
fn a_cycle_is_found_when_there_is_one() {
    let g: BTreeMap<String, BTreeSet<String>> = [
        ("a", vec!["b"]),
        ("b", vec!["c"]),
        ("c", vec!["a"]),
        ("d", vec!["a"]),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.into_iter().map(String::from).collect()))
    .collect();
    assert_eq!(cycles(&g), vec![vec!["a".to_string(), "b".into(), "c".into()]]);
}

#[test]
fn no_module_outgrows_a_room() {
    let big: Vec<String> = modules()
        .values()
        .map(|f| (f, std::fs::read_to_string(f).unwrap().lines().count()))
        .filter(|(_, n)| *n > ROOM)
        .map(|(f, n)| format!("{}: {n} lines", f.display()))
        .collect();
    assert!(big.is_empty(), "split these rooms: {big:?}");
}
