//! `roster new`: a scenario from the staff sheet a head keeps (xlsx through calamine, csv
//! through the csv crate), with Chinese or English headers, every row validated and a bad
//! one named by sheet, row and column as the spreadsheet shows them.

use crate::model::{Grade, InputError, Month};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use toml::{Table, Value};

/// One person as the sheet gives them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetStaff {
    pub id: String,
    pub name: String,
    pub grade: Grade,
    pub team: Option<String>,
    pub lead: bool,
    pub job: String,
}

/// The sheet's columns, each with the headers it may be written under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Column {
    Id,
    Name,
    Grade,
    Team,
    Lead,
    Job,
}

impl Column {
    const ALL: [Column; 6] = [
        Column::Id,
        Column::Name,
        Column::Grade,
        Column::Team,
        Column::Lead,
        Column::Job,
    ];

    fn headers(self) -> &'static [&'static str] {
        match self {
            Column::Id => &["id", "staff", "工号", "员工编号", "编号"],
            Column::Name => &["name", "姓名", "名字"],
            Column::Grade => &["grade", "级别", "等级"],
            Column::Team => &["team", "班组", "组别"],
            Column::Lead => &["lead", "组长", "班长"],
            Column::Job => &["job", "岗位"],
        }
    }

    fn of_header(text: &str) -> Option<Column> {
        let t = text.trim().to_lowercase();
        Column::ALL
            .into_iter()
            .find(|c| c.headers().iter().any(|h| *h == t))
    }
}

/// A sheet as rows of text cells, with the sheet's name for messages and the 1-based row
/// number of each row as the spreadsheet shows it.
struct Sheet {
    name: String,
    rows: Vec<(usize, Vec<String>)>,
}

/// Reads the first sheet of an xlsx (or xls/ods) workbook, or a csv file, by extension.
pub fn read_staff_sheet(path: &Path) -> Result<Vec<SheetStaff>, InputError> {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let sheet = match ext.as_str() {
        "csv" => read_csv(path)?,
        "xlsx" | "xlsm" | "xls" | "ods" => read_workbook(path)?,
        _ => {
            return Err(InputError::new(
                path,
                "",
                "a staff sheet is .xlsx, .xls, .ods or .csv",
            ));
        }
    };
    parse_rows(path, &sheet)
}

fn read_csv(path: &Path) -> Result<Sheet, InputError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_path(path)
        .map_err(|e| InputError::new(path, "", format!("cannot read the staff sheet: {e}")))?;
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let row = e.position().map_or(0, |p| p.line() as usize);
            InputError::new(path, format!("row {row}"), format!("not CSV: {e}"))
        })?;
        let row = record
            .position()
            .map_or(rows.len() + 1, |p| p.line() as usize);
        // A BOM (Excel's "CSV UTF-8") belongs to no header.
        let cells = record
            .iter()
            .map(|c| c.trim_start_matches('\u{feff}').to_string())
            .collect();
        rows.push((row, cells));
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(Sheet { name, rows })
}

fn read_workbook(path: &Path) -> Result<Sheet, InputError> {
    use calamine::{Data, Reader, open_workbook_auto};
    let cannot = |e: &dyn std::fmt::Display| {
        InputError::new(path, "", format!("cannot read the staff workbook: {e}"))
    };
    let mut book = open_workbook_auto(path).map_err(|e| cannot(&e))?;
    let Some(name) = book.sheet_names().first().cloned() else {
        return Err(InputError::new(path, "", "the workbook has no sheet"));
    };
    let range = book.worksheet_range(&name).map_err(|e| cannot(&e))?;
    let (first_row, first_col) = range.start().unwrap_or((0, 0));
    let rows = range
        .rows()
        .enumerate()
        .map(|(i, cells)| {
            // Leading empty columns keep their letters: pad so index = column letter.
            let mut text = vec![String::new(); first_col as usize];
            text.extend(cells.iter().map(|c| match c {
                Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
                Data::Empty => String::new(),
                other => other.to_string(),
            }));
            (first_row as usize + i + 1, text)
        })
        .collect();
    Ok(Sheet { name, rows })
}

/// "C" for the third column.
fn column_letter(index: usize) -> String {
    let mut n = index + 1;
    let mut s = Vec::new();
    while n > 0 {
        s.push(b'A' + ((n - 1) % 26) as u8);
        n = (n - 1) / 26;
    }
    s.reverse();
    String::from_utf8(s).expect("ASCII letters")
}

fn parse_rows(path: &Path, sheet: &Sheet) -> Result<Vec<SheetStaff>, InputError> {
    let mut rows = sheet
        .rows
        .iter()
        .filter(|(_, cells)| cells.iter().any(|c| !c.trim().is_empty()));
    let Some((header_row, header)) = rows.next() else {
        return Err(InputError::new(
            path,
            format!("sheet {}", sheet.name),
            "the sheet is empty: expected a header row (ID/工号, name/姓名, grade/级别, team/班组, lead/组长, job/岗位)",
        ));
    };
    let mut columns: BTreeMap<Column, (usize, String)> = BTreeMap::new();
    for (i, text) in header.iter().enumerate() {
        let place = || {
            format!(
                "sheet {}, row {header_row}, column {}",
                sheet.name,
                column_letter(i)
            )
        };
        match Column::of_header(text) {
            Some(c) if columns.contains_key(&c) => {
                return Err(InputError::new(
                    path,
                    place(),
                    format!("`{}` repeats the column `{}`", text.trim(), columns[&c].1),
                ));
            }
            Some(c) => {
                columns.insert(c, (i, text.trim().to_string()));
            }
            None if text.trim().is_empty() => {}
            None => {
                return Err(InputError::new(
                    path,
                    place(),
                    format!(
                        "unknown column `{}` (expected ID/工号, name/姓名, grade/级别, team/班组, lead/组长, job/岗位)",
                        text.trim()
                    ),
                ));
            }
        }
    }
    for needed in [Column::Id, Column::Grade] {
        if !columns.contains_key(&needed) {
            return Err(InputError::new(
                path,
                format!("sheet {}, row {header_row}", sheet.name),
                format!("no `{}` column", needed.headers().join("` or `")),
            ));
        }
    }
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for (row, cells) in rows {
        let cell = |c: Column| -> Option<(String, String)> {
            let (i, header) = columns.get(&c)?;
            let place = format!(
                "sheet {}, row {row}, column {} ({header})",
                sheet.name,
                column_letter(*i)
            );
            Some((
                place,
                cells
                    .get(*i)
                    .map(|s| s.trim().to_string())
                    .unwrap_or_default(),
            ))
        };
        let fault = |place: String, msg: String| InputError::new(path, place, msg);
        let (place, id) = cell(Column::Id).expect("checked above");
        if id.is_empty() {
            return Err(fault(place, "the ID is empty".into()));
        }
        if !seen.insert(id.clone()) {
            return Err(fault(place, format!("ID `{id}` appears twice")));
        }
        let (place, grade) = cell(Column::Grade).expect("checked above");
        let grade = parse_grade(&grade).ok_or_else(|| {
            fault(
                place,
                format!("unknown grade `{grade}` (junior/初级, intermediate/中级 or senior/高级)"),
            )
        })?;
        let lead = match cell(Column::Lead) {
            None => false,
            Some((place, text)) => parse_yes_no(&text).ok_or_else(|| {
                fault(
                    place,
                    format!("`{text}` is not yes or no (是/否, yes/no, 1/0)"),
                )
            })?,
        };
        let text_of = |c: Column| cell(c).map(|(_, t)| t).filter(|t| !t.is_empty());
        out.push(SheetStaff {
            id,
            name: text_of(Column::Name).unwrap_or_default(),
            grade,
            team: text_of(Column::Team),
            lead,
            job: text_of(Column::Job).unwrap_or_else(|| "agent".into()),
        });
    }
    if out.is_empty() {
        return Err(InputError::new(
            path,
            format!("sheet {}", sheet.name),
            "the sheet has a header but no staff",
        ));
    }
    Ok(out)
}

fn parse_grade(text: &str) -> Option<Grade> {
    match text.trim() {
        "初级" => Some(Grade::Junior),
        "中级" => Some(Grade::Intermediate),
        "高级" => Some(Grade::Senior),
        t => Grade::parse(&t.to_lowercase()),
    }
}

/// An empty lead cell is "no": most people are not leads.
fn parse_yes_no(text: &str) -> Option<bool> {
    match text.trim().to_lowercase().as_str() {
        "" | "no" | "n" | "false" | "0" | "否" | "×" => Some(false),
        "yes" | "y" | "true" | "1" | "是" | "√" | "✓" => Some(true),
        _ => None,
    }
}

/// The centre a sheet alone gives no answer for (documented in docs/contract.md): three
/// 8-hour shifts, one seat type anyone may sit, and rules at their defaults.
const DEFAULT_CENTRE: &str = r#"
[calendar]
country = "CN"

[[shift]]
code = "D"
name = "日班"
start = "08:00"
end = "16:00"

[[shift]]
code = "E"
name = "中班"
start = "16:00"
end = "24:00"

[[shift]]
code = "N"
name = "夜班"
start = "00:00"
end = "08:00"
night = true

[[seat]]
code = "189"
name = "业务受理"
min_grade = "junior"
"#;

/// A scenario for `month` with the sheet's staff: the centre from `from` (a scenario's
/// text) with its dated rows kept where they fall in the month and its rows about people
/// no longer on the sheet dropped, or else the documented defaults.
pub fn new_scenario(
    staff: &[SheetStaff],
    month: Month,
    from: Option<&str>,
    from_path: &Path,
) -> Result<Table, InputError> {
    let mut table: Table = match from {
        Some(text) => toml::from_str(text).map_err(|e| {
            InputError::new(
                from_path,
                "",
                format!("cannot read the scenario as TOML: {e}"),
            )
        })?,
        None => {
            let mut t: Table = toml::from_str(DEFAULT_CENTRE).expect("the default centre is TOML");
            t.insert(
                "name".into(),
                Value::String(format!("{}年{}月", month.year, month.month)),
            );
            t.insert("demand".into(), default_demand(staff.len()));
            if !staff.iter().any(|s| s.lead) {
                let mut rules = Table::new();
                rules.insert("leads_per_shift".into(), Value::Integer(0));
                t.insert("rules".into(), Value::Table(rules));
            }
            t
        }
    };
    let old_month = table
        .get("month")
        .and_then(Value::as_str)
        .and_then(Month::parse);
    table.insert("month".into(), Value::String(month.to_string()));
    if let (Some(old), Some(Value::String(name))) = (old_month, table.get("name")) {
        let renamed = super::next::rename_for(name, old, month);
        table.insert("name".into(), Value::String(renamed));
    }
    let old_staff = match table.remove("staff") {
        Some(Value::Array(rows)) => rows,
        _ => Vec::new(),
    };
    table.insert("staff".into(), staff_rows(staff, &old_staff));
    table.insert("team".into(), team_rows(staff, table.get("team")));
    let ids: BTreeSet<&str> = staff.iter().map(|s| s.id.as_str()).collect();
    super::next::carry_calendar(&mut table, month);
    for key in ["demand_override", "request", "event"] {
        super::next::keep_dated(&mut table, key, "date", month);
    }
    super::next::keep_leave(&mut table, Vec::new(), month);
    // Without the month before's roster, nothing of it is known.
    table.remove("history");
    table.remove("prior");
    for key in ["leave", "request"] {
        if let Some(Value::Array(rows)) = table.get_mut(key) {
            rows.retain(|r| {
                r.get("staff")
                    .and_then(Value::as_str)
                    .is_some_and(|s| ids.contains(s))
            });
        }
    }
    if let Some(Value::Array(events)) = table.get_mut("event") {
        for e in events.iter_mut() {
            if let Some(Value::Array(who)) = e.get_mut("attendees") {
                who.retain(|w| w.as_str().is_some_and(|s| ids.contains(s)));
            }
        }
    }
    Ok(table)
}

/// Seats per shift when nothing says: about a fifth of the staff on each of three shifts,
/// which leaves everyone two days off a week.
fn default_demand(people: usize) -> Value {
    let heads = (people / 5).max(1) as i64;
    let rows = ["D", "E", "N"]
        .into_iter()
        .map(|shift| {
            let mut t = Table::new();
            t.insert("shift".into(), Value::String(shift.into()));
            t.insert("seat".into(), Value::String("189".into()));
            for day in ["weekday", "weekend", "holiday"] {
                t.insert(day.into(), Value::Integer(heads));
            }
            Value::Table(t)
        })
        .collect();
    Value::Array(rows)
}

/// The sheet's people; a person the old scenario knew keeps their own min/max shifts.
fn staff_rows(staff: &[SheetStaff], old: &[Value]) -> Value {
    let rows = staff
        .iter()
        .map(|s| {
            let mut t = Table::new();
            t.insert("id".into(), Value::String(s.id.clone()));
            if !s.name.is_empty() {
                t.insert("name".into(), Value::String(s.name.clone()));
            }
            t.insert("grade".into(), Value::String(s.grade.name().into()));
            if let Some(team) = &s.team {
                t.insert("team".into(), Value::String(team.clone()));
            }
            t.insert("lead".into(), Value::Boolean(s.lead));
            t.insert("job".into(), Value::String(s.job.clone()));
            let before = old
                .iter()
                .find(|o| o.get("id").and_then(Value::as_str) == Some(&s.id));
            for key in ["min_shifts", "max_shifts"] {
                if let Some(v) = before.and_then(|o| o.get(key)) {
                    t.insert(key.into(), v.clone());
                }
            }
            Value::Table(t)
        })
        .collect();
    Value::Array(rows)
}

/// The teams the sheet names, in order of first mention: an old team keeps its name and
/// its lead while the lead is still on the team; otherwise the team's first lead leads it.
fn team_rows(staff: &[SheetStaff], old: Option<&Value>) -> Value {
    let old: Vec<&Value> = old
        .and_then(Value::as_array)
        .map(|a| a.iter().collect())
        .unwrap_or_default();
    let mut codes: Vec<&str> = Vec::new();
    for s in staff {
        if let Some(t) = &s.team
            && !codes.contains(&t.as_str())
        {
            codes.push(t);
        }
    }
    let rows = codes
        .into_iter()
        .map(|code| {
            let members: Vec<&SheetStaff> = staff
                .iter()
                .filter(|s| s.team.as_deref() == Some(code))
                .collect();
            let before = old
                .iter()
                .find(|o| o.get("code").and_then(Value::as_str) == Some(code));
            let mut t = Table::new();
            t.insert("code".into(), Value::String(code.into()));
            if let Some(name) = before.and_then(|o| o.get("name")) {
                t.insert("name".into(), name.clone());
            }
            let old_lead = before
                .and_then(|o| o.get("lead"))
                .and_then(Value::as_str)
                .filter(|l| members.iter().any(|m| m.id == *l));
            let lead = old_lead.or_else(|| members.iter().find(|m| m.lead).map(|m| m.id.as_str()));
            if let Some(lead) = lead {
                t.insert("lead".into(), Value::String(lead.into()));
            }
            Value::Table(t)
        })
        .collect();
    Value::Array(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters_run_past_z() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
    }

    #[test]
    fn headers_are_found_in_either_language() {
        assert_eq!(Column::of_header(" 工号 "), Some(Column::Id));
        assert_eq!(Column::of_header("Grade"), Some(Column::Grade));
        assert_eq!(Column::of_header("组长"), Some(Column::Lead));
        assert_eq!(Column::of_header("salary"), None);
    }
}
