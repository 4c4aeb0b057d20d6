//! Simulated service level per interval, with its confidence band and the target line: one
//! panel per seat type. The input is plain data, so the chart does not depend on how the
//! simulator is built; intervals below target are marked red.

use super::{ALARM, Chart, Keyed, Mark, PlotError, draw_err, font, font_at};
pub use crate::traffic::series::{ServicePoint, ServiceSeries};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

pub struct ServiceChart {
    title: String,
    series: Vec<ServiceSeries>,
}

const BAND: RGBColor = RGBColor(0x4e, 0x79, 0xa7);
const PANEL_H: u32 = 300;
const HEAD_H: u32 = 80;

impl ServiceChart {
    pub fn new(scenario_name: &str, series: Vec<ServiceSeries>) -> Self {
        ServiceChart {
            title: format!("Service level — {scenario_name}"),
            series,
        }
    }
}

impl Chart for ServiceChart {
    fn size(&self) -> (u32, u32) {
        (1200, HEAD_H + PANEL_H * self.series.len().max(1) as u32)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), PlotError> {
        let (w, _) = self.size();
        root.fill(&WHITE).map_err(draw_err)?;
        root.draw(&Text::new(
            self.title.clone(),
            (w as i32 / 2, 8),
            font_at(22.0, HPos::Center, VPos::Top),
        ))
        .map_err(draw_err)?;
        // Name the confidence level only when every panel has the same one.
        let level = self.series.first().and_then(|s| s.confidence);
        let band = match level {
            Some(c) if self.series.iter().all(|s| s.confidence == level) => {
                format!("{:.0} % confidence band", c * 100.0)
            }
            _ => "confidence band".to_string(),
        };
        super::legend(
            root,
            60,
            50,
            &[
                (Mark::Line(BAND), "simulated mean".into()),
                (Mark::Band(BAND), band),
                (Mark::Dashed(ALARM), "target".into()),
                (Mark::Fill(ALARM), "interval below target".into()),
            ],
        )?;
        let body = root.margin(HEAD_H, 5, 5, 5);
        if self.series.is_empty() {
            body.draw(&Text::new(
                "no intervals to show",
                (w as i32 / 2, PANEL_H as i32 / 2),
                font_at(16.0, HPos::Center, VPos::Center),
            ))
            .map_err(draw_err)?;
            return Ok(());
        }
        for (s, area) in self
            .series
            .iter()
            .zip(body.split_evenly((self.series.len(), 1)))
        {
            panel(&area, s)?;
        }
        Ok(())
    }
}

fn panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    s: &ServiceSeries,
) -> Result<(), PlotError> {
    let half = s.interval_minutes as f64 / 2.0;
    let mid = |p: &ServicePoint| p.start_minute as f64 + half;
    let caption = format!(
        "{} — {} of {} intervals below the {:.0} % target",
        s.label,
        s.below_target(),
        s.points.len(),
        s.target * 100.0
    );
    let y_desc = match s.answer_seconds {
        Some(t) => format!("answered within {t:.0} s"),
        None => "service level".to_string(),
    };
    let mut chart = ChartBuilder::on(area)
        .caption(caption, font(16.0))
        .margin_left(10)
        .margin_right(25)
        .x_label_area_size(40)
        .y_label_area_size(55)
        .build_cartesian_2d(
            Keyed::new(0.0..1440.0, (0..=12).map(|h| h as f64 * 120.0)),
            0.0..1.0,
        )
        .map_err(draw_err)?;
    chart
        .configure_mesh()
        .x_labels(13)
        .x_label_formatter(&|m: &f64| format!("{:02}:00", (m / 60.0).round() as i64))
        .y_labels(6)
        .y_label_formatter(&|v| format!("{:.0} %", v * 100.0))
        .x_desc("time of day (interval midpoint)")
        .y_desc(y_desc)
        .label_style(font(12.0))
        .axis_desc_style(font(13.0))
        .light_line_style(WHITE.mix(0.0))
        .bold_line_style(BLACK.mix(0.1))
        .draw()
        .map_err(draw_err)?;

    let clamp = |v: f64| v.clamp(0.0, 1.0);
    let mut band: Vec<(f64, f64)> = s.points.iter().map(|p| (mid(p), clamp(p.high))).collect();
    band.extend(s.points.iter().rev().map(|p| (mid(p), clamp(p.low))));
    chart
        .draw_series(std::iter::once(Polygon::new(band, BAND.mix(0.25).filled())))
        .map_err(draw_err)?;
    chart
        .draw_series(DashedLineSeries::new(
            vec![(0.0, s.target), (1440.0, s.target)],
            8,
            6,
            ALARM.stroke_width(2),
        ))
        .map_err(draw_err)?;
    chart
        .draw_series(LineSeries::new(
            s.points.iter().map(|p| (mid(p), clamp(p.mean))),
            BAND.stroke_width(2),
        ))
        .map_err(draw_err)?;
    chart
        .draw_series(s.points.iter().map(|p| {
            let c = if p.mean < s.target { ALARM } else { BAND };
            Circle::new((mid(p), clamp(p.mean)), 3, c.filled())
        }))
        .map_err(draw_err)?;
    Ok(())
}
