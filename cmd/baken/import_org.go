package main

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/bakenhq/baken/internal/app"
	"github.com/bakenhq/baken/internal/tenancy"
)

// orgImport is what every "baken import KIND FILE --org SLUG" command needs
// before it parses: the file's bytes, an open database and the organisation.
type orgImport struct {
	file string
	data []byte
	app  *app.App
	org  *tenancy.Organisation
}

// openOrgImport parses the shared flags of a per-organisation import (the
// file may come before or after them), refuses files over maxBytes before
// reading them, and opens the database. The caller closes in.app.
func openOrgImport(ctx context.Context, e *env, args []string, kind, fileUsage string, maxBytes int64) (*orgImport, error) {
	usage := fileUsage + " --org SLUG"
	fs := newFlags(e, "import "+kind, usage)
	var d dbFlags
	d.register(fs, e)
	orgSlug := fs.String("org", "", "organisation code (slug)")
	var file string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		file, args = args[0], args[1:]
	}
	if err := parse(fs, args); err != nil {
		return nil, err
	}
	if file == "" && fs.NArg() > 0 {
		file = fs.Arg(0)
	}
	if file == "" || *orgSlug == "" {
		return nil, usageError{"usage: baken import " + kind + " " + usage}
	}
	info, err := os.Stat(file)
	if err != nil {
		return nil, err
	}
	if info.Size() > maxBytes {
		return nil, fmt.Errorf("%s: the file is larger than %d MB; nothing was imported", file, maxBytes>>20)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	a, err := openDB(ctx, e, d)
	if err != nil {
		return nil, err
	}
	org, err := a.DB.OrganisationBySlug(ctx, *orgSlug)
	if err != nil {
		a.Close()
		return nil, fmt.Errorf("organisation %q: %w", *orgSlug, err)
	}
	return &orgImport{file: file, data: data, app: a, org: org}, nil
}
