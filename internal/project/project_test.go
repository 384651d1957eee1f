package project

import (
	"testing"
	"time"

	"github.com/bakenhq/baken/internal/core"
)

const (
	orgA   = "0190a000-0000-7000-8000-00000000000a"
	orgB   = "0190a000-0000-7000-8000-00000000000b"
	author = "0190a000-0000-7000-8000-000000000001"
	other  = "0190a000-0000-7000-8000-000000000002"
	expert = "0190a000-0000-7000-8000-000000000003"
	teamX  = "0190a000-0000-7000-8000-0000000000f1"
)

func TestTransition(t *testing.T) {
	au := core.Principal{OrgID: orgA, PersonID: author}
	ex := core.Principal{OrgID: orgA, PersonID: expert, Roles: []core.Role{core.RoleExpert}}
	exAuthor := core.Principal{OrgID: orgA, PersonID: author, Roles: []core.Role{core.RoleExpert}}
	foreign := core.Principal{OrgID: orgB, PersonID: expert, Roles: []core.Role{core.RoleExpert}}
	cases := []struct {
		p    core.Principal
		from LessonStatus
		act  LessonAction
		to   LessonStatus
		code string
	}{
		{au, LessonDraft, Submit, LessonInReview, ""},
		{au, LessonInReview, Publish, "", core.EForbidden},
		{ex, LessonInReview, Publish, LessonPublished, ""},
		{exAuthor, LessonInReview, Publish, "", core.EForbidden},
		{ex, LessonDraft, Publish, "", core.EConflict},
		{ex, LessonInReview, SendBack, LessonDraft, ""},
		{au, LessonPublished, Withdraw, LessonDraft, ""},
		{foreign, LessonInReview, Publish, "", core.ENotFound},
		{ex, LessonDraft, "nonsense", "", core.EInvalid},
	}
	for i, c := range cases {
		l := &Lesson{OrgID: orgA, AuthorID: author, Status: c.from}
		to, err := Transition(c.p, l, c.act)
		if core.ErrorCode(err) != c.code || to != c.to {
			t.Errorf("%d: Transition = %q, %v; want %q, %q", i, to, err, c.to, c.code)
		}
	}
}

func TestCanReadByVisibility(t *testing.T) {
	mk := func(st LessonStatus, v Visibility) *Lesson {
		return &Lesson{OrgID: orgA, AuthorID: author, TeamID: teamX, Status: st, Visibility: v}
	}
	inTeam := Reader{Principal: core.Principal{OrgID: orgA, PersonID: other}, TeamID: teamX}
	outTeam := Reader{Principal: core.Principal{OrgID: orgA, PersonID: other}}
	reviewer := Reader{Principal: core.Principal{OrgID: orgA, PersonID: expert, Roles: []core.Role{core.RoleExpert}}}
	foreign := Reader{Principal: core.Principal{OrgID: orgB, PersonID: other, Roles: []core.Role{core.RoleOrgAdmin}}}
	cases := []struct {
		rd   Reader
		l    *Lesson
		want bool
	}{
		{inTeam, mk(LessonDraft, VisOrg), false},
		{reviewer, mk(LessonDraft, VisOrg), false},
		{reviewer, mk(LessonInReview, VisOrg), true},
		{inTeam, mk(LessonPublished, VisTeam), true},
		{outTeam, mk(LessonPublished, VisTeam), false},
		{outTeam, mk(LessonPublished, VisOrg), true},
		{foreign, mk(LessonPublished, VisOrg), false},
		{foreign, mk(LessonPublished, VisCommunity), true},
		{foreign, mk(LessonInReview, VisCommunity), false},
	}
	for i, c := range cases {
		if got := CanRead(c.rd, c.l, false); got != c.want {
			t.Errorf("%d: CanRead = %v, want %v", i, got, c.want)
		}
	}
}

func TestAnonymised(t *testing.T) {
	l := &Lesson{OrgID: orgA, AuthorID: author, AuthorName: "Jan", OrgName: "Hofman", ReviewerName: "Eva", ProjectTitle: "WG", Places: []Place{{PlaceID: teamX}}}
	for _, c := range []struct {
		people, org bool
		author, on  string
	}{{false, false, "", ""}, {true, false, "Jan", ""}, {false, true, "", "Hofman"}, {true, true, "Jan", "Hofman"}} {
		l.NamePeople, l.NameOrg = c.people, c.org
		a := l.Anonymised(orgB)
		if a.AuthorName != c.author || a.OrgName != c.on || a.ProjectTitle != "" || a.Places != nil {
			t.Errorf("people=%v org=%v: %+v", c.people, c.org, a)
		}
		if own := l.Anonymised(orgA); own.AuthorName != "Jan" || own.OrgName != "Hofman" {
			t.Error("own organisation sees an anonymised lesson")
		}
	}
}

func TestProjectValidate(t *testing.T) {
	ok := Project{TitleEN: "t", GoalNL: "g", OwnerID: author, StartsOn: time.Now()}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	for name, mod := range map[string]func(*Project){
		"no title":  func(p *Project) { p.TitleEN = " " },
		"no goal":   func(p *Project) { p.GoalNL = "" },
		"no start":  func(p *Project) { p.StartsOn = time.Time{} },
		"end first": func(p *Project) { p.EndsOn = p.StartsOn.AddDate(0, 0, -1) },
		"level":     func(p *Project) { p.Competences = []Competence{{CompetenceID: teamX, Level: 9}} },
		"twice": func(p *Project) {
			p.Competences = []Competence{{CompetenceID: teamX, Level: 1}, {CompetenceID: teamX, Level: 2}}
		},
		"bad owner": func(p *Project) { p.OwnerID = "x" },
	} {
		p := ok
		mod(&p)
		if core.ErrorCode(p.Validate()) != core.EInvalid {
			t.Errorf("%s: accepted", name)
		}
	}
}
