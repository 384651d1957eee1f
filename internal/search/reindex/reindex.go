// Package reindex fills the search index (internal/search) from the core
// tables: people, sites and teams of an organisation, its competence
// catalogue, and the platform's ESCO skills. Areas with their own content
// (the learning catalogue: internal/catalogue/catindex) keep the index in
// step themselves on every write; these functions are for the rest, for a
// first start and for repairs ("baken reindex").
package reindex

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/bakenhq/baken/internal/competence"
	"github.com/bakenhq/baken/internal/search"
	"github.com/bakenhq/baken/internal/store"
	"github.com/bakenhq/baken/internal/tenancy"
)

// batch is how many documents one Upsert writes.
const batch = 1000

// Core indexes the people (active ones), sites, teams and competences of
// orgID, and removes documents of those kinds that no longer exist. All
// are visible to the organisation only.
func Core(ctx context.Context, db *store.DB, ix *search.Index, orgID string) error {
	if orgID == "" {
		return fmt.Errorf("reindex: no organisation")
	}
	sites, err := db.Sites(ctx, orgID)
	if err != nil {
		return fmt.Errorf("reindex sites: %w", err)
	}
	var docs []search.Doc
	for _, s := range sites {
		docs = append(docs, SiteDoc(s))
	}
	if err := replace(ctx, ix, orgID, search.KindSite, docs); err != nil {
		return err
	}
	teams, err := db.Teams(ctx, orgID, "")
	if err != nil {
		return fmt.Errorf("reindex teams: %w", err)
	}
	docs = docs[:0]
	for _, t := range teams {
		docs = append(docs, TeamDoc(t))
	}
	if err := replace(ctx, ix, orgID, search.KindTeam, docs); err != nil {
		return err
	}
	docs = docs[:0]
	active := true
	for offset := 0; ; offset += 500 {
		people, total, err := db.People(ctx, orgID, tenancy.PeopleFilter{Active: &active, Limit: 500, Offset: offset})
		if err != nil {
			return fmt.Errorf("reindex people: %w", err)
		}
		for _, p := range people {
			docs = append(docs, PersonDoc(p))
		}
		if len(people) == 0 || offset+len(people) >= total {
			break
		}
	}
	if err := replace(ctx, ix, orgID, search.KindPerson, docs); err != nil {
		return err
	}
	docs = docs[:0]
	for offset := 0; ; offset += 1000 {
		cs, total, err := db.Competences(ctx, orgID, competence.Filter{Limit: 1000, Offset: offset})
		if err != nil {
			return fmt.Errorf("reindex competences: %w", err)
		}
		for _, c := range cs {
			if c.Active {
				docs = append(docs, CompetenceDoc(c))
			}
		}
		if len(cs) == 0 || offset+len(cs) >= total {
			break
		}
	}
	return replace(ctx, ix, orgID, search.KindCompetence, docs)
}

// ESCO indexes every ESCO skill held by the platform as a platform-wide
// competence, found by its labels and alt labels in English and Dutch.
func ESCO(ctx context.Context, db *store.DB, ix *search.Index) error {
	var docs []search.Doc
	for offset := 0; ; offset += 500 {
		skills, total, err := db.SearchESCOSkills(ctx, store.ESCOSkillFilter{Limit: 500, Offset: offset})
		if err != nil {
			return fmt.Errorf("reindex esco: %w", err)
		}
		for _, s := range skills {
			docs = append(docs, ESCODoc(s))
		}
		if len(skills) == 0 || offset+len(skills) >= total {
			break
		}
	}
	return replace(ctx, ix, "", search.KindCompetence, docs)
}

// All reindexes ESCO and the core of every organisation.
func All(ctx context.Context, db *store.DB, ix *search.Index) error {
	if err := ESCO(ctx, db, ix); err != nil {
		return err
	}
	orgs, err := db.Organisations(ctx)
	if err != nil {
		return err
	}
	for _, o := range orgs {
		if err := Core(ctx, db, ix, o.ID); err != nil {
			return fmt.Errorf("reindex %s: %w", o.Slug, err)
		}
	}
	return nil
}

// replace upserts docs and deletes the other indexed documents of kind.
func replace(ctx context.Context, ix *search.Index, orgID string, kind search.Kind, docs []search.Doc) error {
	keep := map[string]bool{}
	for _, d := range docs {
		keep[d.ID] = true
	}
	var gone []string
	for _, id := range ix.IDs(orgID, kind) {
		if !keep[id] {
			gone = append(gone, id)
		}
	}
	for start := 0; start < len(docs); start += batch {
		if err := ix.Upsert(ctx, orgID, docs[start:min(start+batch, len(docs))]...); err != nil {
			return fmt.Errorf("reindex %s: %w", kind, err)
		}
	}
	if len(gone) > 0 {
		if err := ix.Delete(ctx, orgID, kind, gone...); err != nil {
			return fmt.Errorf("reindex %s: %w", kind, err)
		}
	}
	return nil
}

// PersonDoc is the search document of a person: found by name, job title,
// employee number and email, in the site facet.
func PersonDoc(p *tenancy.Person) search.Doc {
	d := search.Doc{Kind: search.KindPerson, ID: p.ID, OrgID: p.OrgID, Visibility: search.VisOrg,
		Title: p.Name, SiteID: p.SiteID, Boost: 0.3, URL: "/people/" + p.ID}
	for _, l := range []string{p.JobTitle, p.EmployeeNumber, p.Email} {
		if l != "" {
			d.Labels = append(d.Labels, search.Label{Text: l})
		}
	}
	d.Body = strings.TrimSpace(p.TeamName + " " + p.SiteName)
	return d
}

// SiteDoc is the search document of a site.
func SiteDoc(s *tenancy.Site) search.Doc {
	return search.Doc{Kind: search.KindSite, ID: s.ID, OrgID: s.OrgID, Visibility: search.VisOrg,
		Title: s.Name, Body: s.Address, SiteID: s.ID, Boost: 0.4, URL: "/sites/" + s.ID}
}

// TeamDoc is the search document of a team.
func TeamDoc(t *tenancy.Team) search.Doc {
	return search.Doc{Kind: search.KindTeam, ID: t.ID, OrgID: t.OrgID, Visibility: search.VisOrg,
		Title: t.Name, Body: strings.TrimSpace(t.LeadName + " " + t.SiteName), SiteID: t.SiteID, Boost: 0.4, URL: "/teams/" + t.ID}
}

// CompetenceDoc is the search document of a competence of an
// organisation's catalogue, titled in both languages.
func CompetenceDoc(c *competence.Competence) search.Doc {
	d := search.Doc{Kind: search.KindCompetence, ID: c.ID, OrgID: c.OrgID, Visibility: search.VisOrg,
		Title: c.Name("en"), Body: strings.TrimSpace(c.DescriptionEN + "\n" + c.DescriptionNL + "\n" + c.Category),
		Boost: 0.6, URL: "/competences/" + c.ID}
	switch {
	case c.NameEN != "" && c.NameNL != "":
		d.Lang = "en"
		d.Labels = append(d.Labels, search.Label{Lang: "nl", Text: c.NameNL, Title: true})
	case c.NameNL != "":
		d.Lang = "nl"
	default:
		d.Lang = "en"
	}
	return d
}

// ESCODoc is the search document of an ESCO skill: platform-wide, titled
// in English with the Dutch label as the Dutch title where there is one.
func ESCODoc(s *competence.ESCOSkill) search.Doc {
	d := search.Doc{Kind: search.KindCompetence, ID: s.URI, Lang: "en", Title: s.LabelEN,
		Body: strings.TrimSpace(s.DescriptionEN + "\n" + s.DescriptionNL), Boost: 0.4,
		URL: "/competences/esco?q=" + url.QueryEscape(s.LabelEN)}
	if s.LabelNL != "" {
		d.Labels = append(d.Labels, search.Label{Lang: "nl", Text: s.LabelNL, Title: true})
	}
	for _, a := range s.AltEN {
		d.Labels = append(d.Labels, search.Label{Lang: "en", Text: a})
	}
	for _, a := range s.AltNL {
		d.Labels = append(d.Labels, search.Label{Lang: "nl", Text: a})
	}
	return d
}
