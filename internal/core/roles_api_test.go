package core

import "testing"

func TestPersonManagementRules(t *testing.T) {
	who := func(roles ...Role) Principal {
		return Principal{PersonID: "p", OrgID: "o", Roles: append([]Role{RoleEmployee}, roles...)}
	}
	admin, lnd, lead, emp := who(RoleOrgAdmin), who(RoleLearning), who(RoleTeamLead), who()
	plainTarget, adminTarget := []Role{RoleEmployee, RoleExpert}, []Role{RoleEmployee, RoleOrgAdmin}
	for _, c := range []struct {
		name string
		got  bool
		want bool
	}{
		{"everyone reads the directory", emp.CanReadDirectory(), true},
		{"no organisation, no directory", Principal{PersonID: "p"}.CanReadDirectory(), false},
		{"admin manages a plain person", admin.CanManagePerson(plainTarget), true},
		{"admin manages an admin", admin.CanManagePerson(adminTarget), true},
		{"L&D manages a plain person", lnd.CanManagePerson(plainTarget), true},
		{"L&D does not manage an admin", lnd.CanManagePerson(adminTarget), false},
		{"team lead manages no one", lead.CanManagePerson(plainTarget), false},
		{"employee manages no one", emp.CanManagePerson(plainTarget), false},
		{"admin grants roles", admin.CanGrantRoles(), true},
		{"L&D grants no roles", lnd.CanGrantRoles(), false},
	} {
		if c.got != c.want {
			t.Errorf("%s: %v, want %v", c.name, c.got, c.want)
		}
	}
}
