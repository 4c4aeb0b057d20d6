//! The charts as a reader meets them: SVG that parses and says what it should, PNG that
//! decodes to the chart's size with ink on it, Chinese names drawn as real glyphs.

use crate::common::plot as plot_fixture;

use plot_fixture::{NAMES, has_text, roster, scenario, svg_texts};
use roster::plot::{
    Chart, CoverageChart, FairnessChart, Format, Kind, RosterChart, ServiceChart, ServiceSeries,
    coverage_cells, fairness_rows, plot, render_png, render_svg,
};
use std::path::Path;

fn service() -> Vec<ServiceSeries> {
    serde_json::from_str(plot_fixture::SERVICE_JSON).unwrap()
}

#[test]
fn coverage_cells_find_the_one_shortfall() {
    let (sc, r) = (scenario(), roster());
    let cells = coverage_cells(&sc, &r, None);
    assert_eq!(cells.len(), 31 * 2 * 2);
    let short: Vec<_> = cells.iter().filter(|c| c.short() > 0).collect();
    assert_eq!(short.len(), 1);
    assert_eq!(short[0].date.to_string(), "2026-12-10");
    assert_eq!(sc.shifts[short[0].shift].code, "N");
    let day = coverage_cells(&sc, &r, Some(sc.date(9)));
    assert_eq!(day.len(), 2 * 2);
}

#[test]
fn coverage_svg_has_title_axes_legend_and_marks_the_shortfall() {
    let (sc, r) = (scenario(), roster());
    let texts = svg_texts(&render_svg(&CoverageChart::new(&sc, &r, None)).unwrap());
    for label in [
        "Coverage — 客服部 测试",
        "seats",
        "day of month",
        "189 业务受理 rostered",
        "96123 疑难处理 rostered",
        "required",
        "shortfall",
        "1 seat-shift(s) short",
        "Shift N 夜班 22:00–08:00",
        "−1",
        "25 节",
    ] {
        assert!(has_text(&texts, label), "no `{label}` in {texts:?}");
    }
}

#[test]
fn coverage_of_one_day_shows_its_shifts() {
    let (sc, r) = (scenario(), roster());
    let texts = svg_texts(&render_svg(&CoverageChart::new(&sc, &r, Some(sc.date(9)))).unwrap());
    assert!(has_text(&texts, "2026-12-10 (四)"));
    assert!(has_text(&texts, "D 日班 08:00–16:00"));
    assert!(has_text(&texts, "shift"));
    assert!(has_text(&texts, "−1"));
}

#[test]
fn roster_svg_names_everyone_grouped_by_team_with_leave_and_swaps() {
    let (sc, r) = (scenario(), roster());
    let svg = render_svg(&RosterChart::new(&sc, &r)).unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let y_of = |needle: &str| -> f64 {
        doc.descendants()
            .find(|n| n.has_tag_name("text") && n.text().is_some_and(|t| t.contains(needle)))
            .unwrap_or_else(|| panic!("no text `{needle}`"))
            .attribute("y")
            .unwrap()
            .parse()
            .unwrap()
    };
    // Team A's people sit between its heading and team B's; B's below B's heading.
    let (a, b) = (y_of("Team A 一班"), y_of("Team B 二班"));
    for name in ["王芳", "李娜", "张伟"] {
        assert!(a < y_of(name) && y_of(name) < b, "{name} not under team A");
    }
    for name in ["刘洋", "陈静", "杨敏"] {
        assert!(b < y_of(name), "{name} not under team B");
    }
    let texts = svg_texts(&svg);
    assert!(has_text(&texts, "★王芳 S01"), "leads are starred");
    assert_eq!(
        texts.iter().filter(|t| *t == "假").count(),
        2,
        "two days of leave"
    );
    for label in [
        "Roster — 客服部 测试",
        "day of month",
        "staff, by team",
        "swapped shift",
    ] {
        assert!(has_text(&texts, label), "no `{label}`");
    }
    // The two swapped cells carry the thick frame (the legend's sample is thinner).
    let frames = doc
        .descendants()
        .filter(|n| n.has_tag_name("polyline") && n.attribute("stroke-width") == Some("3"))
        .count();
    assert_eq!(frames, 2);
}

#[test]
fn fairness_counts_nights_weekends_and_holidays() {
    let (sc, r) = (scenario(), roster());
    let rows = fairness_rows(&sc, &r);
    assert_eq!(rows.len(), 6);
    let total_nights: u32 = rows.iter().map(|x| x.nights).sum();
    let nights = r.assignments.iter().filter(|a| a.shift == "N").count() as u32;
    assert_eq!(total_nights, nights);
    let holidays: u32 = rows.iter().map(|x| x.holidays).sum();
    let on_25th = r
        .assignments
        .iter()
        .filter(|a| a.date.to_string() == "2026-12-25")
        .count() as u32;
    assert_eq!(holidays, on_25th);
    let texts = svg_texts(&render_svg(&FairnessChart::new(&sc, &r)).unwrap());
    for label in [
        "night shifts",
        "weekend shifts",
        "holiday shifts",
        "shifts in the month",
        "agent: nights spread",
    ] {
        assert!(has_text(&texts, label), "no `{label}`");
    }
    for name in NAMES {
        assert!(has_text(&texts, name), "no {name}");
    }
}

#[test]
fn service_chart_draws_band_target_and_counts_misses() {
    let sc = scenario();
    let svg = render_svg(&ServiceChart::new(&sc.name, service())).unwrap();
    let texts = svg_texts(&svg);
    for label in [
        "189 业务受理, weekday — 2 of 4 intervals below the 80 % target",
        "96123 疑难处理, weekday — 0 of 2 intervals below the 80 % target",
        "target",
        "confidence band",
        "answered within 20 s",
        "time of day (interval midpoint)",
        "08:00",
    ] {
        assert!(has_text(&texts, label), "no `{label}` in {texts:?}");
    }
    let doc = roxmltree::Document::parse(&svg).unwrap();
    assert_eq!(
        doc.descendants()
            .filter(|n| n.has_tag_name("polygon"))
            .count(),
        2,
        "one band per panel"
    );
}

/// Decodes a PNG and checks its size and that it is more than a blank page.
fn check_png<C: Chart>(chart: &C) -> image::RgbImage {
    let png = render_png(chart).unwrap();
    let img = image::load_from_memory_with_format(&png, image::ImageFormat::Png)
        .expect("PNG decodes")
        .to_rgb8();
    assert_eq!(img.dimensions(), chart.size());
    let ink = img.pixels().filter(|p| p.0 != [255, 255, 255]).count();
    let total = (img.width() * img.height()) as usize;
    assert!(ink > total / 50, "only {ink} of {total} pixels drawn");
    let mut colours: Vec<[u8; 3]> = img.pixels().map(|p| p.0).collect();
    colours.sort();
    colours.dedup();
    assert!(colours.len() > 20, "only {} colours", colours.len());
    img
}

#[test]
fn every_chart_renders_a_png_of_its_size() {
    let (sc, r) = (scenario(), roster());
    check_png(&CoverageChart::new(&sc, &r, None));
    check_png(&CoverageChart::new(&sc, &r, Some(sc.date(0))));
    check_png(&RosterChart::new(&sc, &r));
    check_png(&FairnessChart::new(&sc, &r));
    check_png(&ServiceChart::new(&sc.name, service()));
}

#[test]
fn png_draws_chinese_glyphs_not_boxes() {
    // Missing glyphs would all draw the same box (or nothing), so two different Chinese
    // captions of the same length would give identical pixels; real glyphs differ.
    let chart = |label: &str| {
        let mut s = service();
        s.truncate(1);
        s[0].label = label.to_string();
        ServiceChart::new("", s)
    };
    let a = check_png(&chart("王芳王芳王芳王芳"));
    let b = check_png(&chart("李娜李娜李娜李娜"));
    let blank = check_png(&chart(""));
    let diff = |x: &image::RgbImage, y: &image::RgbImage| {
        x.pixels().zip(y.pixels()).filter(|(p, q)| p != q).count()
    };
    assert!(diff(&a, &b) > 100, "Chinese captions render identically");
    assert!(diff(&a, &blank) > 100, "Chinese caption draws no ink");
}

#[test]
fn format_follows_the_extension() {
    assert_eq!(Format::from_path(Path::new("a.svg")).unwrap(), Format::Svg);
    assert_eq!(
        Format::from_path(Path::new("dir/a.PNG")).unwrap(),
        Format::Png
    );
    let e = Format::from_path(Path::new("a.pdf"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("a.pdf") && e.contains(".svg or .png"), "{e}");
    assert!(Format::from_path(Path::new("chart")).is_err());
}

#[test]
fn service_without_simulation_says_what_it_needs() {
    let (sc, r) = (scenario(), roster());
    let e = plot(&sc, &r, Kind::Service, None, None, Format::Svg).unwrap_err();
    assert!(e.to_string().contains("needs the simulator"), "{e}");
    let svg = plot(&sc, &r, Kind::Service, None, Some(&service()), Format::Svg).unwrap();
    assert!(String::from_utf8(svg).unwrap().contains("target"));
}
