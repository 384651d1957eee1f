package app

import (
	"net/http"

	"github.com/bakenhq/baken/internal/api"
)

// The JSON API under /api/v1 (bearer tokens, JSON errors, OpenAPI at
// /api/v1/openapi.json). It enforces its own 1 MiB body limit with a JSON
// 413; the outer limit matches it.
func init() {
	AddMount(api.Prefix+"/", api.MaxBody, func(a *App) http.Handler { return api.New(a.DB, a.log) })
}
