package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"math/big"
	"os"
	"strings"

	"github.com/bakenhq/baken/internal/app"
	"github.com/bakenhq/baken/internal/auth"
	"github.com/bakenhq/baken/internal/core"
	"github.com/bakenhq/baken/internal/store"
	"github.com/bakenhq/baken/internal/tenancy"
)

func init() {
	commands["user"] = command{"add a user or set a password: user add|passwd", userCmd}
	commands["token"] = command{"create an API token: token create", tokenCmd}
	commands["import"] = command{"import data: import people FILE.csv --org SLUG (more kinds per area)", importCmd}
	commands["backup"] = command{"write a consistent copy of the SQLite database: backup FILE", backupCmd}
}

// importers are the kinds `baken import KIND` knows; areas add theirs.
var importers = map[string]command{
	"people":  {"import people from a CSV file", importPeople},
	"courses": {"import open courses from a CSV or JSON file: import courses FILE --org SLUG", importCourses},
}

// openDB opens and migrates the database the flags name.
func openDB(ctx context.Context, e *env, d dbFlags) (*app.App, error) {
	return app.New(ctx, d.config(e))
}

// readSecret reads one line from stdin when --*-stdin is given; otherwise
// it makes a random secret and says so.
func readSecret(e *env, fromStdin bool) (secret string, generated bool, err error) {
	if fromStdin {
		line, err := bufio.NewReader(e.stdin).ReadString('\n')
		if err != nil && line == "" {
			return "", false, fmt.Errorf("reading the secret from standard input: %w", err)
		}
		return strings.TrimRight(line, "\r\n"), false, nil
	}
	return auth.NewToken()[:20], true, nil
}

func findPerson(ctx context.Context, db *store.DB, email, orgSlug, number string) (orgID, personID string, err error) {
	switch {
	case email != "":
		orgID, personID, err = db.PersonIDByEmail(ctx, email)
		if errors.Is(err, core.ErrNotFound) {
			err = fmt.Errorf("no user with email %s", email)
		}
	case orgSlug != "" && number != "":
		var org *tenancy.Organisation
		if org, err = db.OrganisationBySlug(ctx, orgSlug); err != nil {
			return "", "", fmt.Errorf("organisation %q: %w", orgSlug, err)
		}
		orgID = org.ID
		personID, err = db.PersonIDByEmployeeNumber(ctx, orgID, number)
		if errors.Is(err, core.ErrNotFound) {
			err = fmt.Errorf("no person with employee number %s in %s", number, orgSlug)
		}
	default:
		err = usageError{"name the user with --email, or with --org and --employee-number"}
	}
	return orgID, personID, err
}

func userCmd(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || (args[0] != "add" && args[0] != "passwd") {
		return usageError{"expected 'user add' or 'user passwd'"}
	}
	sub := args[0]
	fs := newFlags(e, "user "+sub, "--org SLUG --name NAME [--email E] [--employee-number N] [--roles r1,r2] [--password-stdin] [--pin-stdin]")
	var d dbFlags
	d.register(fs, e)
	orgSlug := fs.String("org", "", "organisation code (slug)")
	name := fs.String("name", "", "full name (user add)")
	email := fs.String("email", "", "email address, for password sign-in")
	number := fs.String("employee-number", "", "employee number, for PIN sign-in")
	roles := fs.String("roles", "", "comma-separated roles: "+rolesList())
	jobTitle := fs.String("job-title", "", "job title (user add)")
	pwStdin := fs.Bool("password-stdin", false, "read the password from standard input instead of generating one")
	pinStdin := fs.Bool("pin-stdin", false, "set a PIN (4–8 digits) read from standard input instead of a password")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	a, err := openDB(ctx, e, d)
	if err != nil {
		return err
	}
	defer a.Close()
	db := a.DB
	var orgID, personID string
	if sub == "add" {
		if *orgSlug == "" || *name == "" {
			return usageError{"user add needs --org and --name"}
		}
		org, err := db.OrganisationBySlug(ctx, *orgSlug)
		if err != nil {
			return fmt.Errorf("organisation %q: %w", *orgSlug, err)
		}
		p := &tenancy.Person{Name: *name, Email: *email, EmployeeNumber: *number, JobTitle: *jobTitle, Active: true}
		for _, r := range strings.Split(*roles, ",") {
			if r = strings.TrimSpace(r); r != "" {
				p.Roles = append(p.Roles, core.Role(r))
			}
		}
		if err := db.CreatePerson(ctx, org.ID, p); err != nil {
			return err
		}
		orgID, personID = org.ID, p.ID
		fmt.Fprintf(e.stdout, "added %s to %s\n", p.Name, org.Name)
		if p.Email == "" && p.EmployeeNumber == "" {
			return nil // no way to sign in, so no secret to set
		}
	} else {
		if orgID, personID, err = findPerson(ctx, db, *email, *orgSlug, *number); err != nil {
			return err
		}
	}
	secret, generated, err := readSecret(e, *pwStdin || *pinStdin)
	if err != nil {
		return err
	}
	usePIN := *pinStdin || (*email == "" && *number != "")
	if usePIN {
		if generated {
			n, err := rand.Int(rand.Reader, big.NewInt(1000000))
			if err != nil {
				return err
			}
			secret = fmt.Sprintf("%06d", n.Int64())
		}
		if err := auth.ValidatePIN(secret); err != nil {
			return err
		}
	} else if err := auth.ValidatePassword(secret); err != nil {
		return err
	}
	hash, err := auth.HashSecret(secret)
	if err != nil {
		return err
	}
	if usePIN {
		err = db.SetPINHash(ctx, orgID, personID, hash)
	} else {
		err = db.SetPasswordHash(ctx, orgID, personID, hash)
	}
	if err != nil {
		return err
	}
	_ = db.Audit(ctx, tenancy.AuditEntry{OrgID: orgID, Action: "credentials.set", Target: personID, Detail: "from the command line"})
	if generated {
		kind := "password"
		if usePIN {
			kind = "PIN"
		}
		fmt.Fprintf(e.stdout, "%s (shown once): %s\n", kind, secret)
	} else {
		fmt.Fprintln(e.stdout, "secret set")
	}
	return nil
}

func rolesList() string {
	var s []string
	for _, r := range core.Roles {
		s = append(s, string(r))
	}
	return strings.Join(s, ", ")
}

func tokenCmd(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || args[0] != "create" {
		return usageError{"expected 'token create'"}
	}
	fs := newFlags(e, "token create", "(--email E | --org SLUG --employee-number N) --role ROLE [--name NAME]")
	var d dbFlags
	d.register(fs, e)
	email := fs.String("email", "", "the user's email")
	orgSlug := fs.String("org", "", "organisation code (with --employee-number)")
	number := fs.String("employee-number", "", "the user's employee number")
	role := fs.String("role", "employee", "the role the token acts with; the user must hold it: "+rolesList())
	name := fs.String("name", "api", "a name to recognise the token by")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	if !core.ValidRole(core.Role(*role)) {
		return usageError{fmt.Sprintf("unknown role %q; one of %s", *role, rolesList())}
	}
	a, err := openDB(ctx, e, d)
	if err != nil {
		return err
	}
	defer a.Close()
	orgID, personID, err := findPerson(ctx, a.DB, *email, *orgSlug, *number)
	if err != nil {
		return err
	}
	p, err := a.DB.Person(ctx, orgID, personID)
	if err != nil {
		return err
	}
	if !p.Active {
		return fmt.Errorf("%s has left the organisation", p.Name)
	}
	if !p.HasRole(core.Role(*role)) && !p.HasRole(core.RoleOrgAdmin) {
		return fmt.Errorf("%s does not hold the role %s", p.Name, *role)
	}
	token := "bkn_" + auth.NewToken()
	t := &store.APIToken{PersonID: personID, Name: *name, Role: core.Role(*role), TokenHash: auth.TokenHash(token)}
	if err := a.DB.CreateAPIToken(ctx, orgID, t); err != nil {
		return err
	}
	_ = a.DB.Audit(ctx, tenancy.AuditEntry{OrgID: orgID, ActorID: personID, Action: "token.create", Target: *name, Detail: *role + ", from the command line"})
	fmt.Fprintf(e.stdout, "API token for %s as %s (shown once; keep it secret):\n%s\n", p.Name, *role, token)
	return nil
}

func importCmd(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 {
		var kinds []string
		for k := range importers {
			kinds = append(kinds, k)
		}
		return usageError{"expected a kind to import: " + strings.Join(kinds, ", ")}
	}
	imp, ok := importers[args[0]]
	if !ok {
		return usageError{fmt.Sprintf("unknown import kind %q", args[0])}
	}
	return imp.run(ctx, e, args[1:])
}

func importPeople(ctx context.Context, e *env, args []string) error {
	in, err := openOrgImport(ctx, e, args, "people", "FILE.csv", tenancy.MaxImportBytes)
	if err != nil {
		return err
	}
	defer in.app.Close()
	a, org, file := in.app, in.org, in.file
	data := in.data
	lk, err := a.DB.ImportLookup(ctx, org.ID)
	if err != nil {
		return err
	}
	res, err := tenancy.ParsePeopleCSV(data, lk)
	if err != nil {
		return fmt.Errorf("%s: %s", file, core.ErrorMessage(err))
	}
	if !res.Valid() {
		for _, row := range res.Rows {
			for _, msg := range row.Errors {
				fmt.Fprintf(e.stderr, "%s:%d: %s\n", file, row.Line, msg)
			}
		}
		return fmt.Errorf("%d of %d rows have problems; nothing was imported", res.Invalid, len(res.Rows))
	}
	if err := a.DB.ImportPeople(ctx, org.ID, res.People()); err != nil {
		return fmt.Errorf("%s: %s; nothing was imported", file, core.ErrorMessage(err))
	}
	_ = a.DB.Audit(ctx, tenancy.AuditEntry{OrgID: org.ID, Action: "people.import", Detail: fmt.Sprintf("%d people, from the command line", len(res.Rows))})
	fmt.Fprintf(e.stdout, "imported %d people into %s\n", len(res.Rows), org.Name)
	return nil
}

func backupCmd(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "backup", "FILE [--data DIR]")
	var d dbFlags
	d.register(fs, e)
	var file string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		file, args = args[0], args[1:]
	}
	if err := parse(fs, args); err != nil {
		return err
	}
	if file == "" && fs.NArg() > 0 {
		file = fs.Arg(0)
	}
	if d.databaseURL != "" {
		return fmt.Errorf("on PostgreSQL, back up with PostgreSQL's own tools, which copy a live database consistently:\n" +
			"  pg_dump --format=custom --file=baken.dump \"$BAKEN_DATABASE_URL\"\n" +
			"and restore into an empty database with:\n" +
			"  pg_restore --no-owner --dbname=\"$NEW_DATABASE_URL\" baken.dump\n" +
			"(see docs/operations.md)")
	}
	if file == "" {
		return usageError{"usage: baken backup FILE"}
	}
	if _, err := os.Stat(file); err == nil {
		return fmt.Errorf("%s already exists; choose a new file name", file)
	}
	db, err := store.Open(ctx, store.Options{DataDir: d.data})
	if err != nil {
		return err
	}
	defer db.Close()
	n, err := db.Backup(ctx, file)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "backed up %s to %s (%d bytes)\n", db.Path(), file, n)
	return nil
}
