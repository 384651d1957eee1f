package app

import (
	"context"
	"runtime/debug"
	"time"

	"github.com/bakenhq/baken/internal/search"
	"github.com/bakenhq/baken/internal/search/reindex"
)

// The search index lives in memory on every node and in the database
// (search_docs). A node loads it at start, follows other nodes' writes
// every few seconds, and brings ESCO and the core tables (people, sites,
// teams, competences) into it in the background; unchanged documents
// cost nothing there.

const searchRefreshEvery = 2 * time.Second

func (a *App) openSearch(ctx context.Context) error {
	a.Search = search.NewIndex(a.DB)
	st, err := a.Search.Load(ctx)
	if err != nil {
		return err
	}
	a.log.Info("search index loaded", "docs", st.Docs, "reanalysed", st.Analysed, "took", st.Elapsed.Round(time.Millisecond))
	return nil
}

func (a *App) searchLoop(ctx context.Context) {
	start := time.Now()
	if err := reindex.All(ctx, a.DB, a.Search); err != nil {
		if ctx.Err() == nil {
			a.log.Warn("search reindex", "err", err)
		}
	} else {
		a.log.Info("search reindexed", "docs", a.Search.Stats().Docs, "took", time.Since(start).Round(time.Millisecond))
	}
	// Loading, seeding and reindexing at start leave garbage the runtime
	// would keep mapped for reuse; a server then idles at twice its size.
	// Give it back once, now that start-up work is done.
	debug.FreeOSMemory()
	a.Search.RefreshEvery(ctx, searchRefreshEvery, func(err error) { a.log.Warn("search refresh", "err", err) })
}
