//! The stable rule IDs of docs/rules.md, as one closed set: a misspelt ID does not compile.
//! Each serialises, displays and sorts as its written form (`ROSTER-REST`), exactly as the
//! plain strings did before.

use serde::{Serialize, Serializer};

/// Every rule ID: the roster rules (`rules`), the leave rules and the swap rules (`whatif`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RuleId {
    RosterOne,
    RosterRest,
    RosterCover,
    RosterLead,
    RosterGrade,
    RosterLeave,
    RosterConsec,
    RosterLoad,
    RosterEvent,
    LeaveNotice,
    LeaveApprover,
    LeaveProxy,
    LeaveCert,
    LeaveNight,
    LeaveHoliday,
    LeaveSwapped,
    SwapNoop,
    SwapSkill,
    SwapApproval,
    SwapLimit,
    SwapConsec,
    SwapRest,
    SwapLeave,
    SwapHoliday,
    SwapRoster,
}

impl RuleId {
    /// Every ID, roster rules first, each family in the order of docs/rules.md.
    pub const ALL: [RuleId; 25] = [
        RuleId::RosterOne,
        RuleId::RosterRest,
        RuleId::RosterCover,
        RuleId::RosterLead,
        RuleId::RosterGrade,
        RuleId::RosterLeave,
        RuleId::RosterConsec,
        RuleId::RosterLoad,
        RuleId::RosterEvent,
        RuleId::LeaveNotice,
        RuleId::LeaveApprover,
        RuleId::LeaveProxy,
        RuleId::LeaveCert,
        RuleId::LeaveNight,
        RuleId::LeaveHoliday,
        RuleId::LeaveSwapped,
        RuleId::SwapNoop,
        RuleId::SwapSkill,
        RuleId::SwapApproval,
        RuleId::SwapLimit,
        RuleId::SwapConsec,
        RuleId::SwapRest,
        RuleId::SwapLeave,
        RuleId::SwapHoliday,
        RuleId::SwapRoster,
    ];

    /// The ID as docs/rules.md writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            RuleId::RosterOne => "ROSTER-ONE",
            RuleId::RosterRest => "ROSTER-REST",
            RuleId::RosterCover => "ROSTER-COVER",
            RuleId::RosterLead => "ROSTER-LEAD",
            RuleId::RosterGrade => "ROSTER-GRADE",
            RuleId::RosterLeave => "ROSTER-LEAVE",
            RuleId::RosterConsec => "ROSTER-CONSEC",
            RuleId::RosterLoad => "ROSTER-LOAD",
            RuleId::RosterEvent => "ROSTER-EVENT",
            RuleId::LeaveNotice => "LEAVE-NOTICE",
            RuleId::LeaveApprover => "LEAVE-APPROVER",
            RuleId::LeaveProxy => "LEAVE-PROXY",
            RuleId::LeaveCert => "LEAVE-CERT",
            RuleId::LeaveNight => "LEAVE-NIGHT",
            RuleId::LeaveHoliday => "LEAVE-HOLIDAY",
            RuleId::LeaveSwapped => "LEAVE-SWAPPED",
            RuleId::SwapNoop => "SWAP-NOOP",
            RuleId::SwapSkill => "SWAP-SKILL",
            RuleId::SwapApproval => "SWAP-APPROVAL",
            RuleId::SwapLimit => "SWAP-LIMIT",
            RuleId::SwapConsec => "SWAP-CONSEC",
            RuleId::SwapRest => "SWAP-REST",
            RuleId::SwapLeave => "SWAP-LEAVE",
            RuleId::SwapHoliday => "SWAP-HOLIDAY",
            RuleId::SwapRoster => "SWAP-ROSTER",
        }
    }

    /// The ID written as docs/rules.md writes it, if it is one.
    pub fn parse(text: &str) -> Option<RuleId> {
        RuleId::ALL.into_iter().find(|id| id.as_str() == text)
    }
}

impl std::fmt::Display for RuleId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for RuleId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// Reports sort violations by their written ID, so the order stays what it was when the IDs
/// were strings.
impl Ord for RuleId {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl PartialOrd for RuleId {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_id_is_written_once_and_reads_back() {
        let written: std::collections::BTreeSet<&str> =
            RuleId::ALL.iter().map(|id| id.as_str()).collect();
        assert_eq!(written.len(), RuleId::ALL.len());
        for id in RuleId::ALL {
            assert_eq!(RuleId::parse(id.as_str()), Some(id));
            assert_eq!(id.to_string(), id.as_str());
            assert_eq!(
                serde_json::to_string(&id).unwrap(),
                format!("\"{}\"", id.as_str())
            );
        }
        assert_eq!(RuleId::parse("ROSTER-RESTS"), None);
    }

    #[test]
    fn order_is_the_written_order() {
        for a in RuleId::ALL {
            for b in RuleId::ALL {
                assert_eq!(a.cmp(&b), a.as_str().cmp(b.as_str()));
            }
        }
    }
}
