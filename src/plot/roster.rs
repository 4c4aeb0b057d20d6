//! The month as a person × day heat map: one row per person, grouped by team with names,
//! each cell coloured by its shift; approved leave grey with 假, swapped shifts outlined.

use super::coverage::weekday_name;
use super::{
    Chart, HOLIDAY_BG, LEAVE_BG, Mark, PlotError, day_tint, draw_err, font_at, ink_on,
    person_label, shift_colour, staff_order, team_label,
};
use crate::model::{Roster, Scenario};
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
        root.fill(&WHITE).map_err(draw_err)?;
        let g = Grid::of(self);
        self.draw_head(root, &g)?;
        self.draw_columns(root, &g)?;
        self.draw_rows(root, &g)?;
        // Axis captions.
        text(
            root,
            format!("day of month ({})", self.sc.month),
            ((g.x0 + g.right) / 2, g.bottom + 24),
            font_at(14.0, HPos::Center, VPos::Center),
        )?;
        text(
            root,
            "staff, by team".into(),
            (14, (g.top + g.bottom) / 2),
            font_at(14.0, HPos::Center, VPos::Center).transform(FontTransform::Rotate270),
        )
    }
}

/// Where the grid sits on the canvas, in pixels.
struct Grid {
    w: i32,
    /// Left edge of the first day column.
    x0: i32,
    /// Right edge of the last day column (the shift count follows).
    right: i32,
    top: i32,
    bottom: i32,
}

impl Grid {
    fn of(chart: &RosterChart) -> Grid {
        let (w, h) = chart.size();
        let x0 = 40 + chart.name_w as i32;
        Grid {
            w: w as i32,
            x0,
            right: x0 + chart.sc.days() as i32 * CELL_W as i32,
            top: TOP as i32,
            bottom: h as i32 - BOTTOM as i32,
        }
    }
}

fn rect<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    r: [(i32, i32); 2],
    s: ShapeStyle,
) -> Result<(), PlotError> {
    root.draw(&Rectangle::new(r, s)).map_err(draw_err)
}

fn text<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    t: String,
    at: (i32, i32),
    st: TextStyle,
) -> Result<(), PlotError> {
    root.draw(&Text::new(t, at, st)).map_err(draw_err)
}

impl RosterChart<'_> {
    /// Title and the legend of shift colours and marks.
    fn draw_head<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        g: &Grid,
    ) -> Result<(), PlotError> {
        let sc = self.sc;
        text(
            root,
            format!("Roster — {}, {}", sc.name, sc.month),
            (g.w / 2, 8),
            font_at(22.0, HPos::Center, VPos::Top),
        )?;
        let mut items: Vec<(Mark, String)> = (0..sc.shifts.len())
            .map(|k| (Mark::Fill(shift_colour(sc, k)), sc.shifts[k].caption()))
            .collect();
        items.push((Mark::Boxed(WHITE, RGBColor(0xcc, 0xcc, 0xcc)), "off".into()));
        items.push((Mark::Fill(LEAVE_BG), "假 approved leave".into()));
        items.push((Mark::Boxed(WHITE, BLACK), "swapped shift".into()));
        items.push((Mark::Fill(HOLIDAY_BG), "holiday".into()));
        super::legend(root, 40, 50, &items)?;
        text(
            root,
            "★ team lead".into(),
            (g.w - 20, 50),
            font_at(14.0, HPos::Right, VPos::Center),
        )
    }

    /// Column heads: day of month and weekday, weekends and holidays tinted down the grid.
    fn draw_columns<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        g: &Grid,
    ) -> Result<(), PlotError> {
        let sc = self.sc;
        let cw = CELL_W as i32;
        let head_y = g.top - 44;
        for d in 0..sc.days() {
            let date = sc.date(d);
            let cx = g.x0 + d as i32 * cw;
            if let Some(bg) = day_tint(sc, date) {
                rect(root, [(cx, head_y), (cx + cw, g.bottom)], bg.filled())?;
            }
            text(
                root,
                format!("{}", date.day()),
                (cx + cw / 2, head_y + 11),
                font_at(13.0, HPos::Center, VPos::Center),
            )?;
            text(
                root,
                weekday_name(sc, date).into(),
                (cx + cw / 2, head_y + 31),
                font_at(12.0, HPos::Center, VPos::Center),
            )?;
        }
        text(
            root,
            "shifts".into(),
            (g.right + COUNT_W as i32 / 2, head_y + 21),
            font_at(12.0, HPos::Center, VPos::Center),
        )
    }

    /// One band per team, then one row per person: a cell per day and the shift count.
    fn draw_rows<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        g: &Grid,
    ) -> Result<(), PlotError> {
        let sc = self.sc;
        let mut y = g.top;
        let mut last_team = None;
        for &i in &self.order {
            let p = &sc.staff[i];
            if last_team != Some(p.team) {
                last_team = Some(p.team);
                rect(
                    root,
                    [(40, y), (g.right + COUNT_W as i32, y + TEAM_H as i32)],
                    RGBColor(0x3c, 0x3c, 0x46).filled(),
                )?;
                text(
                    root,
                    team_label(sc, p.team),
                    (46, y + TEAM_H as i32 / 2),
                    font_at(14.0, HPos::Left, VPos::Center).color(&WHITE),
                )?;
                y += TEAM_H as i32;
            }
            text(
                root,
                person_label(sc, i),
                (g.x0 - 8, y + ROW_H as i32 / 2),
                font_at(13.0, HPos::Right, VPos::Center),
            )?;
            let n = self.draw_cells(root, g, i, y)?;
            text(
                root,
                format!("{n}"),
                (g.right + COUNT_W as i32 / 2, y + ROW_H as i32 / 2),
                font_at(13.0, HPos::Center, VPos::Center),
            )?;
            y += ROW_H as i32;
        }
        Ok(())
    }

    /// Person `i`'s day cells in the row at `y`; returns how many shifts they work.
    fn draw_cells<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        g: &Grid,
        i: usize,
        y: i32,
    ) -> Result<usize, PlotError> {
        let sc = self.sc;
        let cw = CELL_W as i32;
        let mut n = 0;
        for d in 0..sc.days() {
            let date = sc.date(d);
            let cx = g.x0 + d as i32 * cw;
            let cell = [(cx + 1, y + 1), (cx + cw - 1, y + ROW_H as i32 - 1)];
            match self.cells.get(&(i, d)) {
                Some(&k) => {
                    n += 1;
                    let bg = shift_colour(sc, k);
                    rect(root, cell, bg.filled())?;
                    text(
                        root,
                        sc.shifts[k].code.clone(),
                        (cx + cw / 2, y + ROW_H as i32 / 2),
                        font_at(12.0, HPos::Center, VPos::Center).color(&ink_on(bg)),
                    )?;
                }
                None if sc.approved_leave_on(i, date).is_some() => {
                    rect(root, cell, LEAVE_BG.filled())?;
                    text(
                        root,
                        "假".into(),
                        (cx + cw / 2, y + ROW_H as i32 / 2),
                        font_at(12.0, HPos::Center, VPos::Center),
                    )?;
                }
                None => {
                    rect(root, cell, RGBColor(0xdd, 0xdd, 0xdd).stroke_width(1))?;
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
        Ok(n)
    }
}
