//! The rota in a real browser: headless Chromium driven over WebDriver (chromedriver). A
//! lead logs in, opens the month, proposes a swap SWAP-SKILL rejects and sees the rule,
//! then proposes and approves a valid one and sees the grid change. Screenshots go to
//! assets/screenshots/. Without chromedriver this test FAILS: `.ci/run` installs Debian's
//! `chromium` and `chromium-driver`.

use crate::common::serve as serve_common;

use fantoccini::{Client, ClientBuilder, Locator};
use serve_common::*;
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// chromedriver, ended when the test ends however it ends.
struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn start_driver(port: u16) -> Driver {
    let child = Command::new("chromedriver")
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| {
            panic!(
                "chromedriver cannot be started ({e}): this test needs Debian's chromium and \
                 chromium-driver (apt-get install -y chromium chromium-driver; .ci/run does it)"
            )
        });
    Driver(child)
}

async fn connect(port: u16, profile: &std::path::Path) -> Client {
    let args = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1800,1100",
        "--lang=zh-CN",
    ];
    let mut args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    args.push(format!("--user-data-dir={}", profile.display()));
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({ "args": args }),
    );
    let mut last = String::new();
    for _ in 0..100 {
        let conn = hyper_util::client::legacy::connect::HttpConnector::new();
        match ClientBuilder::new(conn)
            .capabilities(caps.clone())
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
        {
            Ok(c) => return c,
            Err(e) => last = e.to_string(),
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("chromedriver on port {port} did not start a browser: {last}");
}

fn shot_path(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("assets/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

async fn shot(c: &Client, name: &str) {
    let png = c.screenshot().await.expect("screenshot");
    assert!(png.starts_with(b"\x89PNG"), "a PNG");
    std::fs::write(shot_path(name), png).unwrap();
}

/// Waits for the navigation a click started: WebDriver may answer the click before the
/// next page has loaded on a busy machine.
async fn wait_path(c: &Client, part: &str) {
    for _ in 0..300 {
        if c.current_url().await.unwrap().path().contains(part) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let url = c.current_url().await.unwrap();
    let body = text_of(c, "body").await;
    panic!("the browser did not reach a page with `{part}` in its path: at {url}\n{body}");
}

/// The text of the element `css` names, waiting up to 10 s for it to appear (and stay: an
/// element of a page being replaced goes stale).
async fn text_of(c: &Client, css: &str) -> String {
    let mut last = String::new();
    for _ in 0..100 {
        match c.find(Locator::Css(css)).await {
            Ok(e) => match e.text().await {
                Ok(t) => return t,
                Err(err) => last = err.to_string(),
            },
            Err(err) => last = err.to_string(),
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{css}: {last}");
}

#[test]
fn a_lead_proposes_sees_the_rule_approves_and_sees_the_grid_change() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let s = seeded().await;
        let app = roster::server::app(s.store.clone()).await.unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

        let port = free_port();
        let _driver = start_driver(port);
        let profile = tempfile::tempdir().unwrap();
        let c = connect(port, profile.path()).await;

        // Log in as the lead of team A.
        c.goto(&format!("{base}/login")).await.unwrap();
        c.find(Locator::Id("user"))
            .await
            .unwrap()
            .send_keys("S01")
            .await
            .unwrap();
        c.find(Locator::Id("password"))
            .await
            .unwrap()
            .send_keys(PASSWORD)
            .await
            .unwrap();
        shot(&c, "login.png").await;
        c.find(Locator::Id("login-submit"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        wait_path(&c, "/months/2026-12").await;
        assert_eq!(text_of(&c, "#version").await, "1");
        shot(&c, "month-grid.png").await;

        // A senior lead's shift to a junior: SWAP-SKILL says no, and the page names it.
        let sc = scenario();
        let d0 = seed_roster(&sc)
            .assignments
            .iter()
            .find(|x| x.staff == "S01")
            .unwrap()
            .date;
        c.find(Locator::Css(&format!(
            "td[data-staff='S01'][data-date='{d0}'] a"
        )))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
        wait_path(&c, "/cell").await;
        c.find(Locator::Id("swap-with"))
            .await
            .unwrap()
            .select_by_value("S06")
            .await
            .unwrap();
        shot(&c, "swap-candidates.png").await;
        c.find(Locator::Id("swap-submit"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        wait_path(&c, "/swaps/").await;
        assert!(text_of(&c, "#swap-state").await.contains("rejected"));
        let skill = text_of(&c, "tr[data-rule='SWAP-SKILL']").await;
        assert!(skill.contains('✘'), "SWAP-SKILL is marked broken: {skill}");
        shot(&c, "swap-rejected.png").await;

        // A valid swap inside team A: propose, approve, and the grid shows it.
        let ta = team_of(&sc, "S01");
        let (a, d, b) = valid_swaps_where(ta, 1, |_, _, b| team_of(&sc, b) == ta)
            .pop()
            .expect("a swap inside team A");
        c.goto(&format!("{base}/months/2026-12")).await.unwrap();
        let cell_b = format!("td[data-staff='{b}'][data-date='{d}']");
        assert_eq!(text_of(&c, &cell_b).await.trim(), "");
        c.find(Locator::Css(&format!(
            "td[data-staff='{a}'][data-date='{d}'] a"
        )))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
        wait_path(&c, "/cell").await;
        c.find(Locator::Id("swap-with"))
            .await
            .unwrap()
            .select_by_value(&b)
            .await
            .unwrap();
        c.find(Locator::Id("swap-submit"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        wait_path(&c, "/swaps/").await;
        assert!(
            text_of(&c, "#swap-state")
                .await
                .contains("accepted_by_partner")
        );
        shot(&c, "swap-verdict.png").await;
        c.find(Locator::Id("approve"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        wait_path(&c, "/months/2026-12").await;
        assert_eq!(text_of(&c, "#version").await, "2");
        assert!(
            !text_of(&c, &cell_b).await.trim().is_empty(),
            "{b} works {d} now"
        );
        let cell_a = text_of(&c, &format!("td[data-staff='{a}'][data-date='{d}']")).await;
        assert!(
            cell_a.trim() == "▶" || cell_a.trim().is_empty(),
            "{a} is off {d}: {cell_a}"
        );
        shot(&c, "swap-applied.png").await;

        c.goto(&format!("{base}/months/2026-12/charts"))
            .await
            .unwrap();
        shot(&c, "charts.png").await;
        c.close().await.unwrap();
    });
}
