// Package catindex turns learning items and places into search documents
// (internal/search) and keeps the index in step with the catalogue: every
// change of an item or a place goes through Item or Place here.
package catindex

import (
	"context"
	"strings"

	"github.com/bakenhq/baken/internal/catalogue"
	"github.com/bakenhq/baken/internal/search"
	"github.com/bakenhq/baken/internal/store"
)

// Indexer is what the catalogue needs of the search engine; *search.Index
// implements it.
type Indexer interface {
	Upsert(ctx context.Context, orgID string, docs ...search.Doc) error
	Delete(ctx context.Context, orgID string, kind search.Kind, ids ...string) error
}

var _ Indexer = (*search.Index)(nil)

// ItemURL is where an item's page lives.
func ItemURL(id string) string { return "/learn/" + id }

// TypedItemURL is where an item's page lives by its type: open courses and
// learning paths have pages of their own (enrolment, progress).
func TypedItemURL(it *catalogue.Item) string {
	switch it.Type {
	case catalogue.OpenCourse:
		return "/learning/courses/" + it.ID
	case catalogue.Path:
		return "/learning/paths/" + it.ID
	}
	return ItemURL(it.ID)
}

// PlaceURL is where a place's page lives; its QR code carries this path.
func PlaceURL(code string) string { return "/p/" + code }

// ItemDoc returns the search document of an item. Only published items are
// found by search (drafts and items in review are the authors' business),
// so ok is false for the others: they are to be removed from the index.
func ItemDoc(it *catalogue.Item) (d search.Doc, ok bool) {
	if it.Status != catalogue.Published {
		return d, false
	}
	d = search.Doc{
		Kind:        search.KindLearning,
		ID:          it.ID,
		OrgID:       it.OrgID,
		Visibility:  search.Visibility(it.Visibility),
		Lang:        it.Lang,
		Type:        string(it.Type),
		Competences: it.CompetenceIDs(),
		Minutes:     it.Minutes,
		Boost:       0.5,
		URL:         TypedItemURL(it),
	}
	// The title in the item's main language; both titles as labels so a
	// Dutch and an English reader each see their own.
	if it.Lang == "nl" {
		d.Title = it.TitleNL
	} else {
		d.Title = catalogue.Pick("en", it.TitleNL, it.TitleEN)
	}
	if it.TitleNL != "" {
		d.Labels = append(d.Labels, search.Label{Lang: "nl", Text: it.TitleNL, Title: true})
	}
	if it.TitleEN != "" {
		d.Labels = append(d.Labels, search.Label{Lang: "en", Text: it.TitleEN, Title: true})
	}
	var b strings.Builder
	add := func(ss ...string) {
		for _, s := range ss {
			if s != "" {
				b.WriteString(s)
				b.WriteByte('\n')
			}
		}
	}
	add(it.BodyNL, it.BodyEN)
	if in := it.Instruction; in != nil {
		for _, s := range in.Steps {
			add(s.TextNL, s.TextEN)
		}
		add(in.ToolsNL...)
		add(in.ToolsEN...)
		add(in.SafetyNL...)
		add(in.SafetyEN...)
	}
	for _, o := range it.Outcomes {
		add(o.NameNL, o.NameEN)
	}
	d.Body = b.String()
	if len(d.Body) > 190_000 {
		d.Body = d.Body[:190_000]
	}
	return d, true
}

// PlaceDoc returns the search document of a place: found by its names and
// its code, in its site's facet.
func PlaceDoc(p *catalogue.Place) search.Doc {
	d := search.Doc{
		Kind:       search.KindPlace,
		ID:         p.ID,
		OrgID:      p.OrgID,
		Visibility: search.VisOrg,
		Title:      catalogue.Pick("en", p.NameNL, p.NameEN),
		Type:       string(p.Kind),
		SiteID:     p.SiteID,
		Boost:      0.6,
		URL:        PlaceURL(p.Code),
	}
	for _, c := range p.Competences {
		d.Competences = append(d.Competences, c.CompetenceID)
	}
	if p.NameNL != "" {
		d.Labels = append(d.Labels, search.Label{Lang: "nl", Text: p.NameNL, Title: true})
	}
	if p.NameEN != "" {
		d.Labels = append(d.Labels, search.Label{Lang: "en", Text: p.NameEN, Title: true})
	}
	d.Labels = append(d.Labels, search.Label{Text: p.Code})
	var b strings.Builder
	b.WriteString(p.SiteName)
	for _, c := range p.Competences {
		b.WriteString("\n" + c.NameNL + "\n" + c.NameEN)
	}
	d.Body = b.String()
	return d
}

// Item brings the index in step with an item: indexed when published,
// removed otherwise.
func Item(ctx context.Context, ix Indexer, it *catalogue.Item) error {
	if d, ok := ItemDoc(it); ok {
		return ix.Upsert(ctx, it.OrgID, d)
	}
	return ix.Delete(ctx, it.OrgID, search.KindLearning, it.ID)
}

// Place indexes a place.
func Place(ctx context.Context, ix Indexer, p *catalogue.Place) error {
	return ix.Upsert(ctx, p.OrgID, PlaceDoc(p))
}

// DeletePlace removes a place from the index.
func DeletePlace(ctx context.Context, ix Indexer, orgID, id string) error {
	return ix.Delete(ctx, orgID, search.KindPlace, id)
}

// Reindex writes the documents of every published item and every place of
// orgID and removes documents of items no longer published (e.g. after a
// demo seed or a restore). It returns how many documents it wrote.
func Reindex(ctx context.Context, db *store.DB, ix Indexer, orgID string) (int, error) {
	items, err := db.LearningItems(ctx, orgID, store.ItemFilter{Limit: 1000, Status: []catalogue.Status{catalogue.Draft, catalogue.InReview, catalogue.Published, catalogue.Archived}})
	if err != nil {
		return 0, err
	}
	var docs []search.Doc
	var gone []string
	for _, it := range items {
		if d, ok := ItemDoc(it); ok {
			docs = append(docs, d)
		} else {
			gone = append(gone, it.ID)
		}
	}
	places, err := db.Places(ctx, orgID, store.PlaceFilter{})
	if err != nil {
		return 0, err
	}
	for _, p := range places {
		docs = append(docs, PlaceDoc(p))
	}
	if err := ix.Upsert(ctx, orgID, docs...); err != nil {
		return 0, err
	}
	if err := ix.Delete(ctx, orgID, search.KindLearning, gone...); err != nil {
		return 0, err
	}
	return len(docs), nil
}
