//! The advised demand against what the staff can work: seat-shifts the month asks for, in
//! all and per grade level, and the busiest day's heads against the staff there are.

use super::advise::{DAY_TYPES, ShiftDemand};
use crate::model::Scenario;
use serde::Serialize;

/// Seat-shifts the advised demand asks for in the month against what the staff can work
/// (each person at most their `max_shifts`, and one shift a day), in all and for each
/// grade level: seats needing a grade can only be filled by staff at or above it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Capacity {
    pub levels: Vec<CapacityLevel>,
    /// The most heads the advice seats on one day of the month, and the staff there are.
    pub busiest_day: Option<(chrono::NaiveDate, u32)>,
    pub staff: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CapacityLevel {
    /// The grade at or above which staff count (`junior`: everyone).
    pub grade: &'static str,
    /// Seat-shifts of seat types needing this grade or above.
    pub needed: u64,
    /// Sum of `max_shifts` of staff at or above this grade.
    pub available: u64,
}

impl Capacity {
    pub fn warnings(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .levels
            .iter()
            .filter(|l| l.needed > l.available)
            .map(|l| {
                format!(
                    "the advised demand needs {} seat-shifts at {} grade or above this month, \
                     but those staff can work {} (sum of max_shifts): the month cannot be rostered",
                    l.needed, l.grade, l.available
                )
            })
            .collect();
        if let Some((date, heads)) = self.busiest_day
            && heads > self.staff
        {
            out.push(format!(
                "the advised demand seats {heads} heads on {date}, but the centre has {} staff \
                 (one shift a day each)",
                self.staff
            ));
        }
        out
    }
}

/// What the staff can work against what `demand` asks for in the scenario's month.
pub fn capacity(sc: &Scenario, demand: &[ShiftDemand]) -> Capacity {
    use crate::model::Grade;
    let grades = [Grade::Junior, Grade::Intermediate, Grade::Senior];
    let mut needed = [0u64; 3];
    let mut busiest: Option<(chrono::NaiveDate, u32)> = None;
    for day in 0..sc.days() {
        let date = sc.date(day);
        let d = DAY_TYPES
            .iter()
            .position(|&x| x == sc.day_type(date))
            .expect("a day type");
        let mut heads = 0u32;
        for row in demand {
            let Some(seat) = sc.seat_by_code(&row.seat) else {
                continue;
            };
            let h = [row.weekday, row.weekend, row.holiday][d];
            heads += h;
            let rank = sc.seats[seat].min_grade.rank();
            for (g, grade) in grades.iter().enumerate() {
                if rank >= grade.rank() {
                    needed[g] += h as u64;
                }
            }
        }
        if busiest.is_none_or(|(_, b)| heads > b) {
            busiest = Some((date, heads));
        }
    }
    let levels = grades
        .iter()
        .enumerate()
        .map(|(g, grade)| CapacityLevel {
            grade: grade.name(),
            needed: needed[g],
            available: sc
                .staff
                .iter()
                .filter(|p| p.grade.rank() >= grade.rank())
                .map(|p| p.max_shifts as u64)
                .sum(),
        })
        .collect();
    Capacity {
        levels,
        busiest_day: busiest,
        staff: sc.staff.len() as u32,
    }
}
