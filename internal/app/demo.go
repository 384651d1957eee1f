package app

import (
	"context"
	"log/slog"

	"github.com/bakenhq/baken/internal/demo"
	"github.com/bakenhq/baken/internal/store"
)

// SeedDemoOnce seeds the demo into an empty database.
func SeedDemoOnce(ctx context.Context, db *store.DB, log *slog.Logger) (bool, error) {
	return demo.SeedOnce(ctx, db, log)
}
