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
