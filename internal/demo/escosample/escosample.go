// Package escosample holds the manufacturing part of the official ESCO
// v1.1.1 release (856 occupations in the ISCO-08 groups of manufacturing,
// the 5,392 skills they name, every skill group, and their relations; the
// Dutch labels the shared data has), cut by tools/escosample, so that the
// demo shows ESCO without a download. ESCO is the European Commission's,
// free to reuse under Commission Decision 2011/833/EU; every page showing
// it says so. The demo does not import it by itself (ESCO in the search
// index costs a small server memory it may not want); the import page
// offers it in one click.
package escosample

import (
	"compress/gzip"
	"context"
	"embed"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/bakenhq/baken/internal/esco"
	"github.com/bakenhq/baken/internal/store"
)

//go:embed en/*.csv.gz nl/*.csv.gz
var files embed.FS

// Version names the sample as an ESCO version, so that the frameworks page
// shows it is not the whole classification.
const Version = "v1.1.1-manufacturing-sample"

// Import unpacks the sample into a temporary folder and imports it like
// an official release.
func Import(ctx context.Context, db *store.DB) (*esco.Report, error) {
	dir, err := os.MkdirTemp("", "baken-esco-sample-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	en, nl, err := Unpack(dir)
	if err != nil {
		return nil, err
	}
	return esco.Import(ctx, db, en, nl, nil)
}

// Unpack writes the sample's CSV files below dir, laid out as the ESCO
// importer reads them, and returns the English and Dutch folders.
func Unpack(dir string) (en, nl string, err error) {
	en, nl = filepath.Join(dir, Version, "en"), filepath.Join(dir, "nl")
	err = fs.WalkDir(files, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		target := filepath.Join(en, strings.TrimSuffix(path.Base(p), ".gz"))
		if strings.HasPrefix(p, "nl/") {
			target = filepath.Join(nl, strings.TrimSuffix(path.Base(p), ".gz"))
		}
		return unzip(p, target)
	})
	return en, nl, err
}

func unzip(name, target string) error {
	f, err := files.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(target), 0o700); err != nil {
		return err
	}
	out, err := os.Create(target)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, zr); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
