package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/bakenhq/baken/internal/xapi"
)

func init() {
	commands["lrs"] = command{"manage the xAPI learning record store: lrs credentials create --org SLUG", lrsCmd}
}

func lrsCmd(ctx context.Context, e *env, args []string) error {
	if len(args) < 2 || args[0] != "credentials" || args[1] != "create" {
		return usageError{"expected 'lrs credentials create'"}
	}
	fs := newFlags(e, "lrs credentials create", "--org SLUG [--name NAME] [--scopes s1,s2]")
	var d dbFlags
	d.register(fs, e)
	orgSlug := fs.String("org", "", "organisation code")
	name := fs.String("name", "LRS client", "a name to recognise the credential by; also the authority's name")
	scopes := fs.String("scopes", strings.Join(xapi.DefaultScopes, ","), "comma-separated scopes: "+strings.Join(xapi.AllScopes, ", "))
	if err := parse(fs, args[2:]); err != nil {
		return err
	}
	if *orgSlug == "" {
		return usageError{"--org is required"}
	}
	var list []string
	for _, s := range strings.Split(*scopes, ",") {
		if s = strings.TrimSpace(s); s != "" {
			list = append(list, s)
		}
	}
	if err := xapi.ValidScopes(list); err != nil {
		return usageError{err.Error()}
	}
	a, err := openDB(ctx, e, d)
	if err != nil {
		return err
	}
	defer a.Close()
	org, err := a.DB.OrganisationBySlug(ctx, *orgSlug)
	if err != nil {
		return fmt.Errorf("organisation %q: %w", *orgSlug, err)
	}
	c, err := xapi.CreateCredential(ctx, a.DB, org.ID, *name, list)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "endpoint: /xapi/\nkey:      %s\nsecret:   %s\nscopes:   %s\nThe secret is shown only now; Baken keeps only a keyed hash of it.\n", c.Key, c.Secret, strings.Join(c.Scopes, " "))
	return nil
}
