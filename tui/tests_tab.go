package tui

import (
	"fmt"

	"github.com/sigscope/sigscope/tui/bodyview"
	"github.com/sigscope/sigscope/workbench"
)

// testsMark is the tree's mark of a request's last answer: "✓" when every
// assertion held and every capture found its value, "✗" when not, "" when
// the request has no tests of its own beyond the default status check.
func testsMark(checks []workbench.CheckResult, caps []workbench.Captured) string {
	if len(checks) <= 1 && len(caps) == 0 {
		return "" // the default status check alone: the status says it
	}
	for _, c := range checks {
		if !c.Pass {
			return "✗"
		}
	}
	for _, c := range caps {
		if c.Err != "" {
			return "✗"
		}
	}
	return "✓"
}

// testLines is the Tests tab: each assertion with expected and actual,
// then the values captured (masked when secret, unless S).
func testLines(st Styles, checks []workbench.CheckResult, caps []workbench.Captured, show bool) []string {
	lines := []string{st.Bold.Render(fmt.Sprintf("Assertions: %d of %d held", workbench.Held(checks), len(checks)))}
	for _, c := range checks {
		if c.Pass {
			lines = append(lines, st.OK.Render("  ✓ ")+bodyview.Escape(c.Name)+st.Dim.Render("  "+bodyview.Escape(c.Actual)))
			continue
		}
		lines = append(lines, st.Error.Render("  ✗ ")+bodyview.Escape(c.Name)+": expected "+bodyview.Escape(c.Expected)+", got "+bodyview.Escape(c.Actual),
			st.Dim.Render("      "+bodyview.Escape(c.Where)))
	}
	lines = append(lines, "", st.Bold.Render(fmt.Sprintf("Captured (%d)", len(caps))))
	if len(caps) == 0 {
		lines = append(lines, st.Dim.Render("  none: capture: in the collection takes values for later requests"))
	}
	for _, c := range caps {
		if c.Err != "" {
			lines = append(lines, st.Error.Render("  ✗ ")+bodyview.Escape(c.Var)+": "+bodyview.Escape(c.Err))
			continue
		}
		v := c.Shown()
		if show {
			v = c.Value
		}
		lines = append(lines, "  "+bodyview.Escape(c.Var)+" = "+bodyview.Escape(v)+st.Dim.Render("  ("+bodyview.Escape(c.Where)+")"))
	}
	return lines
}

// tabCount is how many response tabs the selected request has: Tests only
// when its answer was tested beyond the default status check.
func (m *Model) tabCount() int {
	if r := m.selected(); r != nil && testsMark(r.checks, r.captures) != "" {
		return numTabs
	}
	return tabTests
}

// testsLabel is the Tests tab's name: how many held.
func testsLabel(checks []workbench.CheckResult, caps []workbench.Captured) string {
	return fmt.Sprintf("Tests %d/%d", workbench.Held(checks), len(checks))
}
