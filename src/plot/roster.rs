//! The month as a person × day heat map: one row per person, grouped by team with names,
//! each cell coloured by its shift; approved leave grey with 假, swapped shifts outlined.

use super::coverage::weekday_name;
use super::{
    Chart, HOLIDAY_BG, LEAVE_BG, Mark, PlotError, WEEKEND_BG, draw_err, font_at, ink_on,
    person_label, shift_colour, staff_order, team_label,
};
use crate::model::{DayType, Roster, Scenario, format_clock};
use chrono::{Datelike, NaiveDate};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};
use std::collections::{HashMap, HashSet};
use unicode_width::UnicodeWidthStr;

pub struct RosterChart<'a> {
    sc: &'a Scenario,
    /// (staff, day index) → shift index.
    cells: HashMap<(usize, usize), usize>,
    /// (staff, day index) of shifts taken or returned in a swap.
    swapped: HashSet<(usize, usize)>,
    order: Vec<usize>,
    name_w: u32,
}

const CELL_W: u32 = 30;
const ROW_H: u32 = 22;
const TEAM_H: u32 = 24;
const TOP: u32 = 130;
const BOTTOM: u32 = 50;
const COUNT_W: u32 = 56;

impl<'a> RosterChart<'a> {
    pub fn new(sc: &'a Scenario, roster: &Roster) -> Self {
        let mut cells = HashMap::new();
        for a in &roster.assignments {
            if let (Some(i), Some(d), Some(k)) = (
                sc.staff_by_id(&a.staff),
                sc.month.day_index(a.date),
                sc.shift_by_code(&a.shift),
            ) {
                cells.insert((i, d), k);
            }
        }
        // After a swap B works A's shift on the swap date, and A works B's on the return
        // date: those are the cells that changed hands.
        let mut swapped = HashSet::new();
        let mut mark = |id: &str, date: NaiveDate| {
            if let (Some(i), Some(d)) = (sc.staff_by_id(id), sc.month.day_index(date)) {
                swapped.insert((i, d));
            }
        };
        for s in &roster.swaps {
            mark(&s.b, s.date);
            if let Some(rd) = s.return_date {
                mark(&s.a, rd);
            }
        }
        // Name column wide enough for the longest label; CJK counts double.
        let widest = (0..sc.staff.len())
            .map(|i| UnicodeWidthStr::width(person_label(sc, i).as_str()))
            .max()
            .unwrap_or(8) as u32;
        RosterChart {
            sc,
            cells,
            swapped,
            order: staff_order(sc),
            name_w: (widest * 8 + 30).max(120),
        }
    }

    fn teams(&self) -> usize {
        let mut teams: Vec<Option<usize>> =
            self.order.iter().map(|&i| self.sc.staff[i].team).collect();
        teams.dedup();
        teams.len()
    }
}

impl Chart for RosterChart<'_> {
    fn size(&self) -> (u32, u32) {
        let days = self.sc.days() as u32;
        (
            (40 + self.name_w + days * CELL_W + COUNT_W + 20).max(900),
            TOP + self.teams() as u32 * TEAM_H + self.order.len() as u32 * ROW_H + BOTTOM,
        )
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), PlotError> {
        let sc = self.sc;
        let (w, h) = self.size();
        root.fill(&WHITE).map_err(draw_err)?;
        let x0 = 40 + self.name_w as i32;
        let cw = CELL_W as i32;
        let days = sc.days();
        let grid_right = x0 + days as i32 * cw;
        let rect =
            |r: [(i32, i32); 2], s: ShapeStyle| root.draw(&Rectangle::new(r, s)).map_err(draw_err);
        let text = |t: String, at: (i32, i32), st: TextStyle| {
            root.draw(&Text::new(t, at, st)).map_err(draw_err)
        };

        text(
            format!("Roster — {}, {}", sc.name, sc.month),
            (w as i32 / 2, 8),
            font_at(22.0, HPos::Center, VPos::Top),
        )?;
        let mut items: Vec<(Mark, String)> = (0..sc.shifts.len())
            .map(|k| {
                let s = &sc.shifts[k];
                (
                    Mark::Fill(shift_colour(sc, k)),
                    format!(
                        "{} {} {}–{}",
                        s.code,
                        s.label(),
                        format_clock(s.start),
                        format_clock(s.end % 1440)
                    ),
                )
            })
            .collect();
        items.push((Mark::Boxed(WHITE, RGBColor(0xcc, 0xcc, 0xcc)), "off".into()));
        items.push((Mark::Fill(LEAVE_BG), "假 approved leave".into()));
        items.push((Mark::Boxed(WHITE, BLACK), "swapped shift".into()));
        items.push((Mark::Fill(HOLIDAY_BG), "holiday".into()));
        super::legend(root, 40, 50, &items)?;
        text(
            "★ team lead".into(),
            (w as i32 - 20, 50),
            font_at(14.0, HPos::Right, VPos::Center),
        )?;

        // Column heads: day of month and weekday, weekends and holidays tinted.
        let head_y = TOP as i32 - 44;
        let body_top = TOP as i32;
        let body_bottom = h as i32 - BOTTOM as i32;
        for d in 0..days {
            let date = sc.date(d);
            let cx = x0 + d as i32 * cw;
            let bg = match sc.day_type(date) {
                DayType::Holiday => Some(HOLIDAY_BG),
                DayType::Weekend => Some(WEEKEND_BG),
                DayType::Weekday => None,
            };
            if let Some(bg) = bg {
                rect([(cx, head_y), (cx + cw, body_bottom)], bg.filled())?;
            }
            text(
                format!("{}", date.day()),
                (cx + cw / 2, head_y + 11),
                font_at(13.0, HPos::Center, VPos::Center),
            )?;
            text(
                weekday_name(sc, date).into(),
                (cx + cw / 2, head_y + 31),
                font_at(12.0, HPos::Center, VPos::Center),
            )?;
        }
        text(
            "shifts".into(),
            (grid_right + COUNT_W as i32 / 2, head_y + 21),
            font_at(12.0, HPos::Center, VPos::Center),
        )?;

        let mut y = body_top;
        let mut last_team = None;
        for &i in &self.order {
            let p = &sc.staff[i];
            if last_team != Some(p.team) {
                last_team = Some(p.team);
                rect(
                    [(40, y), (grid_right + COUNT_W as i32, y + TEAM_H as i32)],
                    RGBColor(0x3c, 0x3c, 0x46).filled(),
                )?;
                text(
                    team_label(sc, p.team),
                    (46, y + TEAM_H as i32 / 2),
                    font_at(14.0, HPos::Left, VPos::Center).color(&WHITE),
                )?;
                y += TEAM_H as i32;
            }
            text(
                person_label(sc, i),
                (x0 - 8, y + ROW_H as i32 / 2),
                font_at(13.0, HPos::Right, VPos::Center),
            )?;
            let mut n = 0;
            for d in 0..days {
                let date = sc.date(d);
                let cx = x0 + d as i32 * cw;
                let cell = [(cx + 1, y + 1), (cx + cw - 1, y + ROW_H as i32 - 1)];
                match self.cells.get(&(i, d)) {
                    Some(&k) => {
                        n += 1;
                        let bg = shift_colour(sc, k);
                        rect(cell, bg.filled())?;
                        text(
                            sc.shifts[k].code.clone(),
                            (cx + cw / 2, y + ROW_H as i32 / 2),
                            font_at(12.0, HPos::Center, VPos::Center).color(&ink_on(bg)),
                        )?;
                    }
                    None if sc.approved_leave_on(i, date).is_some() => {
                        rect(cell, LEAVE_BG.filled())?;
                        text(
                            "假".into(),
                            (cx + cw / 2, y + ROW_H as i32 / 2),
                            font_at(12.0, HPos::Center, VPos::Center),
                        )?;
                    }
                    None => {
                        rect(cell, RGBColor(0xdd, 0xdd, 0xdd).stroke_width(1))?;
                    }
                }
                if self.swapped.contains(&(i, d)) {
                    super::frame(
                        root,
                        [(cx + 2, y + 2), (cx + cw - 2, y + ROW_H as i32 - 2)],
                        BLACK,
                        3,
                    )?;
                }
            }
            text(
                format!("{n}"),
                (grid_right + COUNT_W as i32 / 2, y + ROW_H as i32 / 2),
                font_at(13.0, HPos::Center, VPos::Center),
            )?;
            y += ROW_H as i32;
        }
        // Axis captions.
        text(
            format!("day of month ({})", sc.month),
            ((x0 + grid_right) / 2, body_bottom + 24),
            font_at(14.0, HPos::Center, VPos::Center),
        )?;
        text(
            "staff, by team".into(),
            (14, (body_top + body_bottom) / 2),
            font_at(14.0, HPos::Center, VPos::Center).transform(FontTransform::Rotate270),
        )?;
        Ok(())
    }
}
