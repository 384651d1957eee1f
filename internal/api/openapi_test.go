package api

import (
	"encoding/json"
	"net/http/httptest"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/bakenhq/baken/internal/store"
	"github.com/bakenhq/baken/internal/store/storetest"
)

var httpMethods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

type openAPIOp struct {
	Security    *[]any          `json:"security"`
	RequestBody json.RawMessage `json:"requestBody"`
	Responses   map[string]any  `json:"responses"`
	OperationID string          `json:"operationId"`
}

func loadOpenAPI(t *testing.T) (raw map[string]any, ops map[string]openAPIOp) {
	t.Helper()
	if err := json.Unmarshal(openAPIDoc, &raw); err != nil {
		t.Fatalf("openapi.json is not JSON: %v", err)
	}
	if raw["openapi"] != "3.1.0" {
		t.Fatalf("openapi version %v", raw["openapi"])
	}
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(openAPIDoc, &doc); err != nil {
		t.Fatal(err)
	}
	ops = map[string]openAPIOp{}
	for path, item := range doc.Paths {
		for key, v := range item {
			if !slices.Contains(httpMethods, key) {
				continue
			}
			var op openAPIOp
			if err := json.Unmarshal(v, &op); err != nil {
				t.Fatalf("%s %s: %v", key, path, err)
			}
			ops[strings.ToUpper(key)+" "+path] = op
		}
	}
	return raw, ops
}

// TestOpenAPIMatchesRoutes: every documented path and method is routed,
// every route is documented, public routes are exactly the ones without
// security, and bodies are documented where routes take them.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		_, ops := loadOpenAPI(t)
		routes := map[string]route{}
		for _, rt := range w.srv.routes() {
			routes[rt.Pattern()] = rt
		}
		for pattern := range routes {
			if _, ok := ops[pattern]; !ok {
				t.Errorf("route %s is not in openapi.json", pattern)
			}
		}
		ids := map[string]string{"sites": w.A.Site2.ID, "teams": w.A.Team.ID, "people": w.A.Employee.ID, "projects": w.A.Project.ID, "lessons": w.A.Lesson.ID}
		names := make([]string, 0, len(ops))
		for k := range ops {
			names = append(names, k)
		}
		sort.Strings(names)
		seenIDs := map[string]bool{}
		for _, pattern := range names {
			op := ops[pattern]
			method, path, _ := strings.Cut(pattern, " ")
			if seenIDs[op.OperationID] {
				t.Errorf("%s: operationId %q used twice", pattern, op.OperationID)
			}
			seenIDs[op.OperationID] = true
			rt, ok := routes[pattern]
			if !ok {
				t.Errorf("openapi.json documents %s, which is not a route", pattern)
				continue
			}
			// The real mux sends the documented request to that route.
			concrete := path
			if strings.Contains(path, "{id}") {
				resource := strings.Split(strings.TrimPrefix(path, Prefix+"/"), "/")[0]
				concrete = strings.ReplaceAll(path, "{id}", ids[resource])
			}
			req := httptest.NewRequest(method, concrete, nil)
			if _, got := w.srv.mux.Handler(req); got != pattern {
				t.Errorf("%s: the mux routes %s %s to %q", pattern, method, concrete, got)
			}
			// And over HTTP it is neither 404-no-such-endpoint nor 405.
			body := validBody[pattern]
			res := w.do(method, concrete, "admin", body)
			if res.Status == 405 || strings.Contains(string(res.Body), "no such endpoint") {
				t.Errorf("%s: %d %s", pattern, res.Status, res.Body)
			}
			if got := op.Security != nil && len(*op.Security) == 0; got != rt.Public {
				t.Errorf("%s: documented public=%v, routed public=%v", pattern, got, rt.Public)
			}
			if !rt.Public && op.Responses["401"] == nil {
				t.Errorf("%s: 401 not documented", pattern)
			}
			if got := len(op.RequestBody) > 0; got != rt.Body {
				t.Errorf("%s: documented body=%v, route body=%v", pattern, got, rt.Body)
			}
			if rt.Body {
				for _, status := range []string{"400", "413", "415", "422"} {
					if op.Responses[status] == nil {
						t.Errorf("%s: takes a body but does not document %s", pattern, status)
					}
				}
			}
			if strings.Contains(path, "{id}") && op.Responses["404"] == nil {
				t.Errorf("%s: 404 not documented", pattern)
			}
		}
	})
}

// TestOpenAPIRefsResolve: every $ref points at something that exists.
func TestOpenAPIRefsResolve(t *testing.T) {
	raw, _ := loadOpenAPI(t)
	var walk func(v any)
	n := 0
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if ref, ok := v["$ref"].(string); ok {
				n++
				var cur any = raw
				for _, part := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
					m, ok := cur.(map[string]any)
					if !ok || m[part] == nil {
						t.Errorf("$ref %s does not resolve", ref)
						return
					}
					cur = m[part]
				}
			}
			for _, x := range v {
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(raw)
	if n < 20 {
		t.Fatalf("only %d $refs: the document lost its structure", n)
	}
}

// TestOpenAPISchemasMatchTypes: the documented properties of each schema
// are exactly the JSON fields of the Go type that produces or reads it,
// and response schemas require every field (the API always sends them).
func TestOpenAPISchemasMatchTypes(t *testing.T) {
	raw, _ := loadOpenAPI(t)
	schemas := raw["components"].(map[string]any)["schemas"].(map[string]any)
	for name, c := range map[string]struct {
		v      any
		output bool
	}{
		"Site": {siteJSON{}, true}, "SiteInput": {siteInput{}, false},
		"Team": {teamJSON{}, true}, "TeamInput": {teamInput{}, false},
		"Person": {personJSON{}, true}, "PersonInput": {personInput{}, false},
		"Me": {meJSON{}, true}, "Error": {errorBody{}, true},
		"Project": {projectJSON{}, true}, "ProjectMember": {projectMemberJSON{}, true}, "ProjectCompetence": {projectCompetenceJSON{}, true},
		"VolunteerInput": {volunteerInput{}, false}, "VolunteerResult": {volunteerJSON{}, true},
		"Lesson": {lessonJSON{}, true}, "LessonInput": {lessonInput{}, false},
	} {
		schema, ok := schemas[name].(map[string]any)
		if !ok {
			t.Errorf("schema %s missing", name)
			continue
		}
		if schema["additionalProperties"] != false {
			t.Errorf("schema %s: additionalProperties must be false", name)
		}
		var documented []string
		for k := range schema["properties"].(map[string]any) {
			documented = append(documented, k)
		}
		sort.Strings(documented)
		fields, required := jsonFields(reflect.TypeOf(c.v))
		if !slices.Equal(documented, fields) {
			t.Errorf("schema %s documents %v; the Go type has %v", name, documented, fields)
		}
		if c.output {
			var req []string
			for _, r := range schema["required"].([]any) {
				req = append(req, r.(string))
			}
			sort.Strings(req)
			if !slices.Equal(req, required) {
				t.Errorf("schema %s requires %v; the Go type always sends %v", name, req, required)
			}
		}
	}
}

func jsonFields(t reflect.Type) (all, always []string) {
	for i := 0; i < t.NumField(); i++ {
		name, opts, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name == "" || name == "-" {
			continue
		}
		all = append(all, name)
		if !strings.Contains(opts, "omitempty") {
			always = append(always, name)
		}
	}
	sort.Strings(all)
	sort.Strings(always)
	return all, always
}

// TestOpenAPIServed: the document is served as is, without a token.
func TestOpenAPIServed(t *testing.T) {
	w := newWorld(t, storetest.SQLite(t))
	res := w.do("GET", "/api/v1/openapi.json", "", "")
	if res.Status != 200 || string(res.Body) != string(openAPIDoc) {
		t.Fatalf("GET openapi.json: %d", res.Status)
	}
}
