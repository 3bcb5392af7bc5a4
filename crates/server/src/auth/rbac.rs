//! The one permission table. Every endpoint names the permission it needs (`ctx.require`), and
//! this table alone says which roles hold it. Later features add their rows here.

use volant_domain::role::Role;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Permission {
    /// List members, change roles and active flags, invite people.
    ManageUsers,
    /// Read the audit log and verify its chain.
    ReadAudit,
    /// Read the mails caught by the demo profile.
    ReadDemoMails,
}

impl Permission {
    pub fn roles(self) -> &'static [Role] {
        use Role::*;
        match self {
            Permission::ManageUsers | Permission::ReadAudit | Permission::ReadDemoMails => &[Admin],
        }
    }

    pub fn allows(self, role: Role) -> bool {
        self.roles().contains(&role)
    }
}
