package xapi

import (
	"encoding/json"
	"net/http"
)

// mergeDefinition returns old updated by def, as a new map (neither is
// changed): language maps and extensions are merged key by key, every
// other property of def replaces the stored one.
func mergeDefinition(old, def map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range old {
		out[k] = deepCopy(v)
	}
	for k, v := range def {
		switch k {
		case "name", "description", "extensions":
			prev, _ := out[k].(map[string]any)
			add, ok := v.(map[string]any)
			if prev == nil || !ok {
				out[k] = deepCopy(v)
				continue
			}
			for lk, lv := range add {
				prev[lk] = deepCopy(lv)
			}
		default:
			out[k] = deepCopy(v)
		}
	}
	return out
}

// activities answers GET /activities: the stored definition, or an
// Activity with just its id.
func (h *Handler) activities(req *request) error {
	if req.method != http.MethodGet && req.method != http.MethodHead {
		return fail(http.StatusMethodNotAllowed, "the activities resource answers GET")
	}
	if err := checkParams(req.params, "activityId"); err != nil {
		return err
	}
	id := req.params.Get("activityId")
	if id == "" || !ValidIRI(id) {
		return fail(http.StatusBadRequest, "activityId is required and must be an IRI")
	}
	act := map[string]any{"objectType": "Activity", "id": id}
	def, err := h.db.XAPIActivity(req.ctx, req.cred.OrgID, id)
	if err == nil {
		var d map[string]any
		if json.Unmarshal(def, &d) == nil && len(d) > 0 {
			act["definition"] = d
		}
	}
	writeJSON(req, http.StatusOK, encodeJSON(act))
	return nil
}

// agents answers GET /agents with a Person object.
func (h *Handler) agents(req *request) error {
	if req.method != http.MethodGet && req.method != http.MethodHead {
		return fail(http.StatusMethodNotAllowed, "the agents resource answers GET")
	}
	if err := checkParams(req.params, "agent"); err != nil {
		return err
	}
	a, ok := req.params["agent"]
	if !ok {
		return fail(http.StatusBadRequest, "agent is required")
	}
	if _, err := parseAgentParam(a[0], req.v == V200); err != nil {
		return err
	}
	var o map[string]any
	_ = decodeJSON([]byte(a[0]), &o)
	person := map[string]any{"objectType": "Person"}
	if n, ok := o["name"]; ok {
		person["name"] = []any{n}
	}
	for _, k := range []string{"mbox", "mbox_sha1sum", "openid", "account"} {
		if x, ok := o[k]; ok {
			person[k] = []any{x}
		}
	}
	writeJSON(req, http.StatusOK, encodeJSON(person))
	return nil
}
