//! The one-way flow of docs/modules.md, checked on the source: every `crate::X` path a
//! module of src/ names must point at a module of an earlier layer, or at a sibling of its
//! own layer that does not name it back (no import cycle between modules).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The flow, first to last: a module may use those of earlier layers, and siblings of its
/// own layer one way. docs/modules.md draws the same layers.
const LAYERS: [&[&str]; 4] = [
    &["model"],
    &[
        "rules", "solve", "traffic", "whatif", "cycle", "export", "nrp",
    ],
    &["report", "plot", "store"],
    &["server"],
];

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&module))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// The top-level modules a text names through `crate::`: `crate::model::X`, and each
/// first name in a group, `crate::{model::X, rules::{Y, Z}}`.
fn crate_modules(text: &str) -> BTreeSet<String> {
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    let mut out = BTreeSet::new();
    for (i, _) in text.match_indices("crate::") {
        // `roster::` in the binary and `$crate::` in macros are not the library's modules.
        if text[..i].ends_with('$')
            || text[..i].ends_with(|c: char| c.is_alphanumeric() || c == '_')
        {
            continue;
        }
        let rest = &text[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 0;
            let mut first = true;
            for (j, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => first = true,
                    c if c.is_whitespace() => {}
                    _ if first && depth == 0 => {
                        first = false;
                        out.insert(ident(&group[j..]));
                    }
                    _ => {}
                }
            }
        } else {
            out.insert(ident(rest));
        }
    }
    out.retain(|m| !m.is_empty() && m != "self");
    out
}

/// Module -> the modules it names, for every file below src/ except the binary's own
/// (main.rs and cli/, last in the flow, which reach the library as `roster::`).
fn imports() -> BTreeMap<String, BTreeSet<String>> {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for f in files {
        let rel = f.strip_prefix(src()).unwrap();
        let first = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy();
        let module = first.trim_end_matches(".rs").to_string();
        if ["lib", "main", "cli"].contains(&module.as_str()) {
            continue;
        }
        let text = std::fs::read_to_string(&f).unwrap();
        let uses = graph.entry(module.clone()).or_default();
        uses.extend(crate_modules(&text).into_iter().filter(|m| *m != module));
    }
    graph
}

#[test]
fn every_module_has_a_place_in_the_flow() {
    let graph = imports();
    assert!(
        graph.len() >= 12 && graph["whatif"].contains("rules") && graph["server"].contains("store"),
        "the scan found too little: {graph:?}"
    );
    let unplaced: Vec<String> = graph
        .keys()
        .filter(|m| layer_of(m).is_none())
        .cloned()
        .collect();
    assert!(
        unplaced.is_empty(),
        "modules with no layer (place them in LAYERS and docs/modules.md): {unplaced:?}"
    );
}

/// Every use of a module later in the flow (or of one with no place in it).
fn backward_uses(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<String> {
    let mut backwards = Vec::new();
    for (m, uses) in graph {
        let Some(mine) = layer_of(m) else { continue };
        for u in uses {
            if layer_of(u).is_none_or(|theirs| theirs > mine) {
                backwards.push(format!("{m} uses {u}"));
            }
        }
    }
    backwards
}

/// An import cycle, first module repeated at the end, if there is one.
fn cycle_in(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    // Depth-first search; a module met again while still on the path closes a cycle.
    fn visit<'a>(
        m: &'a str,
        graph: &'a BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<&'a str>,
        done: &mut BTreeSet<&'a str>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|p| *p == m) {
            let mut cycle: Vec<String> = path[at..].iter().map(|s| s.to_string()).collect();
            cycle.push(m.to_string());
            return Some(cycle);
        }
        if !done.insert(m) {
            return None;
        }
        path.push(m);
        for u in graph.get(m).into_iter().flatten() {
            if let Some(c) = visit(u, graph, path, done) {
                return Some(c);
            }
        }
        path.pop();
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|m| visit(m, graph, &mut Vec::new(), &mut done))
}

#[test]
fn no_module_imports_one_after_it_in_the_flow() {
    let backwards = backward_uses(&imports());
    assert!(backwards.is_empty(), "against the flow: {backwards:?}");
}

#[test]
fn no_import_cycle_between_modules() {
    let cycle = cycle_in(&imports());
    assert!(cycle.is_none(), "import cycle: {cycle:?}");
}

#[test]
fn the_scan_reads_paths_and_groups() {
    let text = "use crate::model::{A, B};\nuse crate::{rules::{X, Y}, solve};\n\
                let c = crate::traffic::erlang::staff(); $crate::plot; roster::report;";
    let found: Vec<String> = crate_modules(text).into_iter().collect();
    assert_eq!(found, ["model", "rules", "solve", "traffic"]);
}

#[test]
fn the_check_catches_a_backward_import_and_a_cycle() {
    let graph = |edges: &[(&str, &str)]| {
        let mut g: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (from, to) in edges {
            g.entry(from.to_string())
                .or_default()
                .insert(to.to_string());
        }
        g
    };
    let flowing = graph(&[("solve", "rules"), ("whatif", "solve"), ("report", "model")]);
    assert!(backward_uses(&flowing).is_empty());
    assert_eq!(cycle_in(&flowing), None);
    let back = graph(&[("model", "report"), ("plot", "nowhere")]);
    assert_eq!(
        backward_uses(&back),
        ["model uses report", "plot uses nowhere"]
    );
    let looped = graph(&[("rules", "solve"), ("solve", "whatif"), ("whatif", "rules")]);
    assert_eq!(
        cycle_in(&looped).unwrap(),
        ["rules", "solve", "whatif", "rules"]
    );
}
