package catalogue

import "github.com/bakenhq/baken/internal/core"

// Who may do what. Every check is pure; handlers pass what they know.

// CanAuthor: write and edit learning items. Experts write instructions;
// the L&D coordinator and the organisation admin may too.
func CanAuthor(p core.Principal) bool {
	return p.HasAny(core.RoleExpert, core.RoleLearning, core.RoleOrgAdmin)
}

// CanReview: publish or send back an item in review. Experts and L&D, but
// never the item's own author (four eyes), whatever roles they hold.
func CanReview(p core.Principal, it *Item) bool {
	return p.HasAny(core.RoleExpert, core.RoleLearning, core.RoleOrgAdmin) && p.PersonID != it.AuthorID
}

// CanEdit: the author of an item, or anyone who may author, for items of
// their organisation (experts improve each other's instructions).
func CanEdit(p core.Principal, it *Item) bool {
	return p.OrgID == it.OrgID && CanAuthor(p)
}

// CanSeeUsage: who used an item, where and how it helped: the authors and
// reviewers, L&D and management of the owning organisation.
func CanSeeUsage(p core.Principal, it *Item) bool {
	return p.OrgID == it.OrgID && (p.PersonID == it.AuthorID || CanAuthor(p) || p.Has(core.RoleManagement))
}

// CanManagePlaces: create and edit places and print their labels.
func CanManagePlaces(p core.Principal) bool {
	return p.HasAny(core.RoleExpert, core.RoleLearning, core.RoleOrgAdmin)
}

// Readable reports whether a principal of viewerOrg may read it: anything
// of their own organisation when they may author (drafts included), and
// published items otherwise, across organisations as far as its visibility
// reaches (partners says whether viewerOrg partners with the owner).
func Readable(p core.Principal, it *Item, partners bool) bool {
	if p.OrgID == it.OrgID {
		return it.Status == Published || CanAuthor(p)
	}
	if it.Status != Published {
		return false
	}
	return it.Visibility == VisPublic || it.Visibility == VisPartners && partners
}

// Action is a step in an item's review cycle.
type Action string

const (
	ActSave    Action = "save"    // edit content: back to draft
	ActSubmit  Action = "submit"  // draft → in review
	ActPublish Action = "publish" // in review → published
	ActReject  Action = "reject"  // in review → draft, with a note
	ActArchive Action = "archive" // published → archived
)

// Transition returns the status after act by p, or EForbidden/EConflict.
// A changed item always goes through review again: editing a published
// instruction makes it a draft; the published text stays in the history.
func Transition(p core.Principal, it *Item, act Action) (Status, error) {
	switch act {
	case ActSave:
		if !CanEdit(p, it) {
			return "", core.Forbidden("edit this item")
		}
		return Draft, nil
	case ActSubmit:
		if !CanEdit(p, it) {
			return "", core.Forbidden("submit this item")
		}
		if it.Status != Draft {
			return "", &core.Error{Code: core.EConflict, Message: "only a draft can be submitted for review", Key: "catalogue.err.not_draft"}
		}
		return InReview, nil
	case ActPublish, ActReject:
		if it.Status != InReview {
			return "", &core.Error{Code: core.EConflict, Message: "the item is not in review", Key: "catalogue.err.not_in_review"}
		}
		if !CanReview(p, it) || p.OrgID != it.OrgID {
			return "", &core.Error{Code: core.EForbidden, Message: "an item is reviewed by an expert other than its author", Key: "catalogue.err.review_self"}
		}
		if act == ActPublish {
			return Published, nil
		}
		return Draft, nil
	case ActArchive:
		if !CanEdit(p, it) {
			return "", core.Forbidden("archive this item")
		}
		return Archived, nil
	}
	return "", core.Invalid("action", "unknown action")
}

// HelpLevel is the level from which a colleague can help at a place.
const HelpLevel = 3

// UsageKind is what a person did with an item.
type UsageKind string

const (
	UseView      UsageKind = "view"
	UseDone      UsageKind = "done"       // followed the instruction through
	UseCanDo     UsageKind = "can_do"     // "I can do this now"
	UseHelped    UsageKind = "helped"     // "this helped"
	UseNotHelped UsageKind = "not_helped" // "this did not help"
)

// Valid reports whether k is known.
func (k UsageKind) Valid() bool {
	switch k {
	case UseView, UseDone, UseCanDo, UseHelped, UseNotHelped:
		return true
	}
	return false
}

// SelfLevel is the self-declared level that a usage records for an
// outcome: "I can do this now" claims the level the item teaches; "Done"
// (did it once, with the instruction in hand) claims one level less, at
// least 1. Other usage records no evidence (0).
func SelfLevel(k UsageKind, o Outcome) int {
	switch k {
	case UseCanDo:
		return o.Level
	case UseDone:
		return max(1, o.Level-1)
	}
	return 0
}
