//! Roles and permissions. Every operation names the permission it needs in the operation
//! registry (`ops.rs`); the check happens in core before the operation runs.
//!
//! The six built-in roles are templates ([`Role::allows`] is their starting matrix); each is a
//! row of `roles` that a centre may change, and a centre makes roles of its own from the
//! permission list ([`store`]). A session carries its role's [`Permissions`].

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use specta::Type;

pub mod store;
pub use store::{RoleCreateArgs, RoleInfo, RoleUpdateArgs};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Type, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Owner,
    Admin,
    Manager,
    Reception,
    Instructor,
    Accountant,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Role::Owner,
        Role::Admin,
        Role::Manager,
        Role::Reception,
        Role::Instructor,
        Role::Accountant,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Admin => "admin",
            Role::Manager => "manager",
            Role::Reception => "reception",
            Role::Instructor => "instructor",
            Role::Accountant => "accountant",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// The built-in role's name as first stored (screens translate built-in roles by key).
    pub fn default_name(self) -> &'static str {
        match self {
            Role::Owner => "Owner",
            Role::Admin => "Administrator",
            Role::Manager => "Manager",
            Role::Reception => "Reception",
            Role::Instructor => "Instructor",
            Role::Accountant => "Accountant",
        }
    }

    /// The template's permission matrix (what the built-in role starts with).
    pub fn allows(self, p: Permission) -> bool {
        use Permission::*;
        match self {
            Role::Owner | Role::Admin => true,
            Role::Manager => matches!(
                p,
                SignedIn
                    | CentreRead
                    | ClientsRead
                    | ClientsWrite
                    | ClientsMedical
                    | ClientsPhones
                    | ClientsTimeline
                    | ClientsConfigure
                    | ClientsMerge
                    | ClientsImport
                    | ClientsExport
                    | StaffRead
                    | StaffWrite
                    | AuditRead
                    | MoneyRead
                    | MoneySell
                    | MoneyRefund
                    | CashClose
                    | CatalogConfigure
                    | ScheduleRead
                    | ScheduleConfigure
                    | ScheduleWrite
                    | AttendanceMark
                    | PayRead
                    | PayConfigure
                    | CallsRead
                    | CallsMake
                    | TelephonyConfigure
                    | MessagesSend
                    | MessagingConfigure
            ),
            Role::Reception => matches!(
                p,
                SignedIn
                    | CentreRead
                    | ClientsRead
                    | ClientsWrite
                    | ClientsPhones
                    | ClientsTimeline
                    | StaffRead
                    | MoneyRead
                    | MoneySell
                    | CashClose
                    | ScheduleRead
                    | ScheduleWrite
                    | AttendanceMark
                    | CallsRead
                    | CallsMake
                    | MessagesSend
            ),
            // Instructors write observations and must see allergies and health notes, but not
            // the families' phone numbers.
            Role::Instructor => matches!(
                p,
                SignedIn
                    | CentreRead
                    | ClientsRead
                    | ClientsMedical
                    | ClientsTimeline
                    | ScheduleRead
                    | AttendanceMark
            ),
            Role::Accountant => matches!(
                p,
                SignedIn
                    | CentreRead
                    | ClientsRead
                    | ClientsExport
                    | StaffRead
                    | AuditRead
                    | MoneyRead
                    | PayRead
            ),
        }
    }

    pub fn permissions(self) -> Vec<Permission> {
        Permission::ALL
            .into_iter()
            .filter(|p| self.allows(*p))
            .collect()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Type, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    /// Any signed-in user: their own session.
    SignedIn,
    CentreRead,
    CentreWrite,
    ClientsRead,
    ClientsWrite,
    /// Read and write medical and physical notes (the API leaves them out otherwise).
    ClientsMedical,
    /// See and change clients' phone numbers and find cards by them (the API leaves them
    /// out otherwise).
    ClientsPhones,
    /// Write to a card's timeline (observations, achievements, contacts).
    ClientsTimeline,
    /// Categories, custom fields, the card layout, age bands.
    ClientsConfigure,
    /// Merge two cards into one.
    ClientsMerge,
    ClientsImport,
    ClientsExport,
    /// See staff records.
    StaffRead,
    /// Add and change staff records.
    StaffWrite,
    UsersManage,
    AuditRead,
    /// Make backups and list them.
    BackupsManage,
    /// Invoices, payments, balances, memberships, the cash journal, red flags; debts on cards.
    MoneyRead,
    /// Sell memberships and goods, issue invoices, take payments, freeze passes, cash in and out.
    MoneySell,
    /// Refunds, cancelled invoices, extended and transferred passes.
    MoneyRefund,
    /// Close the cash desk's day.
    CashClose,
    /// The catalogue, membership plans, flag thresholds and document templates.
    CatalogConfigure,
    /// See rooms, groups, the timetable and attendance.
    ScheduleRead,
    /// Set up rooms, services, groups and the timetable.
    ScheduleConfigure,
    /// Day-to-day changes to the schedule: cancel, move or substitute one class, group
    /// members, the waitlist.
    ScheduleWrite,
    /// Mark attendance and hold classes (which writes off visits), and undo that on the day.
    AttendanceMark,
    /// Instructors' pay statements and rankings.
    PayRead,
    /// Pay rules, and approving (locking) pay periods.
    PayConfigure,
    /// The call log and the missed calls to call back.
    CallsRead,
    /// Call clients from the app (click-to-call) and close call-backs.
    CallsMake,
    /// The PBX's connection and extensions.
    TelephonyConfigure,
    /// Send e-mail and SMS to clients (one, a list, a campaign).
    MessagesSend,
    /// The mail server and SMS gateway, and the message templates.
    MessagingConfigure,
}

impl Permission {
    pub const ALL: [Permission; 33] = [
        Permission::SignedIn,
        Permission::CentreRead,
        Permission::CentreWrite,
        Permission::ClientsRead,
        Permission::ClientsWrite,
        Permission::ClientsMedical,
        Permission::ClientsPhones,
        Permission::ClientsTimeline,
        Permission::ClientsConfigure,
        Permission::ClientsMerge,
        Permission::ClientsImport,
        Permission::ClientsExport,
        Permission::StaffRead,
        Permission::StaffWrite,
        Permission::UsersManage,
        Permission::AuditRead,
        Permission::BackupsManage,
        Permission::MoneyRead,
        Permission::MoneySell,
        Permission::MoneyRefund,
        Permission::CashClose,
        Permission::CatalogConfigure,
        Permission::ScheduleRead,
        Permission::ScheduleConfigure,
        Permission::ScheduleWrite,
        Permission::AttendanceMark,
        Permission::PayRead,
        Permission::PayConfigure,
        Permission::CallsRead,
        Permission::CallsMake,
        Permission::TelephonyConfigure,
        Permission::MessagesSend,
        Permission::MessagingConfigure,
    ];

    pub fn parse(s: &str) -> Option<Permission> {
        Permission::ALL.into_iter().find(|p| p.as_str() == s)
    }

    fn bit(self) -> u64 {
        1 << (Permission::ALL.iter().position(|p| *p == self).unwrap_or(0) as u32)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Permission::SignedIn => "signed_in",
            Permission::CentreRead => "centre_read",
            Permission::CentreWrite => "centre_write",
            Permission::ClientsRead => "clients_read",
            Permission::ClientsWrite => "clients_write",
            Permission::ClientsMedical => "clients_medical",
            Permission::ClientsPhones => "clients_phones",
            Permission::ClientsTimeline => "clients_timeline",
            Permission::ClientsConfigure => "clients_configure",
            Permission::ClientsMerge => "clients_merge",
            Permission::ClientsImport => "clients_import",
            Permission::ClientsExport => "clients_export",
            Permission::StaffRead => "staff_read",
            Permission::StaffWrite => "staff_write",
            Permission::UsersManage => "users_manage",
            Permission::AuditRead => "audit_read",
            Permission::BackupsManage => "backups_manage",
            Permission::MoneyRead => "money_read",
            Permission::MoneySell => "money_sell",
            Permission::MoneyRefund => "money_refund",
            Permission::CashClose => "cash_close",
            Permission::CatalogConfigure => "catalog_configure",
            Permission::ScheduleRead => "schedule_read",
            Permission::ScheduleConfigure => "schedule_configure",
            Permission::ScheduleWrite => "schedule_write",
            Permission::AttendanceMark => "attendance_mark",
            Permission::PayRead => "pay_read",
            Permission::PayConfigure => "pay_configure",
            Permission::CallsRead => "calls_read",
            Permission::CallsMake => "calls_make",
            Permission::TelephonyConfigure => "telephony_configure",
            Permission::MessagesSend => "messages_send",
            Permission::MessagingConfigure => "messaging_configure",
        }
    }
}

/// A set of permissions (what a session may do).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Permissions(u64);

impl Permissions {
    pub fn all() -> Permissions {
        Permissions::from_list(Permission::ALL)
    }

    pub fn from_list(list: impl IntoIterator<Item = Permission>) -> Permissions {
        Permissions(list.into_iter().fold(0, |acc, p| acc | p.bit()))
    }

    pub fn has(self, p: Permission) -> bool {
        self.0 & p.bit() != 0
    }

    /// Every permission of `other` is here too.
    pub fn covers(self, other: Permissions) -> bool {
        other.0 & !self.0 == 0
    }

    pub fn list(self) -> Vec<Permission> {
        Permission::ALL
            .into_iter()
            .filter(|p| self.has(*p))
            .collect()
    }

    /// From the stored JSON list (names this version does not know are left out).
    pub fn from_stored(json: &str) -> Permissions {
        let names: Vec<String> = serde_json::from_str(json).unwrap_or_default();
        Permissions::from_list(names.iter().filter_map(|n| Permission::parse(n)))
    }

    pub fn to_stored(self) -> String {
        let names: Vec<&str> = self.list().into_iter().map(Permission::as_str).collect();
        serde_json::to_string(&names).unwrap_or_else(|_| "[]".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_and_matrix_is_sane() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
            assert!(r.allows(Permission::SignedIn));
            assert!(r.allows(Permission::ClientsRead));
        }
        assert!(Role::Owner.allows(Permission::UsersManage));
        assert!(!Role::Reception.allows(Permission::CentreWrite));
        assert!(!Role::Instructor.allows(Permission::ClientsWrite));
        assert!(!Role::Accountant.allows(Permission::ClientsWrite));
        assert!(Role::Accountant.allows(Permission::AuditRead));
        assert!(!Role::Reception.allows(Permission::ClientsMedical));
        assert!(Role::Instructor.allows(Permission::ClientsMedical));
        assert!(Role::Reception.allows(Permission::ClientsPhones));
        assert!(Role::Reception.allows(Permission::MoneySell));
        assert!(!Role::Reception.allows(Permission::MoneyRefund));
        assert!(!Role::Reception.allows(Permission::CatalogConfigure));
        assert!(Role::Accountant.allows(Permission::MoneyRead));
        assert!(!Role::Accountant.allows(Permission::MoneySell));
        assert!(!Role::Instructor.allows(Permission::MoneyRead));
        assert!(!Role::Instructor.allows(Permission::ClientsPhones));
        for p in Permission::ALL {
            assert!(Role::Owner.allows(p) && Role::Admin.allows(p));
        }
        assert_eq!(Role::parse("root"), None);
        let set = Permissions::from_list(Role::Reception.permissions());
        assert!(set.has(Permission::ClientsWrite) && !set.has(Permission::UsersManage));
        assert_eq!(Permissions::from_stored(&set.to_stored()), set);
        assert_eq!(
            Permissions::from_stored(r#"["clients_read","nonsense"]"#).list(),
            [Permission::ClientsRead]
        );
        assert_eq!(Permissions::all().list().len(), Permission::ALL.len());
    }
}
