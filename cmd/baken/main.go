// Command baken is the whole Baken platform in one binary: the server and
// the administration commands. Run without arguments it serves the demo.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"

	"github.com/bakenhq/baken/internal/app"
)

// command is one subcommand. Run returns an error to print; a usageError
// exits 2, anything else 1.
type command struct {
	summary string
	run     func(ctx context.Context, env *env, args []string) error
}

// commands is filled by each command file's init.
var commands = map[string]command{}

type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// env is the process environment, replaceable in tests.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, &env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv}, os.Args[1:]))
}

func run(ctx context.Context, e *env, args []string) int {
	name := "serve"
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		// `go run ./cmd/baken [flags]` on a fresh machine: serve with the
		// demo, so that a newcomer sees the product working.
		args = append([]string{"--demo"}, args...)
	} else {
		name, args = args[0], args[1:]
	}
	cmd, ok := commands[name]
	if !ok {
		fmt.Fprintf(e.stderr, "baken: unknown command %q; run 'baken help' for the list\n", name)
		return 2
	}
	err := cmd.run(ctx, e, args)
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	}
	var ue usageError
	if errors.As(err, &ue) {
		fmt.Fprintf(e.stderr, "baken %s: %s\n", name, ue.msg)
		return 2
	}
	fmt.Fprintf(e.stderr, "baken %s: %v\n", name, err)
	return 1
}

// newFlags makes a flag set that reports errors instead of exiting.
func newFlags(e *env, name, usage string) *flag.FlagSet {
	fs := flag.NewFlagSet("baken "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "usage: baken %s %s\n", name, usage)
		fs.PrintDefaults()
	}
	return fs
}

// parse parses flags and turns flag errors into usage errors (exit 2).
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err.Error()}
	}
	return nil
}

// dbFlags are the flags every command that opens the database shares.
type dbFlags struct {
	data, databaseURL string
}

func (d *dbFlags) register(fs *flag.FlagSet, e *env) {
	fs.StringVar(&d.data, "data", envOr(e, "BAKEN_DATA", "baken-data"), "data folder for the embedded SQLite database (env BAKEN_DATA)")
	fs.StringVar(&d.databaseURL, "database-url", e.getenv("BAKEN_DATABASE_URL"), "PostgreSQL URL, postgres://… (env BAKEN_DATABASE_URL); empty uses SQLite")
}

func (d *dbFlags) config(e *env) app.Config {
	return app.Config{DataDir: d.data, DatabaseURL: d.databaseURL, Logger: logger(e)}
}

func envOr(e *env, key, def string) string {
	if v := e.getenv(key); v != "" {
		return v
	}
	return def
}

func logger(e *env) *slog.Logger {
	level := slog.LevelInfo
	switch strings.ToLower(e.getenv("BAKEN_LOG_LEVEL")) {
	case "debug":
		level = slog.LevelDebug
	case "warn":
		level = slog.LevelWarn
	case "error":
		level = slog.LevelError
	}
	opts := &slog.HandlerOptions{Level: level}
	if strings.ToLower(e.getenv("BAKEN_LOG_FORMAT")) == "json" {
		return slog.New(slog.NewJSONHandler(e.stderr, opts))
	}
	return slog.New(slog.NewTextHandler(e.stderr, opts))
}

func init() {
	commands["help"] = command{"show the commands", func(ctx context.Context, e *env, args []string) error {
		fmt.Fprint(e.stdout, "Baken: lifelong learning and competence development for manufacturing.\n\nusage: baken [command] [flags]\n\ncommands:\n")
		names := make([]string, 0, len(commands))
		for n := range commands {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			fmt.Fprintf(e.stdout, "  %-10s %s\n", n, commands[n].summary)
		}
		fmt.Fprint(e.stdout, "\nWithout a command, baken serves at http://localhost:8080 with demo data.\nRun 'baken COMMAND -h' for a command's flags.\n")
		return nil
	}}
	commands["version"] = command{"print the version", func(ctx context.Context, e *env, args []string) error {
		fmt.Fprintf(e.stdout, "baken %s\n", app.Version)
		return nil
	}}
}
