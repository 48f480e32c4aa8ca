// Package guard is the guard-injection stage: it validates a request against
// the configured limits (prompt length, temperature, max_tokens, model) and
// scans the prompt for injections and jailbreaks with package detect,
// blocking or only reporting what it finds.
package guard

import (
	"context"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/llmgw/llmgw/plugins/guard-injection/detect"
	sdk "github.com/llmgw/llmgw/sdk/go"
)

// Modes of the stage.
const (
	// ModeBlock rejects a prompt whose score reaches the threshold.
	ModeBlock = "block"
	// ModeFlag serves it, marks the answer with the HeaderGuard header and
	// reports the detection (counted by the host, annotated on the trace):
	// the way to trial a guard in production.
	ModeFlag = "flag"
	// ModeMonitor is the older name of ModeFlag, still accepted.
	ModeMonitor = "monitor"
)

// HeaderGuard marks an answer served in flag mode despite a detection:
// "flagged;category=<category>".
const HeaderGuard = "X-LLMGW-Guard"

// CategoryIndirect is the category of a detection in a tool result (a
// "tool" or "function" message): text the application fetched and hands to
// the model, where an instruction is an indirect injection whatever kind the
// detector saw.
const CategoryIndirect = "indirect_injection"

// categories are the verdict categories, the keys `thresholds` accepts.
var categories = []string{detect.CategoryInjection, detect.CategoryJailbreak, detect.CategoryPromptLeak,
	detect.CategoryTemplateToken, detect.CategoryObfuscation, CategoryIndirect}

// DefaultThreshold is the score from which a prompt is flagged. It was chosen
// from held-out (cross-validated) measurements; see the README.
const DefaultThreshold = 0.25

// Config is the stage's `config = { … }` block in pipeline.hcl.
type Config struct {
	// MaxPromptChars caps each message's content, in characters (runes). Default 2000.
	MaxPromptChars *int `json:"max_prompt_chars"`
	// MinTemperature and MaxTemperature bound temperature. Defaults 0.0 and 1.0.
	MinTemperature *float64 `json:"min_temperature"`
	MaxTemperature *float64 `json:"max_temperature"`
	// MaxTokensLimit is the largest max_tokens a client may ask for. Default 4096.
	MaxTokensLimit *int `json:"max_tokens_limit"`
	// Threshold is the detector score from which a prompt is flagged. Default DefaultThreshold.
	Threshold *float64 `json:"threshold"`
	// Mode is "block" (default) or "flag" ("monitor" is accepted as flag).
	Mode string `json:"mode"`
	// Thresholds overrides Threshold per verdict category
	// (injection, jailbreak, prompt_leak, template_token, obfuscation,
	// indirect_injection).
	Thresholds map[string]float64 `json:"thresholds"`
	// AllowPrompts are exact message contents never scanned (validated still).
	AllowPrompts []string `json:"allow_prompts"`
	// AllowPatterns are Go regular expressions (RE2); a message one matches
	// is not scanned. Anchor them (^…$) to allow whole prompts only.
	AllowPatterns []string `json:"allow_patterns"`
	// StripPatterns are Go regular expressions (RE2) whose matches are cut
	// out of every text before it is scanned (the rest is still scanned):
	// the fixed boilerplate a client puts around its users' words, such as
	// a coding agent's context block. Write them to match that fixed text
	// only — what they match is never scanned.
	StripPatterns []string `json:"strip_patterns"`
	// ScanCacheEntries is how many verdicts of texts of 128 bytes and more
	// the stage remembers, so that the history a chat client re-sends with
	// every turn is not scanned again (cache.go). Default
	// DefaultScanCacheEntries; 0 turns the cache off.
	ScanCacheEntries *int `json:"scan_cache_entries"`
	// CheckModel requires the model to be one the pipeline defines. Default true.
	CheckModel *bool `json:"check_model"`
	// ChatLimits are the limits on the chat routes (/v1/chat/completions,
	// /v1/responses, /v1/messages), whose requests carry whole conversations
	// and agents' long system prompts; a field left out keeps the value
	// above, which /generate always uses.
	ChatLimits *LimitsConfig `json:"chat_limits"`
}

// LimitsConfig is chat_limits: the limits above, for the chat routes.
type LimitsConfig struct {
	MaxPromptChars *int     `json:"max_prompt_chars"`
	MinTemperature *float64 `json:"min_temperature"`
	MaxTemperature *float64 `json:"max_temperature"`
	MaxTokensLimit *int     `json:"max_tokens_limit"`
}

// Limits are the validation limits of a route.
type Limits struct {
	MaxPromptChars int
	MinTemperature float64
	MaxTemperature float64
	MaxTokensLimit int
}

// resolve fills l from c (the fields c sets), checking each; prefix names
// the fields in errors.
func (c *LimitsConfig) resolve(l *Limits, prefix string) error {
	if c == nil {
		return nil
	}
	if c.MaxPromptChars != nil {
		if *c.MaxPromptChars <= 0 {
			return sdk.ConfigError("field %q: must be positive, got %d", prefix+"max_prompt_chars", *c.MaxPromptChars)
		}
		l.MaxPromptChars = *c.MaxPromptChars
	}
	if c.MinTemperature != nil {
		l.MinTemperature = *c.MinTemperature
	}
	if c.MaxTemperature != nil {
		l.MaxTemperature = *c.MaxTemperature
	}
	if l.MinTemperature < 0 || l.MaxTemperature < l.MinTemperature || math.IsNaN(l.MinTemperature) || math.IsNaN(l.MaxTemperature) {
		return sdk.ConfigError("field %q: temperature range [%g, %g] is invalid", prefix+"max_temperature", l.MinTemperature, l.MaxTemperature)
	}
	if c.MaxTokensLimit != nil {
		if *c.MaxTokensLimit <= 0 {
			return sdk.ConfigError("field %q: must be positive, got %d", prefix+"max_tokens_limit", *c.MaxTokensLimit)
		}
		l.MaxTokensLimit = *c.MaxTokensLimit
	}
	return nil
}

// Settings are the effective settings after defaults: the limits (of
// /generate; Chat those of the chat routes) and the detection's.
type Settings struct {
	Limits
	Chat          Limits
	Threshold     float64
	Thresholds    map[string]float64
	Mode          string
	CheckModel    bool
	AllowPrompts  map[string]bool
	AllowPatterns []*regexp.Regexp
	StripPatterns []*regexp.Regexp
	// ScanCacheEntries is the scan cache's size (0: no cache).
	ScanCacheEntries int
}

// Stripped is text with what StripPatterns match cut out (each match
// replaced by a space, so the words around it stay apart). A pattern that
// does not match leaves text as it is, uncopied: ReplaceAllLiteralString
// copies the whole text even then, twice, and on a coding agent's
// history, where most messages match none of the shipped patterns, those
// copies were most of the stage's time (BenchmarkAgentSession).
func (s Settings) Stripped(text string) string {
	for _, re := range s.StripPatterns {
		if re.MatchString(text) {
			text = re.ReplaceAllLiteralString(text, " ")
		}
	}
	return text
}

// thresholdFor is the score from which a verdict of category cat is flagged.
func (s Settings) thresholdFor(cat string) float64 {
	if t, ok := s.Thresholds[cat]; ok {
		return t
	}
	return s.Threshold
}

// Flags reports whether the stage acts on verdict v (its score reaches its
// category's threshold).
func (s Settings) Flags(v detect.Verdict) bool {
	return v.Category != "" && v.Score >= s.thresholdFor(v.Category)
}

// Allowed reports whether the allow-list exempts a message from scanning.
func (s Settings) Allowed(content string) bool {
	if s.AllowPrompts[content] {
		return true
	}
	for _, re := range s.AllowPatterns {
		if re.MatchString(content) {
			return true
		}
	}
	return false
}

// Resolve checks c and fills in the defaults.
func (c Config) Resolve() (Settings, error) {
	s := Settings{Limits: Limits{MaxPromptChars: 2000, MinTemperature: 0, MaxTemperature: 1, MaxTokensLimit: 4096},
		Threshold: DefaultThreshold, Mode: ModeBlock, CheckModel: true, ScanCacheEntries: DefaultScanCacheEntries}
	top := LimitsConfig{MaxPromptChars: c.MaxPromptChars, MinTemperature: c.MinTemperature, MaxTemperature: c.MaxTemperature, MaxTokensLimit: c.MaxTokensLimit}
	if err := top.resolve(&s.Limits, ""); err != nil {
		return s, err
	}
	s.Chat = s.Limits
	if err := c.ChatLimits.resolve(&s.Chat, "chat_limits."); err != nil {
		return s, err
	}
	if c.Threshold != nil {
		if !validThreshold(*c.Threshold) {
			return s, sdk.ConfigError("field %q: must be in (0, 1], got %g", "threshold", *c.Threshold)
		}
		s.Threshold = *c.Threshold
	}
	if err := c.resolveDetection(&s); err != nil {
		return s, err
	}
	if c.ScanCacheEntries != nil {
		if *c.ScanCacheEntries < 0 {
			return s, sdk.ConfigError("field %q: must be 0 (no cache) or more, got %d", "scan_cache_entries", *c.ScanCacheEntries)
		}
		s.ScanCacheEntries = *c.ScanCacheEntries
	}
	if c.CheckModel != nil {
		s.CheckModel = *c.CheckModel
	}
	return s, nil
}

func validThreshold(t float64) bool { return t > 0 && t <= 1 }

// resolveDetection checks and fills what decides a detection's fate: the
// mode, the per-category thresholds, the allow-list and what is stripped.
func (c Config) resolveDetection(s *Settings) error {
	switch c.Mode {
	case "":
	case ModeBlock, ModeFlag:
		s.Mode = c.Mode
	case ModeMonitor:
		s.Mode = ModeFlag
	default:
		return sdk.ConfigError("field %q: must be %q or %q, got %q", "mode", ModeBlock, ModeFlag, c.Mode)
	}
	for cat, t := range c.Thresholds {
		if !slices.Contains(categories, cat) {
			return sdk.ConfigError("field %q: unknown category %q; categories are %s", "thresholds", cat, strings.Join(categories, ", "))
		}
		if !validThreshold(t) {
			return sdk.ConfigError("field %q: %s must be in (0, 1], got %g", "thresholds", cat, t)
		}
		if s.Thresholds == nil {
			s.Thresholds = map[string]float64{}
		}
		s.Thresholds[cat] = t
	}
	for i, p := range c.AllowPrompts {
		if strings.TrimSpace(p) == "" {
			return sdk.ConfigError("field %q: entry %d is empty", "allow_prompts", i)
		}
		if s.AllowPrompts == nil {
			s.AllowPrompts = map[string]bool{}
		}
		s.AllowPrompts[p] = true
	}
	for i, p := range c.AllowPatterns {
		if p == "" {
			return sdk.ConfigError("field %q: entry %d is empty", "allow_patterns", i)
		}
		re, err := regexp.Compile(p)
		if err != nil {
			return sdk.ConfigError("field %q: entry %d is not a valid regular expression: %v", "allow_patterns", i, err)
		}
		s.AllowPatterns = append(s.AllowPatterns, re)
	}
	for i, p := range c.StripPatterns {
		re, err := regexp.Compile(p)
		if err != nil {
			return sdk.ConfigError("field %q: entry %d is not a valid regular expression: %v", "strip_patterns", i, err)
		}
		if re.MatchString("") {
			return sdk.ConfigError("field %q: entry %d matches the empty string", "strip_patterns", i)
		}
		s.StripPatterns = append(s.StripPatterns, re)
	}
	return nil
}

// Stage is one configured guard instance.
type Stage struct {
	set      Settings
	models   []string
	detector *detect.Detector
	cache    *scanCache
}

// New is the plugin's stage factory.
func New(cfg sdk.Config) (sdk.Stage, error) {
	var c Config
	if err := cfg.Decode(&c); err != nil {
		return nil, err
	}
	set, err := c.Resolve()
	if err != nil {
		return nil, err
	}
	d, err := detect.NewDefault()
	if err != nil {
		return nil, fmt.Errorf("load detector model: %w", err)
	}
	var models []string
	if cfg.Host != nil {
		models = slices.Clone(cfg.Host.Models)
	}
	if set.CheckModel && len(models) == 0 && cfg.Logger != nil {
		cfg.Logger.Warn("check_model is on but the host sent no model list; the model is not checked")
	}
	return &Stage{set: set, models: models, detector: d, cache: newScanCache(set.ScanCacheEntries)}, nil
}

// Info returns the active settings for /security-status.
func (s *Stage) Info() map[string]string {
	return map[string]string{
		"mode":             s.set.Mode,
		"threshold":        strconv.FormatFloat(s.set.Threshold, 'g', -1, 64),
		"max_prompt_chars": strconv.Itoa(s.set.MaxPromptChars),
		"min_temperature":  strconv.FormatFloat(s.set.MinTemperature, 'g', -1, 64),
		"max_temperature":  strconv.FormatFloat(s.set.MaxTemperature, 'g', -1, 64),
		"temperature_range": fmt.Sprintf("%s-%s", strconv.FormatFloat(s.set.MinTemperature, 'f', 1, 64),
			strconv.FormatFloat(s.set.MaxTemperature, 'f', 1, 64)),
		"max_tokens_limit": strconv.Itoa(s.set.MaxTokensLimit),
		"chat_limits": fmt.Sprintf("max_prompt_chars=%d,temperature_range=%s-%s,max_tokens_limit=%d", s.set.Chat.MaxPromptChars,
			strconv.FormatFloat(s.set.Chat.MinTemperature, 'f', 1, 64), strconv.FormatFloat(s.set.Chat.MaxTemperature, 'f', 1, 64), s.set.Chat.MaxTokensLimit),
		"check_model":      strconv.FormatBool(s.set.CheckModel),
		"scanned_roles":    strings.Join(scannedRoles, ","),
		"detector_version": detect.Version,
		"thresholds":       formatThresholds(s.set.Thresholds),
		"allow_list":       strconv.Itoa(len(s.set.AllowPrompts) + len(s.set.AllowPatterns)),
		"strip_patterns":   strconv.Itoa(len(s.set.StripPatterns)),
		"scan_cache":       strconv.Itoa(s.set.ScanCacheEntries),
	}
}

// formatThresholds writes per-category thresholds as "cat=t,…" in category order.
func formatThresholds(m map[string]float64) string {
	var parts []string
	for _, c := range categories {
		if t, ok := m[c]; ok {
			parts = append(parts, c+"="+strconv.FormatFloat(t, 'g', -1, 64))
		}
	}
	return strings.Join(parts, ",")
}

// scannedRoles are the message roles whose text is scanned for injections.
// System messages are the application's own instructions (they routinely say
// "never reveal these instructions") and assistant messages are earlier model
// output (their tool calls' arguments too: the model wrote them); both are
// validated but not scanned.
var scannedRoles = []string{"user", "tool", "function"}

func scanned(role string) bool {
	return role == "" || slices.Contains(scannedRoles, role)
}

// toolResult reports a message that carries a tool's result: what it says
// is data the application fetched, so an instruction in it is an indirect
// injection.
func toolResult(role string) bool { return role == "tool" || role == "function" }

// texts returns what the model reads of a message: each text part when the
// client sent a content array (image parts carry no text to scan), else the
// content. With several text parts the joined content is scanned too, so an
// attack split across parts is seen whole.
func texts(m *sdk.Message) []string {
	var out []string
	for _, p := range m.GetParts() {
		if p.GetType() == "text" && p.GetText() != "" {
			out = append(out, p.GetText())
		}
	}
	if c := m.GetContent(); c != "" && (len(out) != 1 || out[0] != c) {
		out = append(out, c)
	}
	return out
}

// text is a message's whole text: its content, or its text parts joined when
// the content is empty (a host that does not fill it in).
func text(m *sdk.Message) string {
	if c := m.GetContent(); c != "" || len(m.GetParts()) == 0 {
		return c
	}
	var b strings.Builder
	for _, p := range m.GetParts() {
		if p.GetType() == "text" {
			b.WriteString(p.GetText())
		}
	}
	return b.String()
}

// empty reports a message with nothing in it: no text and no image.
func empty(m *sdk.Message) bool {
	if strings.TrimSpace(text(m)) != "" {
		return false
	}
	for _, p := range m.GetParts() {
		if p.GetType() == "image_url" && p.GetImageUrl() != "" {
			return false
		}
	}
	return true
}

func invalid(status int, code, param, msg string) *sdk.StageResponse {
	return sdk.Rejection{Status: status, Type: sdk.TypeInvalidRequest, Code: code, Message: msg, Param: param, Category: "validation", Counter: sdk.CountValidation}.Response()
}

// Process validates and scans one request.
func (s *Stage) Process(ctx context.Context, req *sdk.StageRequest) (*sdk.StageResponse, error) {
	if req.GetRoute() == routeEmbeddings {
		return checkEmbeddings(req.GetEmbeddings()), nil
	}
	chat := req.GetRoute() == "chat"
	cr := req.GetRequest()
	if rej := s.validate(chat, cr); rej != nil {
		return rej, nil
	}
	best, flagged, n, ok := s.scan(ctx.Done(), cr.GetMessages())
	if !ok {
		// The gateway gave up on the request (another stage refused it, or
		// its client left): no verdict, and the scan stopped.
		return nil, context.Cause(ctx)
	}
	ann := map[string]string{"guard.score": strconv.FormatFloat(best.Score, 'f', 3, 64)}
	if n.allowed > 0 {
		ann["guard.allowed"] = strconv.Itoa(n.allowed)
	}
	if n.cached > 0 {
		ann["guard.cached"] = strconv.Itoa(n.cached)
	}
	if !flagged {
		resp := sdk.Continue()
		resp.Annotations = ann
		return resp, nil
	}
	ann["guard.category"] = best.Category
	ann["guard.action"] = s.set.Mode
	if s.set.Mode == ModeBlock {
		r := sdk.Rejection{
			Status:   400,
			Type:     sdk.TypeInvalidRequest,
			Code:     "prompt_injection_detected",
			Message:  fmt.Sprintf("prompt blocked by the injection guard (category: %s)", best.Category),
			Param:    promptParam(chat),
			Category: best.Category,
			Counter:  sdk.CountPromptInjection,
		}.Response()
		r.Annotations = ann
		return r, nil
	}
	resp := sdk.Continue()
	resp.Annotations = ann
	resp.Category = best.Category
	resp.ResponseHeaders = map[string]string{HeaderGuard: "flagged;category=" + best.Category}
	return resp, nil
}

// scanCounts count a request's messages the allow-list exempted and its
// texts whose verdict came from the scan cache.
type scanCounts struct{ allowed, cached int }

// scan scores every text of every scanned message the allow-list does not
// exempt and returns the verdict that decides: the highest-scoring flagged
// one (each against its category's threshold), else the highest-scoring
// one. A verdict on a tool result has the category indirect_injection.
// It stops when done is closed (ok false: no verdict).
func (s *Stage) scan(done <-chan struct{}, msgs []*sdk.Message) (best detect.Verdict, flagged bool, n scanCounts, ok bool) {
	for _, m := range msgs {
		if !scanned(m.GetRole()) {
			continue
		}
		if s.set.Allowed(text(m)) {
			n.allowed++
			continue
		}
		tool := toolResult(m.GetRole())
		for _, t := range texts(m) {
			v, hit, finished := s.cache.verdict(s.set.Stripped(t), tool, func(t string) (detect.Verdict, bool) {
				v, ok := s.detector.DetectUntil(done, t, tool)
				if tool {
					v = toolResultVerdict(v)
				}
				return v, ok
			})
			if !finished {
				return best, flagged, n, false
			}
			if hit {
				n.cached++
			}
			f := s.set.Flags(v)
			switch {
			case f && (!flagged || v.Score > best.Score):
				best, flagged = v, true
			case !flagged && (v.Score > best.Score || best.Category == "" && v.Category != "" && v.Score == best.Score):
				best = v
			}
		}
	}
	return best, flagged, n, true
}

// ScanToolResult scores a tool's or a function's result the way the stage
// does: as a document (detect.Detector.DetectDocument), whatever it finds
// an indirect injection.
func ScanToolResult(d *detect.Detector, text string) detect.Verdict {
	return toolResultVerdict(d.DetectDocument(text))
}

// toolResultVerdict is a document's verdict as a tool result's: whatever it
// finds an indirect injection.
func toolResultVerdict(v detect.Verdict) detect.Verdict {
	if v.Category != "" {
		v.Category = CategoryIndirect
	}
	return v
}

func promptParam(chat bool) string {
	if chat {
		return "messages"
	}
	return "prompt"
}

func (s *Stage) validate(chat bool, cr *sdk.ChatRequest) *sdk.StageResponse {
	param := promptParam(chat)
	msgs := cr.GetMessages()
	if len(msgs) == 0 {
		return invalid(400, "missing_field", param, fmt.Sprintf("%s is required", param))
	}
	hasUser := false
	for i, m := range msgs {
		empty := empty(m)
		switch m.GetRole() {
		case "user", "":
			hasUser = true
			if empty {
				if chat {
					return invalid(400, "missing_field", param, fmt.Sprintf("messages[%d].content is required", i))
				}
				return invalid(400, "missing_field", param, "prompt is required")
			}
		case "system":
			if empty {
				if chat {
					return invalid(400, "missing_field", param, fmt.Sprintf("messages[%d].content is required", i))
				}
				return invalid(400, "missing_field", "system", "system must not be empty")
			}
		}
	}
	if !hasUser && !chat {
		return invalid(400, "missing_field", param, "prompt is required")
	}
	if model := cr.GetModel(); s.set.CheckModel && len(s.models) > 0 && model != "" && !slices.Contains(s.models, model) {
		if chat {
			return invalid(404, "model_not_found", "model", fmt.Sprintf("The model %q does not exist (GET /v1/models lists the models this gateway serves)", model))
		}
		return invalid(400, "unknown_model", "model", fmt.Sprintf("unknown model %q (GET /models lists the models this gateway serves)", model))
	}
	lim := s.set.Limits
	if chat {
		lim = s.set.Chat
	}
	for i, m := range msgs {
		// A text's bytes are at least its characters: only a text longer in
		// bytes than the limit is counted (a coding agent's history of
		// hundreds of kilobytes under a limit of a million is not).
		t := text(m)
		if len(t) <= lim.MaxPromptChars {
			continue
		}
		if n := utf8.RuneCountInString(t); n > lim.MaxPromptChars {
			what := "prompt"
			if chat {
				what = fmt.Sprintf("messages[%d].content", i)
			} else if m.GetRole() == "system" {
				what = "system"
			}
			return invalid(400, "prompt_too_long", param,
				fmt.Sprintf("%s is %d characters; the limit is %d", what, n, lim.MaxPromptChars))
		}
	}
	if cr.Temperature != nil {
		t := cr.GetTemperature()
		if math.IsNaN(t) || t < lim.MinTemperature || t > lim.MaxTemperature {
			return invalid(400, "invalid_temperature", "temperature",
				fmt.Sprintf("temperature must be between %g and %g", lim.MinTemperature, lim.MaxTemperature))
		}
	}
	if cr.MaxTokens != nil {
		if n := cr.GetMaxTokens(); n <= 0 || int(n) > lim.MaxTokensLimit {
			return invalid(400, "invalid_max_tokens", "max_tokens",
				fmt.Sprintf("max_tokens must be between 1 and %d", lim.MaxTokensLimit))
		}
	}
	return nil
}

// NewDetector builds the detector and threshold a config selects, for the
// eval command (which must measure exactly what the stage serves).
func NewDetector(raw []byte) (*detect.Detector, Settings, error) {
	var c Config
	if err := (sdk.Config{Raw: raw}).Decode(&c); err != nil {
		return nil, Settings{}, err
	}
	set, err := c.Resolve()
	if err != nil {
		return nil, set, err
	}
	d, err := detect.NewDefault()
	return d, set, err
}
