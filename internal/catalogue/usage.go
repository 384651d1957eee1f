package catalogue

import "time"

// Usage is one thing a person did with an item: opened it, finished it,
// declared they can do it now, said whether it helped. PlaceID is set when
// the item was opened from a place (its QR code).
type Usage struct {
	ID       string
	OrgID    string
	ItemID   string
	PersonID string
	PlaceID  string
	Kind     UsageKind
	Comment  string
	At       time.Time
}

// UsageStats is what an author sees of an item's use.
type UsageStats struct {
	Counts   map[UsageKind]int // by kind, all time
	People   int               // distinct people who opened or used it
	ByPlace  []PlaceCount      // where it was opened from, most first
	Comments []Feedback        // newest first
}

// PlaceCount is how often an item was used at one place.
type PlaceCount struct {
	PlaceID string
	Code    string
	Name    string
	Count   int
}

// Feedback is a "this helped" or "did not help" with its comment.
type Feedback struct {
	Kind       UsageKind
	Comment    string
	At         time.Time
	PersonName string
	PlaceCode  string
}

// Count returns the number of usages of kind k (for templates).
func (s *UsageStats) Count(k string) int { return s.Counts[UsageKind(k)] }
