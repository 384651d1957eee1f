package project

import "github.com/bakenhq/baken/internal/core"

// Who may do what with projects. Every check is pure.

// CanCreate: anyone signed in may start a project or working group; the
// creator owns it.
func CanCreate(p core.Principal) bool { return p.PersonID != "" }

// CanManage: the owner, and L&D or the admin, manage a project (edit it,
// open the call, accept people, log updates, confirm contributions).
func CanManage(p core.Principal, pr *Project) bool {
	if p.OrgID != pr.OrgID {
		return false
	}
	return p.PersonID == pr.OwnerID || p.HasAny(core.RoleLearning)
}

// CanApply: anyone of the organisation but the owner, while the call is open.
func CanApply(p core.Principal, pr *Project) error {
	if p.OrgID != pr.OrgID {
		return core.ErrNotFound
	}
	if pr.Status != Open || !pr.CallOpen {
		return &core.Error{Code: core.EConflict, Message: "the call for volunteers is closed", Key: "project.call_closed"}
	}
	if p.PersonID == pr.OwnerID {
		return &core.Error{Code: core.EConflict, Message: "you own this project", Key: "project.own"}
	}
	return nil
}

// CanPostUpdate: the owner, L&D, and members.
func CanPostUpdate(p core.Principal, pr *Project, isMember bool) bool {
	return CanManage(p, pr) || p.OrgID == pr.OrgID && isMember
}

// CanConfirmLevel checks the level the owner confirms against what the
// project takes: at most the exercised level. Errors: EInvalid.
func CanConfirmLevel(pr *Project, competenceID string, level int) error {
	for _, c := range pr.Competences {
		if c.CompetenceID == competenceID {
			if level < 1 || level > c.Level {
				return core.Invalid("level", "must be between 1 and %d, the level the project takes", c.Level)
			}
			return nil
		}
	}
	return core.Invalid("competence_id", "is not exercised by this project")
}
