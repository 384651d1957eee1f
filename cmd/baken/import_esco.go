package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/bakenhq/baken/internal/esco"
)

func init() {
	importers["esco"] = command{"import the ESCO classification: import esco DIR [--nl DIR]", importESCO}
	importers["digcomp"] = command{"import DigComp 3.0: import digcomp DIR", importDigComp}
}

// importESCO imports ESCO's official CSV files (English in DIR, Dutch in
// --nl) for the whole platform, with a progress bar on stderr.
func importESCO(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "import esco", "DIR [--nl DIR]")
	var d dbFlags
	d.register(fs, e)
	nl := fs.String("nl", "", "folder with Dutch ESCO files (skills_nl.csv, occupations_nl…, skillGroups_nl…)")
	var dir string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		dir, args = args[0], args[1:]
	}
	if err := parse(fs, args); err != nil {
		return err
	}
	if dir == "" && fs.NArg() > 0 {
		dir = fs.Arg(0)
	}
	if dir == "" {
		return usageError{"usage: baken import esco DIR [--nl DIR]"}
	}
	a, err := openDB(ctx, e, d)
	if err != nil {
		return err
	}
	defer a.Close()
	start := time.Now()
	rep, err := esco.Import(ctx, a.DB, dir, *nl, e.stderr)
	if err != nil {
		return fmt.Errorf("%w; nothing was imported", err)
	}
	fmt.Fprintf(e.stdout, "imported %s in %s\n", rep, time.Since(start).Round(time.Millisecond))
	return nil
}

func importDigComp(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "import digcomp", "DIR")
	var d dbFlags
	d.register(fs, e)
	var dir string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		dir, args = args[0], args[1:]
	}
	if err := parse(fs, args); err != nil {
		return err
	}
	if dir == "" && fs.NArg() > 0 {
		dir = fs.Arg(0)
	}
	if dir == "" {
		return usageError{"usage: baken import digcomp DIR"}
	}
	a, err := openDB(ctx, e, d)
	if err != nil {
		return err
	}
	defer a.Close()
	set, err := esco.ImportDigComp(ctx, a.DB, dir)
	if err != nil {
		return fmt.Errorf("%w; nothing was imported", err)
	}
	fmt.Fprintf(e.stdout, "imported DigComp %s: %d areas and competences, %d proficiency levels\n", set.Version, len(set.Items), len(set.Levels)-1)
	return nil
}
