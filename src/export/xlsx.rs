//! The month as a workbook a head prints and posts: one sheet for the whole month, one per
//! team, and a list of every assignment. Each grid has the people down the side and the
//! days across, shifts in their colours, leave and public holidays marked, CJK-aware
//! column widths, frozen headers, and A4 landscape fitted to one page wide.

use super::{ExportError, MonthRoster};
use crate::model::{DayType, Scenario};
use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{
    Color, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet,
};
use unicode_width::UnicodeWidthStr;

/// The whole month's sheet, and the list of assignments.
pub const MONTH_SHEET: &str = "全月 Month";
pub const LIST_SHEET: &str = "明细 List";

/// Rows above the grid: title, day numbers, weekdays.
pub const HEADER_ROWS: u32 = 3;
/// Columns left of the days: ID and name.
pub const LEFT_COLUMNS: u16 = 2;

/// Fills for shifts in the order the scenario lists them (pale, so print stays legible);
/// night shifts take the darker blue-grey whatever their place.
const SHIFT_FILLS: [u32; 6] = [0xFFF2CC, 0xE2EFDA, 0xFCE4D6, 0xDDEBF7, 0xEDE7F6, 0xFFE0E6];
const NIGHT_FILL: u32 = 0xB4C6E7;
const HOLIDAY_FILL: u32 = 0xF8CBAD;
const WEEKEND_FILL: u32 = 0xEDEDED;
const LEAVE_FILL: u32 = 0xD9D9D9;

/// What a day is called in the header: 一 .. 日.
const WEEKDAYS: [&str; 7] = ["一", "二", "三", "四", "五", "六", "日"];

/// The workbook's bytes. Same roster, same bytes: the document's creation time is the
/// month's first day, not the clock.
pub fn workbook(month: &MonthRoster) -> Result<Vec<u8>, ExportError> {
    let sc = month.scenario;
    let mut book = Workbook::new();
    let first = sc.month.first_day();
    let created = ExcelDateTime::from_ymd(first.year() as u16, first.month() as u8, 1)?;
    book.set_properties(
        &DocProperties::new()
            .set_title(&sc.name)
            .set_creation_datetime(&created),
    );
    let everyone: Vec<usize> = (0..sc.staff.len()).collect();
    grid_sheet(
        book.add_worksheet(),
        month,
        MONTH_SHEET,
        &sc.name,
        &everyone,
    )?;
    let mut used = vec![MONTH_SHEET.to_string(), LIST_SHEET.to_string()];
    for (t, team) in sc.teams.iter().enumerate() {
        let members: Vec<usize> = everyone
            .iter()
            .copied()
            .filter(|&i| sc.staff[i].team == Some(t))
            .collect();
        let label = if team.name.is_empty() {
            team.code.clone()
        } else {
            format!("{} {}", team.code, team.name)
        };
        let name = unique_sheet_name(&label, &used);
        used.push(name.clone());
        let title = format!("{} — {label}", sc.name);
        grid_sheet(book.add_worksheet(), month, &name, &title, &members)?;
    }
    list_sheet(book.add_worksheet(), month)?;
    Ok(book.save_to_buffer()?)
}

/// Excel's sheet names: at most 31 characters, none of `[]:*?/\`, unique ignoring case.
fn unique_sheet_name(label: &str, used: &[String]) -> String {
    let clean: String = label
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '_' } else { c })
        .take(28)
        .collect();
    let taken = |n: &str| used.iter().any(|u| u.to_lowercase() == n.to_lowercase());
    let mut name = clean.clone();
    let mut k = 2;
    while taken(&name) {
        name = format!("{clean}~{k}");
        k += 1;
    }
    name
}

/// The shift cell formats, by shift index.
fn shift_formats(sc: &Scenario) -> Vec<Format> {
    sc.shifts
        .iter()
        .enumerate()
        .map(|(k, s)| {
            let fill = if s.night {
                NIGHT_FILL
            } else {
                SHIFT_FILLS[k % SHIFT_FILLS.len()]
            };
            cell().set_background_color(Color::RGB(fill))
        })
        .collect()
}

fn cell() -> Format {
    Format::new()
        .set_align(FormatAlign::Center)
        .set_border(FormatBorder::Thin)
        .set_border_color(Color::RGB(0xBFBFBF))
}

/// Display width in Excel's character units: a CJK character takes two.
fn text_width(s: &str) -> f64 {
    UnicodeWidthStr::width(s) as f64
}

/// A grid of `people` (staff indexes) by day.
fn grid_sheet(
    ws: &mut Worksheet,
    month: &MonthRoster,
    name: &str,
    title: &str,
    people: &[usize],
) -> Result<(), ExportError> {
    let sc = month.scenario;
    ws.set_name(name)?;
    ws.set_landscape();
    // 9: A4 in Excel's paper codes.
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 0);
    ws.set_print_center_horizontally(true);
    ws.set_repeat_rows(0, HEADER_ROWS - 1)?;
    ws.set_freeze_panes(HEADER_ROWS, LEFT_COLUMNS)?;
    ws.write_string_with_format(0, 0, title, &Format::new().set_bold().set_font_size(14))?;

    let head = cell().set_bold();
    let holiday = head.clone().set_background_color(Color::RGB(HOLIDAY_FILL));
    let weekend = head.clone().set_background_color(Color::RGB(WEEKEND_FILL));
    ws.write_string_with_format(1, 0, "工号 ID", &head)?;
    ws.write_string_with_format(1, 1, "姓名 Name", &head)?;
    ws.write_string_with_format(2, 0, "", &head)?;
    ws.write_string_with_format(2, 1, "", &head)?;
    for (d, date) in sc.month_dates().into_iter().enumerate() {
        let col = LEFT_COLUMNS + d as u16;
        let (format, mark) = match sc.day_type(date) {
            DayType::Holiday => (&holiday, "休"),
            DayType::Weekend => (&weekend, ""),
            DayType::Weekday if sc.workdays.contains(&date) => (&head, "班"),
            DayType::Weekday => (&head, ""),
        };
        let weekday = WEEKDAYS[date.weekday().num_days_from_monday() as usize];
        ws.write_number_with_format(1, col, date.day() as f64, format)?;
        ws.write_string_with_format(2, col, format!("{weekday}{mark}"), format)?;
        ws.set_column_width(col, 4.5)?;
    }
    let total_col = LEFT_COLUMNS + sc.days() as u16;
    ws.write_string_with_format(1, total_col, "班数", &head)?;
    ws.write_string_with_format(2, total_col, "Shifts", &head)?;
    ws.set_column_width(total_col, 7)?;

    let shifts = shift_formats(sc);
    let leave = cell().set_background_color(Color::RGB(LEAVE_FILL));
    let plain = cell();
    let left = cell().set_align(FormatAlign::Left);
    let grid = month.roster.shift_grid(sc);
    let (mut id_width, mut name_width) = (text_width("工号 ID"), text_width("姓名 Name"));
    for (r, &i) in people.iter().enumerate() {
        let row = HEADER_ROWS + r as u32;
        let person = &sc.staff[i];
        ws.write_string_with_format(row, 0, &person.id, &left)?;
        ws.write_string_with_format(row, 1, &person.name, &left)?;
        id_width = id_width.max(text_width(&person.id));
        name_width = name_width.max(text_width(&person.name));
        for (d, date) in sc.month_dates().into_iter().enumerate() {
            let col = LEFT_COLUMNS + d as u16;
            match (grid[i][d], sc.approved_leave_on(i, date)) {
                (Some(k), _) => {
                    ws.write_string_with_format(row, col, &sc.shifts[k].code, &shifts[k])?
                }
                (None, Some(_)) => ws.write_string_with_format(row, col, "假", &leave)?,
                (None, None) => ws.write_string_with_format(row, col, "", &plain)?,
            };
        }
        let worked = grid[i].iter().filter(|k| k.is_some()).count();
        ws.write_number_with_format(row, total_col, worked as f64, &plain)?;
    }
    ws.set_column_width(0, id_width + 2.0)?;
    ws.set_column_width(1, name_width + 2.0)?;
    legend(
        ws,
        sc,
        HEADER_ROWS + people.len() as u32 + 1,
        &shifts,
        &leave,
    )?;
    Ok(())
}

/// Under the grid: each shift's code, name and hours in its colour, and the marks.
fn legend(
    ws: &mut Worksheet,
    sc: &Scenario,
    row: u32,
    shifts: &[Format],
    leave: &Format,
) -> Result<(), ExportError> {
    for (k, s) in sc.shifts.iter().enumerate() {
        let hours = format!("{} {}", s.label(), s.hours());
        ws.write_string_with_format(row + k as u32, 0, &s.code, &shifts[k])?;
        ws.write_string(row + k as u32, 1, hours)?;
    }
    let below = row + sc.shifts.len() as u32;
    ws.write_string_with_format(below, 0, "假", leave)?;
    ws.write_string(below, 1, "请假 leave")?;
    ws.write_string_with_format(
        below + 1,
        0,
        "休",
        &cell().set_background_color(Color::RGB(HOLIDAY_FILL)),
    )?;
    ws.write_string(
        below + 1,
        1,
        "法定节假日 public holiday; 班 调休上班 make-up workday",
    )?;
    Ok(())
}

/// Every assignment on one line, in the roster's order: what the grids show, as data.
fn list_sheet(ws: &mut Worksheet, month: &MonthRoster) -> Result<(), ExportError> {
    ws.set_name(LIST_SHEET)?;
    ws.set_landscape();
    ws.set_paper_size(9);
    ws.set_freeze_panes(1, 0)?;
    let head = cell().set_bold();
    let columns = [
        "工号 ID",
        "姓名 Name",
        "日期 Date",
        "班次 Shift",
        "座席 Seat",
    ];
    let mut widths: Vec<f64> = columns.iter().map(|c| text_width(c)).collect();
    for (c, text) in columns.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *text, &head)?;
    }
    for (r, a) in month.roster.assignments.iter().enumerate() {
        let row = r as u32 + 1;
        let date = a.date.to_string();
        let values = [
            a.staff.as_str(),
            month.name_of(&a.staff),
            date.as_str(),
            a.shift.as_str(),
            a.seat.as_str(),
        ];
        for (c, v) in values.iter().enumerate() {
            ws.write_string(row, c as u16, *v)?;
            widths[c] = widths[c].max(text_width(v));
        }
    }
    for (c, w) in widths.into_iter().enumerate() {
        ws.set_column_width(c as u16, w + 2.0)?;
    }
    Ok(())
}

/// The grid column of a date (for readers of the workbook, such as the tests).
pub fn column_of(date: NaiveDate) -> u16 {
    LEFT_COLUMNS + date.day0() as u16
}
