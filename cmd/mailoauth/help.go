package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// helpWidth is where help text wraps.
const helpWidth = 100

// help writes a command's help on stdout: what it does, usage, commands,
// flags by group, examples, exit codes and where to learn more.
func (a *app) help(c *cobra.Command, _ []string) {
	w := c.OutOrStdout()
	sty := a.style()
	heading := func(s string) { fmt.Fprintf(w, "\n%s\n", sty.paint(sgrBold, strings.ToUpper(s))) }
	text := c.Long
	if text == "" {
		text = c.Short
	}
	fmt.Fprintln(w, strings.TrimSpace(text))

	heading("Usage")
	switch {
	case c.HasAvailableSubCommands() && !c.Runnable():
		fmt.Fprintf(w, "  %s <command> [flags]\n", c.CommandPath())
	case c.HasAvailableSubCommands():
		fmt.Fprintf(w, "  %s <command> [flags]\n", c.CommandPath())
		if c.HasParent() {
			fmt.Fprintf(w, "  %s\n", c.UseLine())
		}
	default:
		fmt.Fprintf(w, "  %s\n", c.UseLine())
	}
	if subs := availableCommands(c); len(subs) > 0 {
		heading("Commands")
		width := 0
		for _, s := range subs {
			width = max(width, len(s.Name()))
		}
		for _, s := range subs {
			fmt.Fprintf(w, "  %s  %s\n", pad(s.Name(), width), s.Short)
		}
	}
	writeFlagGroups(w, c, heading)
	if c.Example != "" {
		heading("Examples")
		fmt.Fprintln(w, strings.TrimRight(c.Example, "\n"))
	}
	if codes := c.Annotations["exit-codes"]; codes != "" {
		heading("Exit codes")
		fmt.Fprintln(w, strings.TrimRight(codes, "\n"))
	}
	heading("Learn more")
	if c.HasAvailableSubCommands() {
		fmt.Fprintf(w, "  Use \"%s help <command>\" for more about a command.\n", c.CommandPath())
	}
	fmt.Fprintf(w, "  Diagnosis IDs (stable, in --output json and reports): docs/diagnoses.md\n    %s\n", diagnosesURL)
	if c.Name() == "check" {
		fmt.Fprintf(w, "  JSON report schema: docs/schema/check-result.v1.json\n    %s\n", schemaURL)
	}
}

// availableCommands are the subcommands help lists.
func availableCommands(c *cobra.Command) []*cobra.Command {
	var out []*cobra.Command
	for _, s := range c.Commands() {
		if s.IsAvailableCommand() || s.Name() == "help" {
			out = append(out, s)
		}
	}
	return out
}

// writeFlagGroups lists c's own flags by group, then the global ones.
func writeFlagGroups(w io.Writer, c *cobra.Command, heading func(string)) {
	byGroup := map[string][]*pflag.Flag{}
	c.LocalFlags().VisitAll(func(f *pflag.Flag) {
		if f.Hidden {
			return
		}
		g := ""
		if v := f.Annotations[groupKey]; len(v) > 0 {
			g = v[0]
		}
		byGroup[g] = append(byGroup[g], f)
	})
	var inherited []*pflag.Flag
	c.InheritedFlags().VisitAll(func(f *pflag.Flag) {
		if !f.Hidden {
			inherited = append(inherited, f)
		}
	})
	// One column for every group, so that the page reads as one table.
	all := append([]*pflag.Flag(nil), inherited...)
	for _, fs := range byGroup {
		all = append(all, fs...)
	}
	width := 0
	for _, f := range all {
		width = max(width, len(flagLeft(f)))
	}
	print := func(title string, fs []*pflag.Flag) {
		if len(fs) == 0 {
			return
		}
		heading(title)
		for _, f := range fs {
			fmt.Fprintln(w, flagEntry(f, width))
		}
	}
	for _, g := range groupOrder {
		print(g+" flags", byGroup[g])
	}
	print("Flags", byGroup[""])
	print(groupGlobal+" flags", inherited)
}

// flagLeft is a flag's name column: "  -h, --help" or "      --tenant ID".
func flagLeft(f *pflag.Flag) string {
	name, _ := pflag.UnquoteUsage(f)
	s := "      --" + f.Name
	if f.Shorthand != "" {
		s = "  -" + f.Shorthand + ", --" + f.Name
	}
	if name != "" {
		s += " " + name
	}
	return s
}

// flagEntry is a flag's line(s) in help: name column, usage wrapped to
// helpWidth, and the default when it says something.
func flagEntry(f *pflag.Flag, width int) string {
	_, usage := pflag.UnquoteUsage(f)
	switch f.DefValue {
	case "", "false", "0", "0s", "[]":
	default:
		if f.Value.Type() == "string" {
			usage += fmt.Sprintf(" (default %q)", f.DefValue)
		} else {
			usage += " (default " + f.DefValue + ")"
		}
	}
	left := pad(flagLeft(f), width) + "   "
	return left + wrapText(usage, helpWidth-len(left), strings.Repeat(" ", len(left)))
}

// wrapText breaks s into lines of at most width columns, continuing with
// indent.
func wrapText(s string, width int, indent string) string {
	width = max(width, 30)
	var b strings.Builder
	n := 0
	for i, word := range strings.Fields(s) {
		l := len([]rune(word))
		if i > 0 {
			if n+1+l > width {
				b.WriteString("\n" + indent)
				n = 0
			} else {
				b.WriteByte(' ')
				n++
			}
		}
		b.WriteString(word)
		n += l
	}
	return b.String()
}
