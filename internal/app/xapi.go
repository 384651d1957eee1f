package app

import (
	"net/http"

	"github.com/bakenhq/baken/internal/xapi"
)

// The xAPI learning record store, with its own auth and error rules.
func init() {
	AddMount("/xapi/", xapi.MaxBody, func(a *App) http.Handler { return xapi.NewHandler(a.DB, a.log) })
}
