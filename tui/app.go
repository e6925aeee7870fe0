// Package tui is sigscope's terminal UI: one root model owns the layout,
// the focus and an overlay stack; panes are small components that get
// their sizes pushed down; every call into the workbench runs in a
// tea.Cmd and comes back as a message tagged with its sequence number.
package tui

import (
	"context"
	"io/fs"
	"strings"
	"time"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"

	"github.com/sigscope/sigscope/collections"
	"github.com/sigscope/sigscope/explain"
	"github.com/sigscope/sigscope/settings"
	"github.com/sigscope/sigscope/tui/bodyview"
	"github.com/sigscope/sigscope/tui/sigv4view"
	"github.com/sigscope/sigscope/workbench"
)

// Config says what the UI opens.
type Config struct {
	// Paths are collection files or folders; none and no Data: the start
	// screen.
	Paths []string
	// Data is a collection held in memory (the bundled demo), named
	// DataName in messages and cache keys. It is sigscope's own, trusted
	// by construction: the files of Paths are confirmed by the user first.
	Data     []byte
	DataName string
	// DataFiles are the files Data names beside itself (its schemas).
	DataFiles fs.FS

	Environment string
	Vars        map[string]string
	Env         workbench.Env

	// Emulator is the in-process emulator's URL, shown in the header.
	Emulator string
	// Username and Password prefill the login dialog (the demo user).
	Username, Password string
	// DemoCode, set by `sigscope demo` alone, returns the SMS or email
	// code its emulator sent to a user of a pool; the login dialog shows
	// it for a profile whose endpoint is Emulator, never another.
	DemoCode func(poolID, username string) (code string, ok bool)
	// Dark selects the dark theme; the program asks the terminal too.
	Dark bool
	// Settings are the user's settings file (theme, keymap, editor,
	// pager), read and checked by the caller; nil: none. T writes the
	// theme to Settings.Path.
	Settings *settings.Settings
	// History is read by H; Env.History records into it. Nil: no history.
	History HistoryReader
	// OpenHistory, when set, opens History (and Env.History) in a
	// command once the collections are on screen: opening SQLite must not
	// delay the first frame. Both wait for it until it returns; what it
	// returns is a warning for the status line ("" when all went well).
	OpenHistory func() (warning string)
	// Warnings are shown in the status line once the UI is up (a history
	// that could not be opened).
	Warnings []string
}

type pane int

const (
	paneTree pane = iota
	paneWire
	paneResponse
	paneSigV4
	paneCookies // narrow only: the response's Cookies tab as a pane
	paneDiff    // narrow only
)

// Model is the root model: the only tea.Model of the program.
type Model struct {
	cfg      Config
	styles   Styles
	theme    themeState
	keys     globalKeys
	lay      layout
	suiteSeq int // of the last run (R): a stopped run's late steps still land, tagged
	// layPrefs size the wide layout: the tree's rows, the user's < and >.
	layPrefs layoutPrefs
	ctx      context.Context

	loading bool
	spin    spinner.Model
	benches []*workbench.Workbench
	errs    []error // collections that did not load

	tree     *tree
	finderIx *finderIndex // the requests ctrl+p searches, listed with the tree
	// selectAfter is where the cursor goes once the tree is listed again
	// after an edit (treeedit.go); nil: onto the selected request.
	selectAfter *treeCursor
	focus       pane
	narrow      pane // the pane shown in the narrow layout
	zoom        bool

	// The selected request and its session state.
	coll     int
	path     string
	modes    map[string]collections.AuthMode // per request, for this session
	showSecr bool

	// The live preview: the selected request signed now, not sent.
	// previewID names the request it is of (nodeID): until the preview of
	// a newly selected request comes, the old one is not shown as its.
	previewSeq int
	preview    *workbench.Preview
	previewErr error
	previewID  string
	previewRed [2]*workbench.Redactor // its masks, masked and in clear
	wire       textPane
	wireSrc    map[string]int

	// One send at a time: sendingID is the request in flight.
	sendSeq    int
	sending    bool
	sendingID  string
	cancelSend context.CancelFunc
	// The last outcome of every request sent (results.go).
	results      map[string]*result
	resultSerial int
	respTab      int
	body         *bodyview.Model
	bodyID       int
	respText     textPane
	respW, respH int      // the Response pane's inside, tab bar included
	diag         []string // the diagnosis above the body (diagnosis.go)

	inspector *sigv4view.Inspector
	teach     *sigv4view.Teach
	lesson    lessonState // edit and watch: the what-ifs the walk-through asks for (lesson.go)
	teaching  bool
	diff      *sigv4view.Diff
	diffOf    *explain.Diagnosis // what the diff shows (send.go)
	showDiff  bool
	stepsVer  int

	logins map[int]*workbench.LoginStatus

	// Collections asked to be trusted (trust.go), and the dialog asking.
	trustAsked  map[int]bool
	trustDialog overlay

	editing   *editor
	editDelay time.Duration

	history       HistoryReader
	historyOpened bool // cfg.OpenHistory was started
	replaySeq     int  // of the last replay asked for: an older check is dropped

	overlays []overlay
	// still stops the spinner and the header's clock: tests render
	// frames that do not depend on time.
	still    bool
	status   string
	statusOK bool
	// statusAbout is the request an answer's status line is about: it
	// goes when another request is selected.
	statusAbout string
	quitting    bool
}

// New builds the root model.
func New(cfg Config) *Model {
	m := &Model{
		cfg: cfg, keys: newGlobalKeys(), ctx: context.Background(),
		loading: true, tree: newTree(), modes: map[string]collections.AuthMode{},
		logins: map[int]*workbench.LoginStatus{}, wireSrc: map[string]int{}, editDelay: editDelay, trustAsked: map[int]bool{},
		results: map[string]*result{},
	}
	m.history = cfg.History
	m.keys.apply(cfg.Settings)
	m.theme, m.styles = newTheme(cfg)
	if len(cfg.Warnings) > 0 {
		m.setStatus(strings.Join(cfg.Warnings, "; "), false)
	}
	m.spin = spinner.New(spinner.WithSpinner(spinner.Dot))
	m.body = bodyview.New()
	m.inspector = sigv4view.NewInspector()
	m.teach = sigv4view.NewTeach()
	m.diff = sigv4view.NewDiff()
	m.applyStyles()
	m.wire.mark, m.respText.mark = -1, -1
	// At 80 columns the first screen shows what will be sent; the arrows
	// still move the tree's cursor (focus stays there), and 0 shows it.
	m.narrow = paneWire
	return m
}

// Init starts loading the collections and asks the terminal for its
// background colour, to pick the theme.
func (m *Model) Init() tea.Cmd {
	return tea.Batch(loadCmd(m.cfg), m.spinTick(), tea.RequestBackgroundColor, m.tick())
}

// selectedBench is the workbench of the selected request.
func (m *Model) selectedBench() *workbench.Workbench {
	if m.coll < 0 || m.coll >= len(m.benches) {
		return nil
	}
	return m.benches[m.coll]
}

func (m *Model) modeKey() string { return nodeID(m.coll, m.path) }

// spinTick and tick start the timers, unless the model is still.
func (m *Model) spinTick() tea.Cmd {
	if m.still {
		return nil
	}
	return m.spin.Tick
}

func (m *Model) tick() tea.Cmd {
	if m.still {
		return nil
	}
	return tickCmd()
}
