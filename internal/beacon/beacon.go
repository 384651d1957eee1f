// Package beacon keeps one compiled gap model per organisation in memory
// so that pages, the JSON API and the exports answer from the same numbers
// without reloading evidence on every request. A model is rebuilt when
// the organisation's data version (store.GapVersion) changes, and at the
// latest after MaxAge (expiries follow the clock).
package beacon

import (
	"context"
	"sync"
	"time"

	"github.com/bakenhq/baken/internal/gap"
	"github.com/bakenhq/baken/internal/store"
)

// MaxAge bounds how long a model is used without a rebuild.
const MaxAge = 5 * time.Minute

type key struct {
	org    string
	drafts bool
}

type entry struct {
	version string
	built   time.Time
	model   *gap.Model
	mu      sync.Mutex // one rebuild at a time per key
}

// Service hands out gap models.
type Service struct {
	db  *store.DB
	mu  sync.Mutex
	m   map[key]*entry
	Now func() time.Time
}

var (
	servicesMu sync.Mutex
	services   = map[*store.DB]*Service{}
)

// For returns the one service of a database, so that every delivery
// package shares its cache.
func For(db *store.DB) *Service {
	servicesMu.Lock()
	defer servicesMu.Unlock()
	s := services[db]
	if s == nil {
		s = &Service{db: db, m: map[key]*entry{}, Now: time.Now}
		services[db] = s
	}
	return s
}

func (s *Service) entry(k key) *entry {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.m[k]
	if e == nil {
		e = &entry{}
		s.m[k] = e
	}
	return e
}

// Model returns the gap model of orgID: published roadmap items only, or
// with drafts (management's preview). Safe for concurrent use; the model
// returned must not be changed.
func (s *Service) Model(ctx context.Context, orgID string, drafts bool) (*gap.Model, error) {
	v, err := s.db.GapVersion(ctx, orgID)
	if err != nil {
		return nil, err
	}
	e := s.entry(key{orgID, drafts})
	e.mu.Lock()
	defer e.mu.Unlock()
	now := s.Now().UTC()
	if e.model != nil && e.version == v && now.Sub(e.built) < MaxAge {
		return e.model, nil
	}
	in, err := s.db.GapInput(ctx, orgID, now, drafts)
	if err != nil {
		return nil, err
	}
	e.model, e.version, e.built = gap.Build(in), v, now
	return e.model, nil
}

// Prime stores a model built elsewhere under the organisation's current
// version (benchmarks and tests that generate data in memory).
func (s *Service) Prime(ctx context.Context, orgID string, drafts bool, m *gap.Model) error {
	v, err := s.db.GapVersion(ctx, orgID)
	if err != nil {
		return err
	}
	e := s.entry(key{orgID, drafts})
	e.mu.Lock()
	e.model, e.version, e.built = m, v, s.Now().UTC()
	e.mu.Unlock()
	return nil
}

// Forget drops the cached models of orgID (after a change the version
// does not see, such as a role profile assignment).
func (s *Service) Forget(orgID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, key{orgID, false})
	delete(s.m, key{orgID, true})
}
