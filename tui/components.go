package tui

import (
	"github.com/sigscope/sigscope/tui/bodyview"
	"github.com/sigscope/sigscope/tui/logindialog"
	"github.com/sigscope/sigscope/tui/sigv4view"
)

// The components each declare the styles they need; these fill them from
// the one Styles of the theme.

func sigv4Styles(st Styles) sigv4view.Styles {
	return sigv4view.Styles{
		Heading: st.Bold, Label: st.Accent, Gutter: st.Border, Text: st.Text, Note: st.Dim, Dim: st.Dim,
		Highlight: st.Highlight, Cursor: st.Selected, Changed: st.Warn, Added: st.OK, Removed: st.Error,
		DiffMark: st.Accent, Error: st.Error,
	}
}

func bodyStyles(st Styles) bodyview.Styles {
	return bodyview.Styles{
		Key: st.JSONKey, String: st.JSONString, Number: st.JSONNumber, Keyword: st.JSONKeyword, Punct: st.Dim,
		Match: st.Match, CurrentMatch: st.CurrentMatch, Dim: st.Dim, Plain: st.Text,
	}
}

func loginStyles(st Styles) logindialog.Styles {
	return logindialog.Styles{
		Border: st.Overlay, Title: st.TitleFocused, Label: st.Dim, Done: st.OK, Current: st.Accent,
		Error: st.Error, Dim: st.Dim, Field: st.Text,
	}
}
