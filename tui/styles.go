package tui

import (
	"charm.land/lipgloss/v2"
)

// styles are built for a light or a dark terminal background, and
// rebuilt when the terminal reports which it has.
type styles struct {
	pane, focusedPane lipgloss.Style
	title             lipgloss.Style
	selected          lipgloss.Style
	seq               lipgloss.Style
	dim               lipgloss.Style
	added             lipgloss.Style
	removed           lipgloss.Style
	changed           lipgloss.Style
	match             lipgloss.Style
	status            lipgloss.Style
	statusErr         lipgloss.Style
	key               lipgloss.Style
	prompt            lipgloss.Style
}

func newStyles(isDark bool) *styles {
	ld := lipgloss.LightDark(isDark)
	accent := ld(lipgloss.Color("#5A56E0"), lipgloss.Color("#A9A5FF"))
	subtle := ld(lipgloss.Color("#A0A0A0"), lipgloss.Color("#5C5C5C"))
	return &styles{
		pane:        lipgloss.NewStyle().Foreground(subtle),
		focusedPane: lipgloss.NewStyle().Foreground(accent),
		title:       lipgloss.NewStyle().Bold(true).Foreground(accent),
		selected:    lipgloss.NewStyle().Reverse(true),
		seq:         lipgloss.NewStyle().Foreground(ld(lipgloss.Color("#8A6D00"), lipgloss.Color("#E5C07B"))),
		dim:         lipgloss.NewStyle().Foreground(subtle),
		added:       lipgloss.NewStyle().Foreground(ld(lipgloss.Color("#1A7F37"), lipgloss.Color("#7EE787"))),
		removed:     lipgloss.NewStyle().Foreground(ld(lipgloss.Color("#CF222E"), lipgloss.Color("#FF7B72"))),
		changed:     lipgloss.NewStyle().Foreground(ld(lipgloss.Color("#9A6700"), lipgloss.Color("#E3B341"))),
		match:       lipgloss.NewStyle().Underline(true).Bold(true),
		status:      lipgloss.NewStyle().Foreground(ld(lipgloss.Color("#303030"), lipgloss.Color("#D0D0D0"))),
		statusErr:   lipgloss.NewStyle().Bold(true).Foreground(ld(lipgloss.Color("#CF222E"), lipgloss.Color("#FF7B72"))),
		key:         lipgloss.NewStyle().Bold(true).Foreground(accent),
		prompt:      lipgloss.NewStyle().Bold(true).Foreground(accent),
	}
}
