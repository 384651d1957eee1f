package main

import (
	"context"
	"fmt"
	"time"

	"github.com/bakenhq/baken/internal/catalogue/catindex"
	"github.com/bakenhq/baken/internal/project/projindex"
	"github.com/bakenhq/baken/internal/search/reindex"
	"github.com/bakenhq/baken/internal/tenancy"
)

func init() {
	commands["reindex"] = command{"rebuild the search index from the database: reindex [--org SLUG]", reindexCmd}
}

// reindexCmd rebuilds every kind of search document from the tables that
// own them. A server keeps the index in step on every write; this is for a
// restored backup, a database edited by hand, or new indexing rules.
// Servers sharing the database pick the result up within seconds.
func reindexCmd(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "reindex", "[--org SLUG]")
	var d dbFlags
	d.register(fs, e)
	orgSlug := fs.String("org", "", "only this organisation (default: ESCO and every organisation)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	a, err := openDB(ctx, e, d)
	if err != nil {
		return err
	}
	defer a.Close()
	start := time.Now()
	var orgs []*tenancy.Organisation
	if *orgSlug != "" {
		org, err := a.DB.OrganisationBySlug(ctx, *orgSlug)
		if err != nil {
			return fmt.Errorf("organisation %q: %w", *orgSlug, err)
		}
		orgs = append(orgs, org)
	} else {
		if err := reindex.ESCO(ctx, a.DB, a.Search); err != nil {
			return err
		}
		if orgs, err = a.DB.Organisations(ctx); err != nil {
			return err
		}
	}
	for _, org := range orgs {
		if err := reindex.Core(ctx, a.DB, a.Search, org.ID); err != nil {
			return fmt.Errorf("%s: %w", org.Slug, err)
		}
		items, err := catindex.Reindex(ctx, a.DB, a.Search, org.ID)
		if err != nil {
			return fmt.Errorf("%s: learning items: %w", org.Slug, err)
		}
		lessons, err := projindex.Reindex(ctx, a.Search, a.DB, org.ID)
		if err != nil {
			return fmt.Errorf("%s: lessons and projects: %w", org.Slug, err)
		}
		fmt.Fprintf(e.stdout, "%s: people, sites, teams and competences; %d learning items and places; %d lessons and projects\n", org.Slug, items, lessons)
	}
	fmt.Fprintf(e.stdout, "search index rebuilt: %d documents in %s\n", a.Search.Stats().Docs, time.Since(start).Round(time.Millisecond))
	return nil
}
