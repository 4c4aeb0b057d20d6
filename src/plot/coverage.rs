//! Seats required against seats rostered, per shift and seat type: one day's shifts side by
//! side, or the whole month as one panel per shift. Shortfalls are red.

use super::{
    ALARM, Chart, HOLIDAY_BG, Keyed, Mark, PALETTE, PlotError, WEEKEND_BG, day_tint, draw_err, font,
};
use crate::model::{DayType, Roster, Scenario};
use chrono::{Datelike, NaiveDate};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};
use std::collections::HashMap;

/// One day, shift and seat type: what the demand asks and who sits there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoverageCell {
    pub date: NaiveDate,
    pub shift: usize,
    pub seat: usize,
    pub required: u32,
    pub rostered: u32,
}

impl CoverageCell {
    pub fn short(&self) -> u32 {
        self.required.saturating_sub(self.rostered)
    }
}

/// Every day (or the one `date`), shift and seat type, in that order.
pub fn coverage_cells(
    sc: &Scenario,
    roster: &Roster,
    date: Option<NaiveDate>,
) -> Vec<CoverageCell> {
    let mut seated: HashMap<(NaiveDate, usize, usize), u32> = HashMap::new();
    for a in &roster.assignments {
        if let (Some(k), Some(s)) = (sc.shift_by_code(&a.shift), sc.seat_by_code(&a.seat)) {
            *seated.entry((a.date, k, s)).or_default() += 1;
        }
    }
    let dates: Vec<NaiveDate> = match date {
        Some(d) => vec![d],
        None => sc.month_dates(),
    };
    let mut out = Vec::new();
    for d in dates {
        for k in 0..sc.shifts.len() {
            for s in 0..sc.seats.len() {
                out.push(CoverageCell {
                    date: d,
                    shift: k,
                    seat: s,
                    required: sc.demand(d, k, s),
                    rostered: seated.get(&(d, k, s)).copied().unwrap_or(0),
                });
            }
        }
    }
    out
}

pub struct CoverageChart<'a> {
    sc: &'a Scenario,
    cells: Vec<CoverageCell>,
    date: Option<NaiveDate>,
    /// Seat types with any demand or anyone seated; the others would be empty bars.
    seats: Vec<usize>,
}

impl<'a> CoverageChart<'a> {
    pub fn new(sc: &'a Scenario, roster: &Roster, date: Option<NaiveDate>) -> Self {
        let cells = coverage_cells(sc, roster, date);
        let seats = (0..sc.seats.len())
            .filter(|&s| {
                cells
                    .iter()
                    .any(|c| c.seat == s && (c.required > 0 || c.rostered > 0))
            })
            .collect();
        CoverageChart {
            sc,
            cells,
            date,
            seats,
        }
    }

    pub fn cells(&self) -> &[CoverageCell] {
        &self.cells
    }

    fn cell(&self, date: NaiveDate, shift: usize, seat: usize) -> Option<&CoverageCell> {
        self.cells
            .iter()
            .find(|c| c.date == date && c.shift == shift && c.seat == seat)
    }

    fn shift_label(&self, k: usize) -> String {
        self.sc.shifts[k].caption()
    }
}

/// A group of bars on the x axis: a shift (day view) or a day (month view).
struct Group {
    label: String,
    background: Option<RGBColor>,
    /// (required, rostered) per shown seat type.
    values: Vec<(u32, u32)>,
}

const PANEL_H: u32 = 250;
const HEAD_H: u32 = 96;

impl Chart for CoverageChart<'_> {
    fn size(&self) -> (u32, u32) {
        match self.date {
            Some(_) => (
                (300 + 170 * self.sc.shifts.len() as u32).clamp(700, 1400),
                HEAD_H + 380,
            ),
            None => (1400, HEAD_H + PANEL_H * self.sc.shifts.len().max(1) as u32),
        }
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), PlotError> {
        root.fill(&WHITE).map_err(draw_err)?;
        self.draw_head(root)?;
        self.draw_panels(&root.margin(HEAD_H, 5, 5, 5))
    }
}

impl CoverageChart<'_> {
    /// Title, the verdict (red when a seat is short) and the legend.
    fn draw_head<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
    ) -> Result<(), PlotError> {
        let sc = self.sc;
        let (w, _) = self.size();
        let shorts: u32 = self.cells.iter().map(CoverageCell::short).sum();
        let when = match self.date {
            Some(d) => format!("{d} ({})", weekday_name(sc, d)),
            None => sc.month.to_string(),
        };
        let title = format!("Coverage — {}, {when}", sc.name);
        root.draw(&Text::new(
            title,
            (w as i32 / 2, 8),
            font(22.0).pos(plotters::style::text_anchor::Pos::new(
                HPos::Center,
                VPos::Top,
            )),
        ))
        .map_err(draw_err)?;
        let verdict = if shorts == 0 {
            "every seat required is filled".to_string()
        } else {
            format!("{shorts} seat-shift(s) short")
        };
        let mut items: Vec<(Mark, String)> = self
            .seats
            .iter()
            .enumerate()
            .map(|(j, &s)| {
                let seat = &sc.seats[s];
                let name = if seat.name.is_empty() {
                    format!("seat {} rostered", seat.code)
                } else {
                    format!("{} {} rostered", seat.code, seat.name)
                };
                (Mark::Fill(PALETTE[j % PALETTE.len()]), name)
            })
            .collect();
        items.push((Mark::Line(BLACK), "required".into()));
        items.push((
            Mark::Boxed(RGBColor(0xf3, 0xbe, 0xbe), ALARM),
            "shortfall".into(),
        ));
        if self.date.is_none() {
            items.push((Mark::Fill(WEEKEND_BG), "weekend".into()));
            items.push((Mark::Fill(HOLIDAY_BG), "holiday".into()));
        }
        root.draw(&Text::new(
            verdict,
            (w as i32 / 2, 40),
            font(15.0)
                .color(if shorts == 0 { &BLACK } else { &ALARM })
                .pos(plotters::style::text_anchor::Pos::new(
                    HPos::Center,
                    VPos::Center,
                )),
        ))
        .map_err(draw_err)?;
        super::legend(root, 60, 72, &items)
    }

    /// The bars: one panel of the day's shifts, or one panel per shift over the month, all
    /// on one scale so panels compare.
    fn draw_panels<DB: DrawingBackend>(
        &self,
        body: &DrawingArea<DB, Shift>,
    ) -> Result<(), PlotError> {
        let sc = self.sc;
        let values = |d: NaiveDate, k: usize| -> Vec<(u32, u32)> {
            self.seats
                .iter()
                .map(|&s| {
                    self.cell(d, k, s)
                        .map(|c| (c.required, c.rostered))
                        .unwrap_or((0, 0))
                })
                .collect()
        };
        let ymax = self
            .cells
            .iter()
            .map(|c| c.required.max(c.rostered))
            .max()
            .unwrap_or(0)
            .max(1);
        if let Some(d) = self.date {
            let groups: Vec<Group> = (0..sc.shifts.len())
                .map(|k| Group {
                    label: self.shift_label(k),
                    background: None,
                    values: values(d, k),
                })
                .collect();
            return panel(
                body,
                "Seats per shift and seat type",
                "shift",
                &groups,
                ymax,
            );
        }
        let panels = body.split_evenly((sc.shifts.len().max(1), 1));
        for (k, area) in panels.iter().enumerate().take(sc.shifts.len()) {
            let groups: Vec<Group> = sc
                .month_dates()
                .into_iter()
                .map(|d| Group {
                    label: format!("{} {}", d.day(), weekday_name(sc, d)),
                    background: day_tint(sc, d),
                    values: values(d, k),
                })
                .collect();
            panel(
                area,
                &format!("Shift {}", self.shift_label(k)),
                "day of month",
                &groups,
                ymax,
            )?;
        }
        Ok(())
    }
}

/// Day of the week in Chinese (一 … 日), or 节 for a public holiday.
pub fn weekday_name(sc: &Scenario, d: NaiveDate) -> &'static str {
    if sc.day_type(d) == DayType::Holiday {
        return "节";
    }
    ["一", "二", "三", "四", "五", "六", "日"][d.weekday().num_days_from_monday() as usize]
}

/// One bar panel: per group, a bar per seat type for the seats rostered, a black tick at
/// the seats required, and a red box with the missing count where the bar falls short.
fn panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    caption: &str,
    x_desc: &str,
    groups: &[Group],
    ymax: u32,
) -> Result<(), PlotError> {
    let n = groups.len().max(1);
    let top = ymax as f64 + 0.6;
    let mut chart = ChartBuilder::on(area)
        .caption(caption, font(16.0))
        .margin_left(10)
        .margin_right(20)
        .margin_bottom(10)
        .x_label_area_size(40)
        .y_label_area_size(50)
        .build_cartesian_2d(
            Keyed::new(-0.5..n as f64 - 0.5, (0..n).map(|i| i as f64)),
            0.0..top,
        )
        .map_err(draw_err)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(n)
        .x_label_formatter(&|x| {
            let i = x.round().clamp(0.0, (n - 1) as f64) as usize;
            groups.get(i).map(|g| g.label.clone()).unwrap_or_default()
        })
        .y_labels((ymax as usize + 1).min(12))
        .y_label_formatter(&|y| {
            if (y - y.round()).abs() < 1e-6 {
                format!("{}", y.round() as i64)
            } else {
                String::new()
            }
        })
        .x_desc(x_desc)
        .y_desc("seats")
        .label_style(font(12.0))
        .axis_desc_style(font(13.0))
        .light_line_style(WHITE.mix(0.0))
        .bold_line_style(BLACK.mix(0.12))
        .draw()
        .map_err(draw_err)?;

    let plot = chart.plotting_area();
    for (i, g) in groups.iter().enumerate() {
        if let Some(bg) = g.background {
            let x = i as f64;
            plot.draw(&Rectangle::new(
                [(x - 0.5, 0.0), (x + 0.5, top)],
                bg.filled(),
            ))
            .map_err(draw_err)?;
        }
    }
    let seats = groups.first().map(|g| g.values.len()).unwrap_or(0).max(1);
    let slot = 0.84 / seats as f64;
    for (i, g) in groups.iter().enumerate() {
        for (j, &(required, rostered)) in g.values.iter().enumerate() {
            let x0 = i as f64 - 0.42 + j as f64 * slot;
            let x1 = x0 + slot * 0.88;
            let colour = PALETTE[j % PALETTE.len()];
            if rostered > 0 {
                plot.draw(&Rectangle::new(
                    [(x0, 0.0), (x1, rostered as f64)],
                    colour.filled(),
                ))
                .map_err(draw_err)?;
            }
            if required > rostered {
                let r = [(x0, rostered as f64), (x1, required as f64)];
                plot.draw(&Rectangle::new(r, ALARM.mix(0.3).filled()))
                    .map_err(draw_err)?;
                plot.draw(&Rectangle::new(r, ALARM.stroke_width(2)))
                    .map_err(draw_err)?;
                plot.draw(&Text::new(
                    format!("−{}", required - rostered),
                    ((x0 + x1) / 2.0, required as f64 + 0.05),
                    font(12.0)
                        .color(&ALARM)
                        .pos(plotters::style::text_anchor::Pos::new(
                            HPos::Center,
                            VPos::Bottom,
                        )),
                ))
                .map_err(draw_err)?;
            }
            if required > 0 {
                plot.draw(&PathElement::new(
                    vec![(x0, required as f64), (x1, required as f64)],
                    BLACK.stroke_width(3),
                ))
                .map_err(draw_err)?;
            }
        }
    }
    Ok(())
}
