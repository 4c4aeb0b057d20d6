//! Night, weekend and holiday shifts per person: the loads the objective keeps even
//! (fair_nights, fair_weekends), so a planner can see who carries them.

use super::{Chart, Keyed, Mark, PlotError, draw_err, font, font_at, person_label, staff_order};
use crate::model::{DayType, Roster, Scenario};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

/// One person's month in the terms of the fairness objective.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FairnessRow {
    pub staff: usize,
    pub shifts: u32,
    pub nights: u32,
    /// Shifts starting on a weekend day (make-up workdays are weekdays).
    pub weekends: u32,
    /// Shifts starting on a public holiday.
    pub holidays: u32,
}

/// A row per person, in roster order (team, leads first, grade).
pub fn fairness_rows(sc: &Scenario, roster: &Roster) -> Vec<FairnessRow> {
    let mut rows: Vec<FairnessRow> = (0..sc.staff.len())
        .map(|i| FairnessRow {
            staff: i,
            shifts: 0,
            nights: 0,
            weekends: 0,
            holidays: 0,
        })
        .collect();
    for a in &roster.assignments {
        let (Some(i), Some(k)) = (sc.staff_by_id(&a.staff), sc.shift_by_code(&a.shift)) else {
            continue;
        };
        let r = &mut rows[i];
        r.shifts += 1;
        r.nights += sc.shifts[k].night as u32;
        match sc.day_type(a.date) {
            DayType::Weekend => r.weekends += 1,
            DayType::Holiday => r.holidays += 1,
            DayType::Weekday => {}
        }
    }
    staff_order(sc)
        .into_iter()
        .map(|i| rows[i].clone())
        .collect()
}

pub struct FairnessChart<'a> {
    sc: &'a Scenario,
    rows: Vec<FairnessRow>,
}

const BAR_COLOURS: [RGBColor; 3] = [
    RGBColor(0x2b, 0x3a, 0x67),
    RGBColor(0x4e, 0x79, 0xa7),
    RGBColor(0xf2, 0x8e, 0x2b),
];
const ROW_H: u32 = 30;

impl<'a> FairnessChart<'a> {
    pub fn new(sc: &'a Scenario, roster: &Roster) -> Self {
        FairnessChart {
            sc,
            rows: fairness_rows(sc, roster),
        }
    }

    /// Per job type, the spread (max − min) of nights and of weekend-or-holiday shifts,
    /// the two ranges the objective weighs.
    pub fn spreads(&self) -> Vec<(String, u32, u32)> {
        self.sc
            .job_types()
            .into_iter()
            .map(|job| {
                let rows: Vec<&FairnessRow> = self
                    .rows
                    .iter()
                    .filter(|r| self.sc.staff[r.staff].job == job)
                    .collect();
                let spread = |f: &dyn Fn(&FairnessRow) -> u32| {
                    let max = rows.iter().map(|r| f(r)).max().unwrap_or(0);
                    let min = rows.iter().map(|r| f(r)).min().unwrap_or(0);
                    max - min
                };
                let n = spread(&|r| r.nights);
                let w = spread(&|r| r.weekends + r.holidays);
                (job, n, w)
            })
            .collect()
    }
}

impl Chart for FairnessChart<'_> {
    fn size(&self) -> (u32, u32) {
        (1000, 170 + ROW_H * self.rows.len().max(1) as u32)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), PlotError> {
        let sc = self.sc;
        let (w, _) = self.size();
        root.fill(&WHITE).map_err(draw_err)?;
        root.draw(&Text::new(
            format!("Fairness — {}, {}", sc.name, sc.month),
            (w as i32 / 2, 8),
            font_at(22.0, HPos::Center, VPos::Top),
        ))
        .map_err(draw_err)?;
        let spreads: Vec<String> = self
            .spreads()
            .into_iter()
            .map(|(job, n, we)| format!("{job}: nights spread {n}, weekend+holiday spread {we}"))
            .collect();
        root.draw(&Text::new(
            spreads.join("   "),
            (w as i32 / 2, 38),
            font_at(14.0, HPos::Center, VPos::Top),
        ))
        .map_err(draw_err)?;
        super::legend(
            root,
            60,
            76,
            &[
                (Mark::Fill(BAR_COLOURS[0]), "night shifts".into()),
                (Mark::Fill(BAR_COLOURS[1]), "weekend shifts".into()),
                (Mark::Fill(BAR_COLOURS[2]), "holiday shifts".into()),
            ],
        )?;

        let n = self.rows.len().max(1);
        let xmax = self
            .rows
            .iter()
            .map(|r| r.nights.max(r.weekends).max(r.holidays))
            .max()
            .unwrap_or(0)
            .max(1) as f64
            + 1.0;
        // Spreads are per job type, so name the job when there is more than one.
        let jobs = sc.job_types().len();
        let labels: Vec<String> = self
            .rows
            .iter()
            .map(|r| match jobs {
                1 => person_label(sc, r.staff),
                _ => format!("{} ({})", person_label(sc, r.staff), sc.staff[r.staff].job),
            })
            .collect();
        let body = root.margin(95, 5, 5, 5);
        // Rows run top to bottom in roster order, so the y axis counts down.
        let mut chart = ChartBuilder::on(&body)
            .margin_right(30)
            .x_label_area_size(45)
            .y_label_area_size(if jobs > 1 { 190 } else { 150 })
            .build_cartesian_2d(
                0.0..xmax,
                Keyed::new(n as f64 - 0.5..-0.5, (0..n).map(|i| i as f64)),
            )
            .map_err(draw_err)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(n)
            .y_label_formatter(&|y| {
                let i = y.round().clamp(0.0, (n - 1) as f64) as usize;
                labels.get(i).cloned().unwrap_or_default()
            })
            .x_labels(xmax as usize + 1)
            .x_label_formatter(&|x| {
                if (x - x.round()).abs() < 1e-6 {
                    format!("{}", x.round() as i64)
                } else {
                    String::new()
                }
            })
            .x_desc("shifts in the month")
            .y_desc("staff")
            .label_style(font(13.0))
            .axis_desc_style(font(14.0))
            .light_line_style(WHITE.mix(0.0))
            .bold_line_style(BLACK.mix(0.12))
            .draw()
            .map_err(draw_err)?;
        let plot = chart.plotting_area();
        for (i, r) in self.rows.iter().enumerate() {
            for (j, v) in [r.nights, r.weekends, r.holidays].into_iter().enumerate() {
                let y0 = i as f64 - 0.4 + j as f64 * 0.27;
                let y1 = y0 + 0.24;
                if v > 0 {
                    plot.draw(&Rectangle::new(
                        [(0.0, y0), (v as f64, y1)],
                        BAR_COLOURS[j].filled(),
                    ))
                    .map_err(draw_err)?;
                    // A missing bar reads as zero; labelling it too only adds clutter.
                    plot.draw(&Text::new(
                        format!("{v}"),
                        (v as f64 + 0.06, (y0 + y1) / 2.0),
                        font_at(11.0, HPos::Left, VPos::Center),
                    ))
                    .map_err(draw_err)?;
                }
            }
        }
        Ok(())
    }
}
