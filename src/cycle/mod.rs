//! From one month to the next (issue 12): next month's scenario from this month's roster
//! as worked (`next`), and a scenario from the staff sheet a head keeps (`staff_sheet`).
//! Both write TOML that the scenario loader then validates, so what they produce is held
//! to the same checks as a file written by hand.

pub mod next;
pub mod staff_sheet;

pub use next::{Carried, NextError, NextMonth, next_month};
pub use staff_sheet::{SheetStaff, new_scenario, read_staff_sheet};
