//! The Curtois & Qu text format: `SECTION_<NAME>` headers, `#` comments, comma-separated
//! fields, CRLF or LF line ends. Every identifier is resolved to an index here, so the
//! evaluator and the model work on plain numbers and never meet an unknown name.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Bad input, with where it is: the file, the 1-based line (0 when the fault is the file as
/// a whole) and what is wrong.
#[derive(Debug, thiserror::Error)]
pub enum NrpError {
    #[error("{}: line {line}: {fault}", path.display())]
    Input {
        path: PathBuf,
        line: usize,
        fault: String,
    },
    #[error("{}: {fault}", path.display())]
    File { path: PathBuf, fault: String },
}

/// One shift type.
#[derive(Debug, Clone, PartialEq)]
pub struct ShiftType {
    pub id: String,
    pub minutes: u32,
    /// Shift types (indices) that may not be worked the day after this one.
    pub forbidden_next: Vec<usize>,
}

/// One person's contract.
#[derive(Debug, Clone, PartialEq)]
pub struct Staff {
    pub id: String,
    /// Per shift type (index): the most shifts of that type in the horizon.
    pub max_shifts: Vec<u32>,
    pub max_total_minutes: u32,
    pub min_total_minutes: u32,
    pub max_consecutive_shifts: u32,
    pub min_consecutive_shifts: u32,
    pub min_consecutive_days_off: u32,
    pub max_weekends: u32,
}

/// A shift-on or shift-off request: person, day, shift type, weight.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Request {
    pub staff: usize,
    pub day: usize,
    pub shift: usize,
    pub weight: u32,
}

/// How many people a shift type needs on a day, and the price of missing it either way.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cover {
    pub day: usize,
    pub shift: usize,
    pub requirement: u32,
    pub under_weight: u32,
    pub over_weight: u32,
}

/// A whole instance, every name resolved to an index.
#[derive(Debug, Clone, PartialEq)]
pub struct Instance {
    /// Days in the horizon; day 0 is a Monday.
    pub horizon: usize,
    pub shifts: Vec<ShiftType>,
    pub staff: Vec<Staff>,
    /// Per person, per day: the person must not work.
    pub days_off: Vec<Vec<bool>>,
    pub shift_on: Vec<Request>,
    pub shift_off: Vec<Request>,
    pub cover: Vec<Cover>,
}

/// A roster: per person (file order), per day, the shift type worked or `None` for a day off.
pub type Assignment = Vec<Vec<Option<usize>>>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Section {
    Horizon,
    Shifts,
    Staff,
    DaysOff,
    ShiftOn,
    ShiftOff,
    Cover,
}

impl Section {
    fn from_header(name: &str) -> Option<Section> {
        Some(match name {
            "SECTION_HORIZON" => Section::Horizon,
            "SECTION_SHIFTS" => Section::Shifts,
            "SECTION_STAFF" => Section::Staff,
            "SECTION_DAYS_OFF" => Section::DaysOff,
            "SECTION_SHIFT_ON_REQUESTS" => Section::ShiftOn,
            "SECTION_SHIFT_OFF_REQUESTS" => Section::ShiftOff,
            "SECTION_COVER" => Section::Cover,
            _ => return None,
        })
    }
}

impl Instance {
    pub fn load(path: &Path) -> Result<Instance, NrpError> {
        let text = std::fs::read_to_string(path).map_err(|e| NrpError::File {
            path: path.to_path_buf(),
            fault: format!("cannot read: {e}"),
        })?;
        Instance::parse(&text, path)
    }

    /// Parses the text of an instance; `path` only names the file in errors. Sections come
    /// in any order; each is read after those whose IDs it names.
    pub fn parse(text: &str, path: &Path) -> Result<Instance, NrpError> {
        let mut r = Reader::split(text, path)?;
        r.read_horizon()?;
        let shifts = r.read_shifts()?;
        let staff = r.read_staff(shifts.len())?;
        Ok(Instance {
            horizon: r.horizon,
            days_off: r.read_days_off(staff.len())?,
            shift_on: r.read_requests(Section::ShiftOn)?,
            shift_off: r.read_requests(Section::ShiftOff)?,
            cover: r.read_cover(&shifts)?,
            shifts,
            staff,
        })
    }

    /// Reads a roster as a TAB grid (one line per staff ID, then one field per day, the
    /// shift ID or empty for a day off); `path` only names the file in errors.
    pub fn parse_grid(&self, text: &str, path: &Path) -> Result<Assignment, NrpError> {
        let err = |line: usize, fault: String| NrpError::Input {
            path: path.to_path_buf(),
            line,
            fault,
        };
        let mut roster: Assignment = vec![vec![None; self.horizon]; self.staff.len()];
        let mut given = vec![false; self.staff.len()];
        for (i, raw) in text.lines().enumerate() {
            let n = i + 1;
            let line = raw.trim_end_matches('\r');
            if line.trim().is_empty() {
                continue;
            }
            let f: Vec<&str> = line.split('\t').collect();
            let e = self
                .staff
                .iter()
                .position(|s| s.id == f[0].trim())
                .ok_or_else(|| err(n, format!("unknown staff {}", f[0])))?;
            if std::mem::replace(&mut given[e], true) {
                return Err(err(n, format!("staff {} appears twice", f[0])));
            }
            if f.len() - 1 != self.horizon {
                return Err(err(
                    n,
                    format!(
                        "{} day fields, the horizon has {} days",
                        f.len() - 1,
                        self.horizon
                    ),
                ));
            }
            for (d, cell) in f[1..].iter().enumerate() {
                let cell = cell.trim();
                if cell.is_empty() {
                    continue;
                }
                let k = self
                    .shifts
                    .iter()
                    .position(|s| s.id == cell)
                    .ok_or_else(|| err(n, format!("day {d}: unknown shift {cell}")))?;
                roster[e][d] = Some(k);
            }
        }
        if let Some(e) = given.iter().position(|g| !g) {
            return Err(NrpError::File {
                path: path.to_path_buf(),
                fault: format!("no line for staff {}", self.staff[e].id),
            });
        }
        Ok(roster)
    }

    /// The roster as the TAB grid that `parse_grid` reads, one line per person in file order.
    pub fn grid(&self, roster: &Assignment) -> String {
        let mut out = String::new();
        for (e, s) in self.staff.iter().enumerate() {
            out.push_str(&s.id);
            for cell in &roster[e] {
                out.push('\t');
                if let Some(k) = *cell {
                    out.push_str(&self.shifts[k].id);
                }
            }
            out.push('\n');
        }
        out
    }
}

/// An instance being read: each section's lines (with their line numbers), and the shift
/// and staff IDs read so far, which later sections name.
struct Reader<'a> {
    path: &'a Path,
    sections: Vec<(Section, Vec<(usize, &'a str)>)>,
    shift_index: HashMap<&'a str, usize>,
    staff_index: HashMap<&'a str, usize>,
    horizon: usize,
}

impl<'a> Reader<'a> {
    /// Splits the text into its sections; every section the objective needs must be there.
    fn split(text: &'a str, path: &'a Path) -> Result<Reader<'a>, NrpError> {
        let mut r = Reader {
            path,
            sections: Vec::new(),
            shift_index: HashMap::new(),
            staff_index: HashMap::new(),
            horizon: 0,
        };
        for (i, raw) in text.lines().enumerate() {
            let line_no = i + 1;
            let line = raw.trim_end_matches('\r').trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if line.starts_with("SECTION_") {
                let section = Section::from_header(line)
                    .ok_or_else(|| r.err(line_no, format!("unknown section {line}")))?;
                if r.sections.iter().any(|(k, _)| *k == section) {
                    return Err(r.err(line_no, format!("{line} appears twice")));
                }
                r.sections.push((section, Vec::new()));
                continue;
            }
            match r.sections.last_mut() {
                Some((_, lines)) => lines.push((line_no, line)),
                None => {
                    return Err(r.err(line_no, format!("data before any SECTION_ header: {line}")));
                }
            }
        }
        for (s, name) in [
            (Section::Horizon, "SECTION_HORIZON"),
            (Section::Shifts, "SECTION_SHIFTS"),
            (Section::Staff, "SECTION_STAFF"),
            (Section::Cover, "SECTION_COVER"),
        ] {
            if !r.sections.iter().any(|(k, _)| *k == s) {
                return Err(r.file_err(format!("no {name} section")));
            }
        }
        Ok(r)
    }

    fn err(&self, line: usize, fault: String) -> NrpError {
        NrpError::Input {
            path: self.path.to_path_buf(),
            line,
            fault,
        }
    }

    fn file_err(&self, fault: impl Into<String>) -> NrpError {
        NrpError::File {
            path: self.path.to_path_buf(),
            fault: fault.into(),
        }
    }

    fn lines_of(&self, s: Section) -> Vec<(usize, &'a str)> {
        self.sections
            .iter()
            .find(|(k, _)| *k == s)
            .map_or_else(Vec::new, |(_, l)| l.clone())
    }

    fn read_horizon(&mut self) -> Result<(), NrpError> {
        self.horizon = match self.lines_of(Section::Horizon).as_slice() {
            [(n, l)] => {
                let h: usize = number(l, "the horizon").map_err(|f| self.err(*n, f))?;
                if h == 0 {
                    return Err(self.err(*n, "the horizon must be at least one day".into()));
                }
                h
            }
            [] => return Err(self.file_err("SECTION_HORIZON holds no number of days")),
            [_, (n, l), ..] => {
                return Err(self.err(
                    *n,
                    format!("SECTION_HORIZON holds one number; extra line {l}"),
                ));
            }
        };
        Ok(())
    }

    /// IDs first, then the forbidden successions, which may name later shifts.
    fn read_shifts(&mut self) -> Result<Vec<ShiftType>, NrpError> {
        let mut shift_fields = Vec::new();
        for (n, l) in self.lines_of(Section::Shifts) {
            let f = fields(l, 3, "ShiftID,Minutes,Forbidden").map_err(|e| self.err(n, e))?;
            let id = identifier(f[0], "shift ID").map_err(|e| self.err(n, e))?;
            if self.shift_index.insert(id, shift_fields.len()).is_some() {
                return Err(self.err(n, format!("shift {id} is defined twice")));
            }
            shift_fields.push((n, f));
        }
        if shift_fields.is_empty() {
            return Err(self.file_err("SECTION_SHIFTS defines no shift"));
        }
        let mut shifts = Vec::new();
        for (n, f) in &shift_fields {
            let minutes: u32 = number(f[1], "Minutes").map_err(|e| self.err(*n, e))?;
            let mut forbidden_next = Vec::new();
            for id in f[2].split('|').map(str::trim).filter(|s| !s.is_empty()) {
                forbidden_next.push(self.shift_of(*n, id)?);
            }
            shifts.push(ShiftType {
                id: f[0].to_string(),
                minutes,
                forbidden_next,
            });
        }
        Ok(shifts)
    }

    fn read_staff(&mut self, shift_types: usize) -> Result<Vec<Staff>, NrpError> {
        let mut staff = Vec::new();
        for (n, l) in self.lines_of(Section::Staff) {
            let f = fields(
                l,
                8,
                "ID,MaxShifts,MaxTotalMinutes,MinTotalMinutes,MaxConsecutiveShifts,\
                 MinConsecutiveShifts,MinConsecutiveDaysOff,MaxWeekends",
            )
            .map_err(|e| self.err(n, e))?;
            let id = identifier(f[0], "staff ID").map_err(|e| self.err(n, e))?;
            if self.staff_index.insert(id, staff.len()).is_some() {
                return Err(self.err(n, format!("staff {id} is defined twice")));
            }
            // A type the contract does not name is not limited by it.
            let mut max_shifts = vec![u32::MAX; shift_types];
            for pair in f[1].split('|').map(str::trim).filter(|s| !s.is_empty()) {
                let (sid, limit) = pair.split_once('=').ok_or_else(|| {
                    self.err(n, format!("MaxShifts entry {pair} is not ShiftID=limit"))
                })?;
                let k = self.shift_of(n, sid.trim())?;
                max_shifts[k] = number(limit, "a MaxShifts limit").map_err(|e| self.err(n, e))?;
            }
            let num = |i: usize, what: &str| number::<u32>(f[i], what).map_err(|e| self.err(n, e));
            let s = Staff {
                id: id.to_string(),
                max_shifts,
                max_total_minutes: num(2, "MaxTotalMinutes")?,
                min_total_minutes: num(3, "MinTotalMinutes")?,
                max_consecutive_shifts: num(4, "MaxConsecutiveShifts")?,
                min_consecutive_shifts: num(5, "MinConsecutiveShifts")?,
                min_consecutive_days_off: num(6, "MinConsecutiveDaysOff")?,
                max_weekends: num(7, "MaxWeekends")?,
            };
            if s.min_total_minutes > s.max_total_minutes {
                return Err(self.err(
                    n,
                    format!(
                        "MinTotalMinutes {} is above MaxTotalMinutes {}",
                        s.min_total_minutes, s.max_total_minutes
                    ),
                ));
            }
            staff.push(s);
        }
        if staff.is_empty() {
            return Err(self.file_err("SECTION_STAFF defines no one"));
        }
        Ok(staff)
    }

    fn shift_of(&self, n: usize, id: &str) -> Result<usize, NrpError> {
        self.shift_index
            .get(id)
            .copied()
            .ok_or_else(|| self.err(n, format!("unknown shift {id}")))
    }

    fn staff_of(&self, n: usize, id: &str) -> Result<usize, NrpError> {
        self.staff_index
            .get(id)
            .copied()
            .ok_or_else(|| self.err(n, format!("unknown staff {id}")))
    }

    fn day_of(&self, n: usize, s: &str) -> Result<usize, NrpError> {
        let horizon = self.horizon;
        let d: usize = number(s, "a day").map_err(|e| self.err(n, e))?;
        if d >= horizon {
            return Err(self.err(
                n,
                format!("day {d} is outside the horizon of {horizon} days (0..{horizon})"),
            ));
        }
        Ok(d)
    }

    fn read_days_off(&self, staff: usize) -> Result<Vec<Vec<bool>>, NrpError> {
        let mut days_off = vec![vec![false; self.horizon]; staff];
        for (n, l) in self.lines_of(Section::DaysOff) {
            let f: Vec<&str> = l.split(',').map(str::trim).collect();
            let e = self.staff_of(n, f[0])?;
            for d in f[1..].iter().filter(|s| !s.is_empty()) {
                days_off[e][self.day_of(n, d)?] = true;
            }
        }
        Ok(days_off)
    }

    fn read_requests(&self, section: Section) -> Result<Vec<Request>, NrpError> {
        let mut out = Vec::new();
        for (n, l) in self.lines_of(section) {
            let f = fields(l, 4, "EmployeeID,Day,ShiftID,Weight").map_err(|e| self.err(n, e))?;
            out.push(Request {
                staff: self.staff_of(n, f[0])?,
                day: self.day_of(n, f[1])?,
                shift: self.shift_of(n, f[2])?,
                weight: number(f[3], "Weight").map_err(|e| self.err(n, e))?,
            });
        }
        Ok(out)
    }

    fn read_cover(&self, shifts: &[ShiftType]) -> Result<Vec<Cover>, NrpError> {
        let mut cover = Vec::new();
        let mut covered = vec![vec![false; shifts.len()]; self.horizon];
        for (n, l) in self.lines_of(Section::Cover) {
            let f = fields(l, 5, "Day,ShiftID,Requirement,UnderWeight,OverWeight")
                .map_err(|e| self.err(n, e))?;
            let c = Cover {
                day: self.day_of(n, f[0])?,
                shift: self.shift_of(n, f[1])?,
                requirement: number(f[2], "Requirement").map_err(|e| self.err(n, e))?,
                under_weight: number(f[3], "UnderWeight").map_err(|e| self.err(n, e))?,
                over_weight: number(f[4], "OverWeight").map_err(|e| self.err(n, e))?,
            };
            if std::mem::replace(&mut covered[c.day][c.shift], true) {
                return Err(self.err(
                    n,
                    format!(
                        "a second cover row for day {} shift {}",
                        c.day, shifts[c.shift].id
                    ),
                ));
            }
            cover.push(c);
        }
        Ok(cover)
    }
}

fn fields<'a>(line: &'a str, count: usize, columns: &str) -> Result<Vec<&'a str>, String> {
    let f: Vec<&str> = line.split(',').map(str::trim).collect();
    if f.len() != count {
        return Err(format!(
            "{} fields where {count} are expected ({columns}): {line}",
            f.len()
        ));
    }
    Ok(f)
}

fn identifier<'a>(s: &'a str, what: &str) -> Result<&'a str, String> {
    if s.is_empty() {
        Err(format!("empty {what}"))
    } else {
        Ok(s)
    }
}

fn number<T: std::str::FromStr>(s: &str, what: &str) -> Result<T, String> {
    let t = s.trim();
    // A negative zero is zero: Instance15.txt's cover has a requirement written "-0".
    let t = match t.strip_prefix('-') {
        Some(digits) if !digits.is_empty() && digits.bytes().all(|b| b == b'0') => digits,
        _ => t,
    };
    t.parse()
        .map_err(|_| format!("{what} is not a non-negative whole number: {s:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const INSTANCE1: &str = include_str!("../../tests/data/curtois/Instance1.txt");
    const INSTANCE3: &str = include_str!("../../tests/data/curtois/Instance3.txt");

    fn parse(text: &str) -> Result<Instance, NrpError> {
        Instance::parse(text, Path::new("t.txt"))
    }

    #[test]
    fn nrp_reads_a_negative_zero_as_zero_and_refuses_other_negatives() {
        assert_eq!(number::<u32>("-0", "Requirement"), Ok(0));
        assert_eq!(number::<u32>(" -000 ", "Requirement"), Ok(0));
        assert!(number::<u32>("-1", "Requirement").is_err());
        assert!(number::<u32>("-", "Requirement").is_err());
    }

    #[test]
    fn nrp_reads_every_section_of_instance3() {
        let inst = parse(INSTANCE3).unwrap();
        assert_eq!(inst.horizon, 14);
        assert_eq!(inst.staff.len(), 20);
        let ids: Vec<&str> = inst.shifts.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, ["E", "D", "L"]);
        // L forbids E and D the next day.
        assert_eq!(inst.shifts[2].forbidden_next, vec![0, 1]);
        assert!(inst.shifts[0].forbidden_next.is_empty());
        let a = &inst.staff[0];
        assert_eq!(a.id, "A");
        assert_eq!(a.max_shifts, vec![14, 14, 0]);
        assert_eq!(
            (
                a.max_total_minutes,
                a.min_total_minutes,
                a.max_consecutive_shifts,
                a.min_consecutive_shifts,
                a.min_consecutive_days_off,
                a.max_weekends
            ),
            (4320, 3360, 5, 2, 2, 1)
        );
        assert_eq!(inst.days_off.iter().flatten().filter(|&&o| o).count(), 20);
        assert_eq!(inst.shift_on.len(), 39);
        assert_eq!(inst.shift_off.len(), 25);
        assert_eq!(inst.cover.len(), 42);
    }

    #[test]
    fn nrp_crlf_and_lf_read_the_same() {
        let lf = INSTANCE1.replace("\r\n", "\n");
        let crlf = lf.replace('\n', "\r\n");
        assert!(crlf.contains("\r\n"));
        assert_eq!(parse(&lf).unwrap(), parse(&crlf).unwrap());
        let inst = parse(&crlf).unwrap();
        assert_eq!(inst.shift_on[0].weight, 2);
        assert_eq!(inst.cover[1].requirement, 7);
    }

    #[test]
    fn nrp_malformed_line_names_file_line_and_fault() {
        let lf = INSTANCE1.replace("\r\n", "\n");
        // The staff line of A loses a field.
        let bad = lf.replacen("A,D=14,4320,3360,5,2,2,1", "A,D=14,4320,3360,5,2,2", 1);
        let line = lf.lines().position(|l| l.starts_with("A,D=14")).unwrap() + 1;
        let msg = parse(&bad).unwrap_err().to_string();
        assert!(
            msg.starts_with(&format!("t.txt: line {line}: 7 fields")),
            "{msg}"
        );
    }

    #[test]
    fn nrp_bad_references_and_numbers_are_caught() {
        let lf = INSTANCE1.replace("\r\n", "\n");
        let cases = [
            ("0,D,5,100,1", "0,X,5,100,1", "unknown shift X"),
            ("A,2,D,2", "Z,2,D,2", "unknown staff Z"),
            ("A,2,D,2", "A,14,D,2", "outside the horizon"),
            ("A,2,D,2", "A,2,D,two", "Weight is not"),
            ("D,480,", "D,480,Q", "unknown shift Q"),
            ("SECTION_COVER", "SECTION_COVERS", "unknown section"),
        ];
        for (from, to, fault) in cases {
            let bad = lf.replacen(from, to, 1);
            let msg = parse(&bad).unwrap_err().to_string();
            assert!(msg.contains(fault) && msg.contains("line "), "{to}: {msg}");
        }
        let msg = parse("").unwrap_err().to_string();
        assert!(msg.contains("no SECTION_HORIZON"), "{msg}");
    }

    #[test]
    fn nrp_grid_round_trips() {
        let inst = parse(INSTANCE3).unwrap();
        let text = include_str!("../../tests/data/curtois/solutions/Instance3.1001.tsv");
        let roster = inst.parse_grid(text, Path::new("s.tsv")).unwrap();
        assert_eq!(inst.grid(&roster), text.replace("\r\n", "\n"));
    }
}
