//! Charts of a roster for people who would rather see coverage than read it: coverage
//! against demand, the month as a heat map, simulated service level, and fairness.
//!
//! Every chart is a [`Chart`]: it knows its size and draws itself on any plotters backend,
//! so one drawing routine yields both SVG (text kept as UTF-8 `<text>`) and PNG (text
//! rasterised with the embedded font of [`font`]). Charts take plain data, so they can be
//! tested without a solver or a simulator.

mod coverage;
mod fairness;
mod font;
mod roster;
mod service;

pub use coverage::weekday_name;
pub use coverage::{CoverageCell, CoverageChart, coverage_cells};
pub use fairness::{FairnessChart, FairnessRow, fairness_rows};
pub use font::FAMILY;
pub use roster::RosterChart;
pub use service::{ServiceChart, ServicePoint, ServiceSeries};

use crate::model::{DayType, Roster, Scenario};
use chrono::NaiveDate;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::path::Path;

#[derive(Debug, thiserror::Error)]
pub enum PlotError {
    #[error("cannot draw the chart: {0}")]
    Draw(String),
    #[error("cannot encode the PNG: {0}")]
    Encode(String),
    #[error("`{0}`: the chart format comes from the file extension; use .svg or .png")]
    Format(String),
    /// The service chart asked for without the simulator's output to draw.
    #[error("the service chart needs the simulator's output (service level per interval)")]
    NoServiceLevels,
}

/// Output format, chosen by the extension of the output file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Svg,
    Png,
}

impl Format {
    pub fn from_path(path: &Path) -> Result<Format, PlotError> {
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase());
        match ext.as_deref() {
            Some("svg") => Ok(Format::Svg),
            Some("png") => Ok(Format::Png),
            _ => Err(PlotError::Format(path.display().to_string())),
        }
    }
}

/// Which chart `roster plot --kind` draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Coverage,
    Roster,
    Service,
    Fairness,
}

impl Kind {
    pub const ALL: [Kind; 4] = [Kind::Coverage, Kind::Roster, Kind::Service, Kind::Fairness];

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.name() == s)
    }

    pub fn name(self) -> &'static str {
        match self {
            Kind::Coverage => "coverage",
            Kind::Roster => "roster",
            Kind::Service => "service",
            Kind::Fairness => "fairness",
        }
    }
}

/// A chart that can draw itself on any plotters backend.
pub trait Chart {
    /// Width and height in pixels (SVG user units).
    fn size(&self) -> (u32, u32);
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), PlotError>;
}

/// Draws a chart into SVG or PNG bytes.
pub fn render<C: Chart>(chart: &C, format: Format) -> Result<Vec<u8>, PlotError> {
    match format {
        Format::Svg => render_svg(chart).map(String::into_bytes),
        Format::Png => render_png(chart),
    }
}

pub fn render_svg<C: Chart>(chart: &C) -> Result<String, PlotError> {
    font::register();
    let mut s = String::new();
    {
        let root = SVGBackend::with_string(&mut s, chart.size()).into_drawing_area();
        chart.draw(&root)?;
        root.present().map_err(draw_err)?;
    }
    Ok(s)
}

pub fn render_png<C: Chart>(chart: &C) -> Result<Vec<u8>, PlotError> {
    font::register();
    let (w, h) = chart.size();
    let mut rgb = vec![0u8; w as usize * h as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, (w, h)).into_drawing_area();
        chart.draw(&root)?;
        root.present().map_err(draw_err)?;
    }
    let mut png = Vec::new();
    image::codecs::png::PngEncoder::new(&mut png)
        .write_image(&rgb, w, h, image::ColorType::Rgb8)
        .map_err(|e| PlotError::Encode(e.to_string()))?;
    Ok(png)
}

// The trait that provides `write_image` on the encoder.
use image::ImageEncoder;

/// Draws the chart of `kind` for a scenario and roster. `date` narrows coverage to one day;
/// `service` is the simulator's output, without which the service chart cannot be drawn.
pub fn plot(
    sc: &Scenario,
    roster: &Roster,
    kind: Kind,
    date: Option<NaiveDate>,
    service: Option<&[ServiceSeries]>,
    format: Format,
) -> Result<Vec<u8>, PlotError> {
    match kind {
        Kind::Coverage => render(&CoverageChart::new(sc, roster, date), format),
        Kind::Roster => render(&RosterChart::new(sc, roster), format),
        Kind::Fairness => render(&FairnessChart::new(sc, roster), format),
        Kind::Service => match service {
            Some(series) => render(&ServiceChart::new(&sc.name, series.to_vec()), format),
            None => Err(PlotError::NoServiceLevels),
        },
    }
}

pub(crate) fn draw_err<E: std::error::Error + Send + Sync>(
    e: plotters::drawing::DrawingAreaErrorKind<E>,
) -> PlotError {
    PlotError::Draw(e.to_string())
}

/// The chart font at a size, in the embedded family.
pub(crate) fn font(size: f64) -> TextStyle<'static> {
    (FAMILY, size).into_font().color(&BLACK)
}

/// The same, anchored: `h` and `v` say which point of the text sits at its coordinate.
pub(crate) fn font_at(size: f64, h: HPos, v: VPos) -> TextStyle<'static> {
    font(size).pos(Pos::new(h, v))
}

/// Distinct, print-safe colours (Tableau 10) for seat types and day shifts.
pub(crate) const PALETTE: [RGBColor; 8] = [
    RGBColor(0x4e, 0x79, 0xa7),
    RGBColor(0xf2, 0x8e, 0x2b),
    RGBColor(0x59, 0xa1, 0x4f),
    RGBColor(0xb0, 0x7a, 0xa1),
    RGBColor(0x76, 0xb7, 0xb2),
    RGBColor(0xed, 0xc9, 0x48),
    RGBColor(0x9c, 0x75, 0x5f),
    RGBColor(0xff, 0x9d, 0xa7),
];

/// Shortfalls and missed targets.
pub(crate) const ALARM: RGBColor = RGBColor(0xd6, 0x27, 0x28);
/// Background of weekend columns, and of holidays.
pub(crate) const WEEKEND_BG: RGBColor = RGBColor(0xee, 0xee, 0xf4);
pub(crate) const HOLIDAY_BG: RGBColor = RGBColor(0xfd, 0xe8, 0xd0);
pub(crate) const LEAVE_BG: RGBColor = RGBColor(0xc8, 0xc8, 0xc8);

/// The tint of a day's column: holidays and weekends stand out, weekdays stay white.
pub(crate) fn day_tint(sc: &Scenario, d: NaiveDate) -> Option<RGBColor> {
    match sc.day_type(d) {
        DayType::Holiday => Some(HOLIDAY_BG),
        DayType::Weekend => Some(WEEKEND_BG),
        DayType::Weekday => None,
    }
}

/// Colour of a shift: night shifts in dark blues so they stand out as nights, day shifts
/// from the light palette, in scenario order.
pub fn shift_colour(sc: &Scenario, shift: usize) -> RGBColor {
    const NIGHTS: [RGBColor; 3] = [
        RGBColor(0x2b, 0x3a, 0x67),
        RGBColor(0x4b, 0x2e, 0x6b),
        RGBColor(0x1f, 0x5c, 0x70),
    ];
    const DAYS: [RGBColor; 5] = [
        RGBColor(0xf6, 0xc8, 0x5f),
        RGBColor(0x8c, 0xc5, 0x7d),
        RGBColor(0xf2, 0x9e, 0x6b),
        RGBColor(0x9a, 0xc3, 0xe6),
        RGBColor(0xd9, 0xa6, 0xd2),
    ];
    let nth = sc.shifts[..shift]
        .iter()
        .filter(|s| s.night == sc.shifts[shift].night)
        .count();
    if sc.shifts[shift].night {
        NIGHTS[nth % NIGHTS.len()]
    } else {
        DAYS[nth % DAYS.len()]
    }
}

/// Black or white, whichever reads better on `bg`.
pub fn ink_on(bg: RGBColor) -> RGBColor {
    let l = 0.299 * bg.0 as f64 + 0.587 * bg.1 as f64 + 0.114 * bg.2 as f64;
    if l < 140.0 { WHITE } else { BLACK }
}

/// A rectangle's outline as a closed path: plotters' SVG backend drops the stroke width of
/// rectangles (every outline comes out 1 px), but keeps it for paths.
pub(crate) fn frame<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    [(x0, y0), (x1, y1)]: [(i32, i32); 2],
    colour: RGBColor,
    width: u32,
) -> Result<(), PlotError> {
    let points = vec![(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)];
    area.draw(&PathElement::new(points, colour.stroke_width(width)))
        .map_err(draw_err)
}

/// How a legend entry is drawn.
pub(crate) enum Mark {
    Fill(RGBColor),
    /// A filled box with a border, e.g. a swapped cell or a shortfall.
    Boxed(RGBColor, RGBColor),
    Line(RGBColor),
    Dashed(RGBColor),
    Band(RGBColor),
}

/// A one-line legend along the top of a chart: plotters' own legend sits inside the plot
/// area and covers bars, so charts draw theirs in a strip of their own.
pub(crate) fn legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    x: i32,
    y: i32,
    items: &[(Mark, String)],
) -> Result<(), PlotError> {
    let style = font_at(14.0, HPos::Left, VPos::Center);
    let mut x = x;
    for (mark, label) in items {
        let (x0, y0, x1, y1) = (x, y - 7, x + 22, y + 7);
        match mark {
            Mark::Fill(c) => {
                area.draw(&Rectangle::new([(x0, y0), (x1, y1)], c.filled()))
                    .map_err(draw_err)?;
            }
            Mark::Boxed(fill, border) => {
                area.draw(&Rectangle::new([(x0, y0), (x1, y1)], fill.filled()))
                    .map_err(draw_err)?;
                frame(area, [(x0, y0), (x1, y1)], *border, 2)?;
            }
            Mark::Line(c) => {
                area.draw(&PathElement::new(vec![(x0, y), (x1, y)], c.stroke_width(3)))
                    .map_err(draw_err)?;
            }
            Mark::Dashed(c) => {
                for s in [x0, x0 + 9, x0 + 18] {
                    area.draw(&PathElement::new(
                        vec![(s, y), ((s + 5).min(x1), y)],
                        c.stroke_width(2),
                    ))
                    .map_err(draw_err)?;
                }
            }
            Mark::Band(c) => {
                area.draw(&Rectangle::new([(x0, y0), (x1, y1)], c.mix(0.25).filled()))
                    .map_err(draw_err)?;
            }
        }
        area.draw(&Text::new(label.clone(), (x1 + 6, y), style.clone()))
            .map_err(draw_err)?;
        let w = area
            .estimate_text_size(label, &style)
            .map(|(w, _)| w as i32)
            .unwrap_or(8 * label.chars().count() as i32);
        x = x1 + 6 + w + 22;
    }
    Ok(())
}

pub use crate::model::display::{person_label, staff_order};

/// A team's heading: its name or code.
pub(crate) fn team_label(sc: &Scenario, team: Option<usize>) -> String {
    match team {
        Some(t) if !sc.teams[t].name.is_empty() => {
            format!("Team {} {}", sc.teams[t].code, sc.teams[t].name)
        }
        Some(t) => format!("Team {}", sc.teams[t].code),
        None => "No team".to_string(),
    }
}

/// An f64 axis whose ticks sit exactly at the given values (the centres of bar groups or
/// hours of the day). plotters' own `with_key_points` loses the label formatter, and its
/// automatic ticks fall between groups.
#[derive(Clone)]
pub(crate) struct Keyed {
    inner: plotters::coord::types::RangedCoordf64,
    keys: Vec<f64>,
}

impl Keyed {
    pub(crate) fn new(range: std::ops::Range<f64>, keys: impl IntoIterator<Item = f64>) -> Self {
        Keyed {
            inner: range.into(),
            keys: keys.into_iter().collect(),
        }
    }
}

impl Ranged for Keyed {
    type FormatOption = plotters::coord::ranged1d::DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        self.inner.map(value, limit)
    }

    fn key_points<Hint: plotters::coord::ranged1d::KeyPointHint>(&self, _hint: Hint) -> Vec<f64> {
        self.keys.clone()
    }

    fn range(&self) -> std::ops::Range<f64> {
        self.inner.range()
    }
}
