//! The README and docs/ cite files by path (`docs/rules.md`, `scenarios/tiny.toml`,
//! `BENCHMARKS.md`); a reader who follows one must find it in the repository.

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Paths a document names: markdown link targets and back-quoted words that look like a
/// repository path (end in .md/.toml/.rs/.sh/.py, or start with a top-level folder).
fn cited_paths(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (i, _) in text.match_indices("](") {
        let rest = &text[i + 2..];
        if let Some(end) = rest.find(')') {
            let target = rest[..end].split('#').next().unwrap_or("");
            if !target.is_empty() && !target.contains("://") {
                out.push(target.to_string());
            }
        }
    }
    for (n, chunk) in text.split('`').enumerate() {
        if n % 2 == 0 || chunk.contains(char::is_whitespace) {
            continue;
        }
        let looks_like_file = [".md", ".toml", ".rs", ".sh", ".py"]
            .iter()
            .any(|ext| chunk.ends_with(ext));
        let in_tree = [
            "docs/",
            "scenarios/",
            "scripts/",
            "src/",
            "benches/",
            "bench/",
        ]
        .iter()
        .any(|dir| chunk.starts_with(dir));
        if looks_like_file && in_tree || chunk.ends_with(".md") && !chunk.contains('/') {
            out.push(chunk.to_string());
        }
    }
    out
}

fn check(doc: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(doc).unwrap_or_else(|e| panic!("{}: {e}", doc.display()));
    let base = doc.parent().unwrap();
    cited_paths(&text)
        .into_iter()
        .filter(|p| {
            let p = p.split("::").next().unwrap();
            !(base.join(p).exists() || root().join(p).exists())
        })
        .map(|p| {
            format!(
                "{} cites {p}, which is not in the repository",
                doc.display()
            )
        })
        .collect()
}

#[test]
fn every_file_the_readme_and_docs_cite_is_in_the_repository() {
    let mut docs = vec![root().join("README.md"), root().join("BENCHMARKS.md")];
    for entry in std::fs::read_dir(root().join("docs")).expect("docs/ exists") {
        let p = entry.unwrap().path();
        if p.extension().is_some_and(|e| e == "md") {
            docs.push(p);
        }
    }
    let missing: Vec<String> = docs.iter().flat_map(|d| check(d)).collect();
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

#[test]
fn the_check_finds_a_missing_file() {
    let cited = cited_paths("see [the rules](rules.md#x) and `docs/nowhere.md` or `RULES.md`");
    assert_eq!(cited, ["rules.md", "docs/nowhere.md", "RULES.md"]);
}

/// The rows of docs/rules.md's "Find rule X" table, by rule ID: checker, solver, what-if.
fn find_rule_rows() -> Vec<(String, [String; 3])> {
    let text = std::fs::read_to_string(root().join("docs/rules.md")).unwrap();
    let table = text
        .split("## Find rule X")
        .nth(1)
        .expect("docs/rules.md has a \"Find rule X\" section");
    table
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .skip(2)
        .map(|l| {
            let cells: Vec<String> = l.split('|').map(|c| c.trim().to_string()).collect();
            (
                cells[1].clone(),
                [cells[2].clone(), cells[3].clone(), cells[4].clone()],
            )
        })
        .collect()
}

/// Back-quoted `file.rs` or `file.rs::item` in a cell: the file below `dir` must exist, and
/// the item must be declared in it (`fn item` or `struct item`).
fn cited_code(cell: &str, dir: &str) -> Vec<String> {
    let mut faults = Vec::new();
    for (n, chunk) in cell.split('`').enumerate() {
        if n % 2 == 0 {
            continue;
        }
        let (file, item) = match chunk.split_once("::") {
            Some((f, i)) => (f, Some(i)),
            None => (chunk, None),
        };
        let path = root().join(dir).join(file);
        let Ok(text) = std::fs::read_to_string(&path) else {
            faults.push(format!("{dir}{file} does not exist"));
            continue;
        };
        if let Some(item) = item {
            let declared = [
                format!("fn {item}("),
                format!("struct {item}"),
                format!("enum {item}"),
            ]
            .iter()
            .any(|d| text.contains(d.as_str()));
            if !declared {
                faults.push(format!("{dir}{file} declares no {item}"));
            }
        }
    }
    faults
}

#[test]
fn find_rule_x_has_one_row_per_rule_id_and_every_place_it_names_exists() {
    let rows = find_rule_rows();
    let ids: Vec<&str> = rows.iter().map(|(id, _)| id.as_str()).collect();
    let all: Vec<&str> = roster::rules::RuleId::ALL
        .iter()
        .map(|r| r.as_str())
        .collect();
    assert_eq!(ids, all, "docs/rules.md's table against rules::RuleId::ALL");
    let mut faults = Vec::new();
    for (id, [checker, solver, whatif]) in &rows {
        for (cell, dir) in [
            (checker, "src/rules/"),
            (solver, "src/solve/"),
            (whatif, "src/whatif/"),
        ] {
            faults.extend(
                cited_code(cell, dir)
                    .into_iter()
                    .map(|f| format!("{id}: {f}")),
            );
        }
        let the_rule = [checker, solver, whatif].iter().any(|c| c.contains('`'));
        if !the_rule {
            faults.push(format!("{id}: the row names no code"));
        }
    }
    assert!(faults.is_empty(), "{}", faults.join("\n"));
}

#[test]
fn the_rule_table_check_finds_a_missing_function() {
    assert!(cited_code("`constraints.rs::roster_cover`", "src/solve/").is_empty());
    assert_eq!(
        cited_code(
            "`constraints.rs::roster_nothing`, `nowhere.rs`",
            "src/solve/"
        ),
        [
            "src/solve/constraints.rs declares no roster_nothing",
            "src/solve/nowhere.rs does not exist"
        ]
    );
}

/// The library's modules, as src/lib.rs declares them.
fn library_modules() -> Vec<String> {
    let lib = std::fs::read_to_string(root().join("src/lib.rs")).unwrap();
    lib.lines()
        .filter_map(|l| l.strip_prefix("pub mod "))
        .map(|m| m.trim_end_matches(';').to_string())
        .collect()
}

#[test]
fn lib_rs_and_the_module_map_name_every_module() {
    let lib = std::fs::read_to_string(root().join("src/lib.rs")).unwrap();
    let map = std::fs::read_to_string(root().join("docs/modules.md")).unwrap();
    let modules = library_modules();
    assert!(modules.len() >= 12, "src/lib.rs declares {modules:?}");
    let mut missing = Vec::new();
    for m in &modules {
        if !lib.contains(&format!("[`{m}`]")) {
            missing.push(format!("src/lib.rs's doc does not link [`{m}`]"));
        }
        // The map's diagram starts a line with each module's name.
        let drawn = map.lines().any(|l| {
            l.trim_start_matches(|c: char| " |+->v".contains(c))
                .split([' ', ','])
                .next()
                .is_some_and(|w| w == m)
        });
        if !drawn {
            missing.push(format!("docs/modules.md does not draw {m}"));
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}
