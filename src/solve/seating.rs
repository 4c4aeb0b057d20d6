//! Seats are chosen after the solve. The cumulative cover rows guarantee a seating exists;
//! this finds one, filling the most demanding seat types first with the least senior people
//! who qualify, so higher grades stay free for the seats only they may take.

use crate::model::{Assignment, Roster, Scenario, SolverInfo};

/// People on duty on a day and shift → their seats. `on_duty` is in staff order.
pub fn seat(sc: &Scenario, day: usize, shift: usize, on_duty: &[usize]) -> Vec<Assignment> {
    let date = sc.date(day);
    let mut seat_order: Vec<usize> = (0..sc.seats.len()).collect();
    seat_order.sort_by_key(|&s| (std::cmp::Reverse(sc.seats[s].min_grade), s));

    let mut free: Vec<usize> = on_duty.to_vec();
    free.sort_by_key(|&i| (sc.staff[i].grade, i));
    let mut out = Vec::new();
    let place = |i: usize, s: usize, out: &mut Vec<Assignment>| {
        out.push(Assignment {
            staff: sc.staff[i].id.clone(),
            date,
            shift: sc.shifts[shift].code.clone(),
            seat: sc.seats[s].code.clone(),
        })
    };
    for &s in &seat_order {
        let mut need = sc.demand(date, shift, s);
        while need > 0 {
            let Some(pos) = free.iter().position(|&i| sc.qualifies(i, s)) else {
                break;
            };
            place(free.remove(pos), s, &mut out);
            need -= 1;
        }
    }
    // Anyone beyond demand takes the most demanding seat type they qualify for.
    for i in free {
        if let Some(&s) = seat_order.iter().find(|&&s| sc.qualifies(i, s)) {
            place(i, s, &mut out);
        }
    }
    out
}

/// A new roster of the month with each (day, shift)'s crew, in staff order, seated.
pub fn seated_roster(
    sc: &Scenario,
    crew: impl Fn(usize, usize) -> Vec<usize>,
    info: Option<SolverInfo>,
) -> Roster {
    let mut assignments = Vec::new();
    for d in 0..sc.days() {
        for k in 0..sc.shifts.len() {
            assignments.extend(seat(sc, d, k, &crew(d, k)));
        }
    }
    let mut roster = Roster {
        month: sc.month.to_string(),
        assignments,
        swaps: Vec::new(),
        leave: Vec::new(),
        solver: info,
    };
    roster.sort(sc);
    roster
}
