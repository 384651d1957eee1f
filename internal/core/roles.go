package core

// Role is what a person may do within their organisation. A person holds
// any number of roles; every signed-in person is at least an employee.
type Role string

const (
	RoleEmployee      Role = "employee"
	RoleTeamLead      Role = "team_lead"
	RoleLearning      Role = "learning_coordinator" // L&D coordinator or HR
	RoleManagement    Role = "management"
	RoleExpert        Role = "expert"
	RoleAssessor      Role = "assessor"
	RoleProviderStaff Role = "provider_staff"
	RoleOrgAdmin      Role = "org_admin"
)

// Roles lists every role in the order the UI shows them.
var Roles = []Role{RoleEmployee, RoleTeamLead, RoleLearning, RoleManagement, RoleExpert, RoleAssessor, RoleProviderStaff, RoleOrgAdmin}

// ValidRole reports whether r is one of Roles.
func ValidRole(r Role) bool {
	for _, x := range Roles {
		if x == r {
			return true
		}
	}
	return false
}

// Principal is who is acting: a signed-in person, or an API token that
// stands for one person with one role.
type Principal struct {
	PersonID      string
	OrgID         string
	Name          string
	Roles         []Role
	PlatformAdmin bool // a platform operator, across organisations
	Lang          string
}

// Has reports whether the principal holds role r. Organisation admins hold
// every role of their organisation.
func (p Principal) Has(r Role) bool {
	for _, x := range p.Roles {
		if x == r || x == RoleOrgAdmin {
			return true
		}
	}
	return false
}

// HasAny reports whether the principal holds any of rs.
func (p Principal) HasAny(rs ...Role) bool {
	for _, r := range rs {
		if p.Has(r) {
			return true
		}
	}
	return false
}

// Permissions: the rules of who may do what, in one place. Each returns a
// core.Error with EForbidden when the principal may not.

// CanManageOrganisation: sites, teams, accounts and roles.
func (p Principal) CanManageOrganisation() bool { return p.Has(RoleOrgAdmin) }

// CanManagePeople: add, edit, import and deactivate people (HR and L&D do
// this as much as the admin does).
func (p Principal) CanManagePeople() bool { return p.HasAny(RoleOrgAdmin, RoleLearning) }

// CanViewAudit: the security audit log.
func (p Principal) CanViewAudit() bool { return p.Has(RoleOrgAdmin) }

// Forbidden is the error every permission check returns.
func Forbidden(what string) error {
	return &Error{Code: EForbidden, Message: "you may not " + what, Key: "error.forbidden"}
}

// CanReadDirectory: every member of an organisation sees its sites, teams
// and people (the directory).
func (p Principal) CanReadDirectory() bool { return p.OrgID != "" && p.PersonID != "" }

// CanManagePerson: edit, deactivate or reactivate one person who holds
// targetRoles. People managers may change anyone except an organisation
// admin; only an admin changes an admin, so that no one below the admin
// can lock the admin out.
func (p Principal) CanManagePerson(targetRoles []Role) bool {
	if !p.CanManagePeople() {
		return false
	}
	for _, r := range targetRoles {
		if r == RoleOrgAdmin {
			return p.CanManageOrganisation()
		}
	}
	return true
}

// CanGrantRoles: give or take away roles other than employee (accounts
// and roles belong to the organisation admin).
func (p Principal) CanGrantRoles() bool { return p.CanManageOrganisation() }

// CanProposeCourses: ask a partner provider for a course (a company's L&D
// coordinator, management or admin).
func (p Principal) CanProposeCourses() bool {
	return p.HasAny(RoleLearning, RoleManagement, RoleOrgAdmin)
}

// CanAnswerProposals: answer course proposals for a provider.
func (p Principal) CanAnswerProposals() bool { return p.HasAny(RoleProviderStaff, RoleOrgAdmin) }

// CanCurateCourses: add open courses to the catalogue (L&D in a company,
// staff of a provider for their partners).
func (p Principal) CanCurateCourses() bool {
	return p.HasAny(RoleLearning, RoleProviderStaff, RoleOrgAdmin)
}

// CanManageLRS: the organisation's learning record store: LRS credentials
// for outside sources and the rules that turn statements into evidence
// (the L&D coordinator and the admin).
func (p Principal) CanManageLRS() bool { return p.HasAny(RoleLearning, RoleOrgAdmin) }
