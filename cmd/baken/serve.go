package main

import (
	"context"
	"fmt"
	"net"
	"strings"
	"text/tabwriter"

	"github.com/bakenhq/baken/internal/app"
	"github.com/bakenhq/baken/internal/demo"
)

func init() {
	commands["serve"] = command{"serve Baken over HTTP", serve}
	commands["migrate"] = command{"apply database migrations and exit", migrate}
	commands["demo"] = command{"seed the demo company into an empty database", seedDemo}
}

func serve(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "serve", "[--addr HOST:PORT] [--data DIR] [--database-url URL] [--demo]")
	var d dbFlags
	d.register(fs, e)
	addr := fs.String("addr", envOr(e, "BAKEN_ADDR", "localhost:8080"), "address to listen on (env BAKEN_ADDR)")
	var err error
	withDemo := fs.Bool("demo", e.getenv("BAKEN_DEMO") == "1", "seed the demo company into an empty database (env BAKEN_DEMO=1)")
	secure := fs.Bool("secure-cookies", e.getenv("BAKEN_SECURE_COOKIES") == "1", "mark cookies Secure; use behind an HTTPS proxy (env BAKEN_SECURE_COOKIES=1)")
	dg := digestFlags(fs, e)
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	cfg := d.config(e)
	cfg.Addr, cfg.Demo, cfg.SecureCookies = *addr, *withDemo, *secure
	if cfg.Digest, err = dg(); err != nil {
		return usageError{err.Error()}
	}
	a, err := app.New(ctx, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	if err := a.Listen(); err != nil {
		return err
	}
	printWelcome(ctx, e, a)
	return a.Serve(ctx)
}

func printWelcome(ctx context.Context, e *env, a *app.App) {
	host, port, _ := net.SplitHostPort(a.Addr())
	if host == "" || host == "::" || host == "0.0.0.0" || host == "127.0.0.1" || host == "::1" {
		host = "localhost"
	}
	url := "http://" + net.JoinHostPort(host, port)
	engine := "SQLite " + a.DB.Path()
	if a.DB.Path() == "" {
		engine = "PostgreSQL"
	}
	fmt.Fprintf(e.stdout, "\nBaken %s is running at %s (%s). Press Ctrl-C to stop.\n", app.Version, url, engine)
	if seeded, _ := a.DB.Setting(ctx, "demo.seeded"); seeded != "" {
		fmt.Fprintln(e.stdout, "\nDemo sign-ins (Hofman Metaaltechniek and its partner university):")
		tw := tabwriter.NewWriter(e.stdout, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "  ROLE\tSIGN IN WITH\tPASSWORD / PIN")
		for _, l := range demo.Logins {
			fmt.Fprintf(tw, "  %s\t%s\t%s\n", l.Role, l.Login, l.Secret)
		}
		tw.Flush()
		fmt.Fprintln(e.stdout)
	} else if n, _ := a.DB.CountOrganisations(ctx); n == 0 {
		fmt.Fprintf(e.stdout, "The database is empty: open %s/setup to create the first organisation.\n\n", strings.TrimSuffix(url, "/"))
	}
}

func migrate(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "migrate", "[--data DIR] [--database-url URL]")
	var d dbFlags
	d.register(fs, e)
	if err := parse(fs, args); err != nil {
		return err
	}
	a, err := app.New(ctx, d.config(e))
	if err != nil {
		return err
	}
	defer a.Close()
	fmt.Fprintln(e.stdout, "database is up to date")
	return nil
}

func seedDemo(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "demo", "[--data DIR] [--database-url URL]")
	var d dbFlags
	d.register(fs, e)
	if err := parse(fs, args); err != nil {
		return err
	}
	cfg := d.config(e)
	cfg.Demo = true
	a, err := app.New(ctx, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	if !a.Seeded {
		return fmt.Errorf("the database is not empty; the demo is only seeded into an empty database")
	}
	fmt.Fprintln(e.stdout, "demo seeded")
	return nil
}
