package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// prompt is the line at the bottom where the user types a seq, a search,
// a note or an expression. What enter does is given when it opens; when
// that fails (an expression that does not compile), the prompt stays open
// with the error, to be mended.
type prompt struct {
	*theme
	input  textinput.Model
	open   bool
	submit func(text string) (tea.Cmd, error)
	err    string
}

func newPrompt(t *theme) prompt {
	in := textinput.New()
	in.Prompt = ""
	in.SetStyles(inputStyles(true))
	return prompt{theme: t, input: in}
}

// inputStyles are the prompt's styles, with a steady cursor: a blinking
// one would keep the program busy for nothing.
func inputStyles(isDark bool) textinput.Styles {
	st := textinput.DefaultStyles(isDark)
	st.Cursor.Blink = false
	return st
}

// Open opens the prompt with a label and a value to edit; submit acts on
// what is typed when enter is pressed.
func (p *prompt) Open(label, value string, submit func(string) (tea.Cmd, error)) tea.Cmd {
	p.open, p.submit, p.err = true, submit, ""
	p.input.Prompt = label
	p.input.SetValue(value)
	p.input.CursorEnd()
	return p.input.Focus()
}

func (p *prompt) close() {
	p.open, p.err = false, ""
	p.input.Blur()
}

// Update handles keys while the prompt is open.
func (p *prompt) Update(msg tea.Msg) tea.Cmd {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(k, p.keys.Cancel):
			p.close()
			return nil
		case key.Matches(k, p.keys.Enter):
			text := strings.TrimSpace(p.input.Value())
			cmd, err := p.submit(text)
			if err != nil {
				p.err = err.Error()
				return nil
			}
			p.close()
			return cmd
		}
	}
	var cmd tea.Cmd
	p.input, cmd = p.input.Update(msg)
	if _, ok := msg.(tea.KeyPressMsg); ok {
		p.err = ""
	}
	return cmd
}

// View is the prompt's line, with keys at its right end when they leave
// room to type; its error, if any, shows on the status line.
func (p *prompt) View(width int, keys string) string {
	in := p.st.prompt.Render(p.input.View())
	const room = 16 // cells kept free for typing
	if pad := width - ansi.StringWidth(in) - ansi.StringWidth(keys); keys != "" && pad >= room {
		return in + strings.Repeat(" ", pad) + keys
	}
	return fit(in, width)
}
