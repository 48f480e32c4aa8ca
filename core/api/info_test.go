package api

import (
	"fmt"
	"net/url"
	"testing"
)

// TestAnthropicPage: Anthropic's list parameters page the model list as its
// API does — limit (default 20, 1–1000), after_id and before_id cursors,
// has_more when models lie beyond the page — and a bad one is refused naming
// it.
func TestAnthropicPage(t *testing.T) {
	var data []anthropicModel
	for i := range 25 {
		data = append(data, anthropicModel{ID: fmt.Sprintf("m%02d", i)})
	}
	ids := func(page []anthropicModel) string {
		if len(page) == 0 {
			return ""
		}
		return page[0].ID + ".." + page[len(page)-1].ID + fmt.Sprintf("(%d)", len(page))
	}
	for _, c := range []struct {
		query, want string
		more        bool
		param       string
	}{
		{"", "m00..m19(20)", true, ""},
		{"limit=1000", "m00..m24(25)", false, ""},
		{"limit=5&after_id=m19", "m20..m24(5)", false, ""},
		{"limit=5&after_id=m18", "m19..m23(5)", true, ""},
		{"after_id=m24", "", false, ""},
		{"limit=3&before_id=m10", "m07..m09(3)", true, ""},
		{"limit=3&before_id=m02", "m00..m01(2)", false, ""},
		{"limit=0", "", false, "limit"},
		{"limit=1001", "", false, "limit"},
		{"limit=two", "", false, "limit"},
		{"after_id=nope", "", false, "after_id"},
		{"before_id=nope", "", false, "before_id"},
		{"after_id=m01&before_id=m05", "", false, "before_id"},
	} {
		q, _ := url.ParseQuery(c.query)
		page, more, param, err := anthropicPage(data, q)
		if c.param != "" {
			if err == nil || param != c.param {
				t.Errorf("%s: error %v naming %q, want one naming %q", c.query, err, param, c.param)
			}
			continue
		}
		if err != nil || ids(page) != c.want || more != c.more {
			t.Errorf("%s: %s more=%v err=%v, want %s more=%v", c.query, ids(page), more, err, c.want, c.more)
		}
	}
}
