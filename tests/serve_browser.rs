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

/// Screenshots go to `target/screenshots/`, so a test run leaves the work tree as it was;
/// `ROSTER_SCREENSHOTS=assets/screenshots cargo test serve_browser` refreshes the
/// repository's copies (the ones the README points at).
fn shot_path(name: &str) -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let dir = match std::env::var_os("ROSTER_SCREENSHOTS") {
        Some(d) => root.join(d),
        None => root.join("target/screenshots"),
    };
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
        fill_login(&c, &base, "S01").await;
        shot(&c, "login.png").await;
        click(&c, "login-submit").await;
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

/// Opens the login page and types `user` and the demo password, without submitting.
async fn fill_login(c: &Client, base: &str, user: &str) {
    c.goto(&format!("{base}/login")).await.unwrap();
    for (field, text) in [("user", user), ("password", PASSWORD)] {
        c.find(Locator::Id(field))
            .await
            .unwrap()
            .send_keys(text)
            .await
            .unwrap();
    }
}

async fn log_in(c: &Client, base: &str, user: &str) {
    c.delete_all_cookies().await.unwrap();
    fill_login(c, base, user).await;
    click(c, "login-submit").await;
    wait_path(c, "/months/").await;
}

/// Waits until the element `css` names says `needle` (the page after a form's POST has the
/// same path as the one before, so only its text tells it has come).
async fn wait_text(c: &Client, css: &str, needle: &str) {
    let mut last = String::new();
    for _ in 0..300 {
        if let Ok(e) = c.find(Locator::Css(css)).await {
            last = e.text().await.unwrap_or_default();
            if last.contains(needle) {
                return;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{css} never said `{needle}`: {last}");
}

async fn click(c: &Client, id: &str) {
    c.find(Locator::Id(id))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}

/// Every other page, on the tiny centre (8 staff, a next month that solves in seconds):
/// the head's month, a person, the requests, leave with its repair preview, the next
/// month solved to done with the SSE stream followed by the page's own script, and the
/// planner's charts with a simulation. One screenshot of each, all with Chinese text.
#[test]
fn the_head_and_the_planner_visit_every_page() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let (_dir, store, app) = tiny_world().await;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        let port = free_port();
        let _driver = start_driver(port);
        let profile = tempfile::tempdir().unwrap();
        let c = connect(port, profile.path()).await;
        let sc =
            roster::model::Scenario::load(std::path::Path::new("scenarios/tiny.toml")).unwrap();
        let name = |id: &str| sc.staff[sc.staff_by_id(id).unwrap()].name.clone();

        // An agent's leave late in the month, waiting for the head.
        let agent = store.login("S07", PASSWORD).await.unwrap().unwrap();
        let cur = store.current(MONTH).await.unwrap();
        // A day shift late in the month that the LEAVE-* rules allow (nights need special leave).
        let mut days: Vec<_> = cur
            .roster
            .assignments
            .iter()
            .filter(|a| a.staff == "S07" && a.shift == "D")
            .map(|a| a.date)
            .collect();
        days.sort();
        let mut leave = None;
        for day in days.into_iter().rev() {
            let input = roster::store::LeaveInput {
                staff: "S07".into(),
                from: day.to_string(),
                to: day.to_string(),
                kind: "annual".into(),
                requested_at: Some("2026-12-01T09:00".into()),
                certificate: false,
                emergency: false,
            };
            let (r, _) = store.propose_leave(MONTH, &agent, &input).await.unwrap();
            if r.state == roster::store::LeaveState::Proposed {
                leave = Some(r);
                break;
            }
        }
        let leave = leave.expect("a day S07 may take off");

        log_in(&c, &base, "head").await;
        assert!(text_of(&c, "#grid").await.contains(&name("S01")));
        shot(&c, "head-month.png").await;
        c.goto(&format!("{base}/months/2026-12/people/S07"))
            .await
            .unwrap();
        assert!(text_of(&c, "main").await.contains(&name("S07")));
        shot(&c, "person.png").await;
        c.goto(&format!("{base}/months/2026-12/requests"))
            .await
            .unwrap();
        assert!(text_of(&c, "main").await.contains("请假"));
        shot(&c, "requests.png").await;

        c.goto(&format!("{base}/leave/{}", leave.id)).await.unwrap();
        let page = text_of(&c, "main").await;
        assert!(page.contains("changed days"), "{page}");
        let count = |css: &'static str| {
            let c = &c;
            async move { c.find_all(Locator::Css(css)).await.unwrap().len() }
        };
        let marked = count("td[data-marked]").await;
        let rows = count("#repair-changes tr[data-staff]").await;
        let headline: usize = text_of(&c, "#repair-summary strong")
            .await
            .trim()
            .parse()
            .unwrap();
        // What the approver reads adds up: the headline, the list and the marked cells.
        assert!(marked >= 1, "the changed cells are marked");
        assert_eq!((headline, rows), (marked, marked), "{page}");
        shot(&c, "leave-preview.png").await;
        click(&c, "approve-leave").await;
        wait_text(&c, "#leave-state", "applied").await;

        c.goto(&format!("{base}/months/2026-12")).await.unwrap();
        click(&c, "next-month").await;
        wait_path(&c, "/next").await;
        shot(&c, "next-month.png").await;
        click(&c, "start-solve").await;
        wait_path(&c, "/months/2027-01/solve").await;
        // The page's script follows the stream and reloads when the solve is done.
        let mut done = false;
        for _ in 0..600 {
            if c.find(Locator::Id("breakdown")).await.is_ok() {
                done = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(
            done,
            "the solve page reached its breakdown: {}",
            text_of(&c, "main").await
        );
        assert!(text_of(&c, "#grid").await.contains(&name("S01")));
        shot(&c, "next-month-solved.png").await;
        click(&c, "publish").await;
        // Not wait_path: the solve page's own path already contains "/months/2027-01".
        let mut published = false;
        for _ in 0..300 {
            if store.current("2027-01").await.is_ok() {
                published = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(published, "published: {}", text_of(&c, "main").await);
        wait_path(&c, "/months/2027-01").await;

        log_in(&c, &base, "planner").await;
        c.goto(&format!("{base}/months/2026-12/charts"))
            .await
            .unwrap();
        click(&c, "simulate").await;
        let mut shown = false;
        for _ in 0..600 {
            if c.find(Locator::Css("#chart-service svg")).await.is_ok() {
                shown = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(shown, "the service chart after the simulation");
        shot(&c, "charts-service.png").await;
        c.close().await.unwrap();
    });
}
