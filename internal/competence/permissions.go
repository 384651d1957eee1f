package competence

import "github.com/bakenhq/baken/internal/core"

// Who may do what with competences. Each check is pure; handlers call it
// with what they know about the relation between principal and person.

// CanManageCatalogue: pick and edit competences, the scale, role profiles
// and campaigns. The L&D coordinator (or HR) and the organisation admin.
func CanManageCatalogue(p core.Principal) bool { return p.HasAny(core.RoleLearning, core.RoleOrgAdmin) }

// CanRecord says whether p may record evidence of kind k about a person.
// isSelf: p is that person; leadsPerson: p leads the person's team.
// Errors: EForbidden.
func CanRecord(p core.Principal, k Kind, isSelf, leadsPerson bool) error {
	switch {
	case k == SelfAssessment:
		if isSelf {
			return nil
		}
	case isSelf:
		// Nobody validates themselves, whatever roles they hold.
	case k == Validation:
		if leadsPerson && p.Has(core.RoleTeamLead) || p.HasAny(core.RoleLearning) {
			return nil
		}
	case k == Assessment:
		if p.HasAny(core.RoleAssessor) {
			return nil
		}
	default: // learning, quiz, lab, project, certificate
		if p.HasAny(core.RoleLearning, core.RoleAssessor) || leadsPerson && p.Has(core.RoleTeamLead) {
			return nil
		}
	}
	return core.Forbidden("record this evidence")
}

// CanView says whether p may see a person's levels and evidence: the
// person, their team lead, L&D, management and assessors.
func CanView(p core.Principal, isSelf, leadsPerson bool) bool {
	return isSelf || leadsPerson || p.HasAny(core.RoleLearning, core.RoleManagement, core.RoleAssessor)
}
