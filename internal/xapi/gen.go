package xapi

import (
	"fmt"
	"math/rand/v2"

	"github.com/bakenhq/baken/internal/core"
)

// Verbs used by generated statements (ADL vocabulary).
var genVerbs = []string{
	"http://adlnet.gov/expapi/verbs/completed", "http://adlnet.gov/expapi/verbs/passed",
	"http://adlnet.gov/expapi/verbs/failed", "http://adlnet.gov/expapi/verbs/attempted",
	"http://adlnet.gov/expapi/verbs/experienced", "http://adlnet.gov/expapi/verbs/answered",
	"http://adlnet.gov/expapi/verbs/launched", "http://adlnet.gov/expapi/verbs/progressed",
	"http://adlnet.gov/expapi/verbs/scored", "http://adlnet.gov/expapi/verbs/interacted",
}

// GenVerb returns the i-th verb of the generator's vocabulary.
func GenVerb(i int) string { return genVerbs[i%len(genVerbs)] }

// GenAgentMbox is the mbox of generated agent i.
func GenAgentMbox(i int) string { return fmt.Sprintf("mailto:operator%05d@hofman-metaal.example", i) }

// GenStatement returns a realistic statement of about 1 KB, with context
// and result, as a factory's learning content sends it: agent, verb and
// activity are drawn from pools of the given sizes. Load generators and
// benchmarks use it.
func GenStatement(r *rand.Rand, agents, activities int) map[string]any {
	a := r.IntN(agents)
	v := r.IntN(len(genVerbs))
	act := r.IntN(activities)
	course := act / 10
	scaled := float64(r.IntN(101)) / 100
	return map[string]any{
		"id": core.NewID(),
		"actor": map[string]any{
			"objectType": "Agent", "name": fmt.Sprintf("Operator %05d", a), "mbox": GenAgentMbox(a),
		},
		"verb": map[string]any{"id": genVerbs[v], "display": map[string]any{"en-US": genVerbs[v][31:]}},
		"object": map[string]any{
			"objectType": "Activity",
			"id":         fmt.Sprintf("https://lms.hofman-metaal.example/courses/%d/modules/%d", course, act),
			"definition": map[string]any{
				"name":        map[string]any{"en-US": fmt.Sprintf("Module %d: cobot teaching", act), "nl-NL": fmt.Sprintf("Module %d: cobot leren", act)},
				"description": map[string]any{"en-US": "Teach a collaborative robot a pick-and-place path safely."},
				"type":        "http://adlnet.gov/expapi/activities/module",
			},
		},
		"result": map[string]any{
			"score":      map[string]any{"scaled": scaled, "raw": scaled * 100, "min": 0, "max": 100},
			"success":    scaled >= 0.6,
			"completion": true,
			"duration":   fmt.Sprintf("PT%dM%dS", 1+r.IntN(30), r.IntN(60)),
			"extensions": map[string]any{"https://baken.invalid/xapi/ext/attempt": 1 + r.IntN(3)},
		},
		"context": map[string]any{
			"registration": core.NewID(),
			"instructor":   map[string]any{"name": "Trainer", "mbox": "mailto:trainer@hofman-metaal.example"},
			"contextActivities": map[string]any{
				"parent":   []any{map[string]any{"id": fmt.Sprintf("https://lms.hofman-metaal.example/courses/%d", course)}},
				"grouping": []any{map[string]any{"id": "https://lms.hofman-metaal.example/programmes/industry-4"}},
				"category": []any{map[string]any{"id": "https://w3id.org/xapi/cmi5/context/categories/moveon"}},
			},
			"platform": "Hofman LMS",
			"language": "nl-NL",
			"extensions": map[string]any{
				"https://baken.invalid/xapi/ext/site":    "Enschede",
				"https://baken.invalid/xapi/ext/machine": fmt.Sprintf("cobot-cell-%d", 1+act%4),
			},
		},
		"timestamp": "2026-11-27T07:30:42.123Z",
	}
}
